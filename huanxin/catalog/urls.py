from django.urls import path

from huanxin.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.menu_list, name="list"),
    path("new/", views.menu_item_create, name="create"),
    path("<int:pk>/edit/", views.menu_item_edit, name="edit"),
    path("<int:pk>/remove/", views.menu_item_remove, name="remove"),
]
