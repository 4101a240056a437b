from django.urls import path

from huanxin.planning import views

app_name = "planning"
urlpatterns = [
    path("pool/", views.pool, name="pool"),
    path("rules/", views.rules_edit, name="rules"),
    path("estate/<int:estate_pk>/", views.estate_tab, name="estate_tab"),
    path("estate/<int:estate_pk>/submit/", views.candidate_submit, name="submit"),
    path("candidates/<int:pk>/review/", views.candidate_review, name="review"),
    path("candidates/<int:pk>/confirm/", views.candidate_confirm, name="confirm"),
]
