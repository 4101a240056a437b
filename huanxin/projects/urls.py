from django.urls import path

from huanxin.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/transition/", views.project_transition, name="transition"),
]
