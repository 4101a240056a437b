from django.urls import path

from huanxin.estates import views

app_name = "estates"
urlpatterns = [
    path("", views.estate_list, name="list"),
    path("new/", views.estate_create, name="create"),
    path("<int:pk>/", views.estate_detail, name="detail"),
    path("<int:pk>/edit/", views.estate_edit, name="edit"),
    path("<int:pk>/assessment/", views.estate_assess, name="assess"),
]
