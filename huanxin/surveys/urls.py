"""Mounted at the root: staff pages under /surveys/, residents' pages under the estate's link."""

from django.urls import path

from huanxin.surveys import resident_views, views

app_name = "surveys"
urlpatterns = [
    path("surveys/", views.round_list, name="list"),
    path("surveys/new/", views.round_create, name="create"),
    path("surveys/estate/<int:estate_pk>/", views.estate_tab, name="estate_tab"),
    path("surveys/<int:pk>/", views.round_detail, name="detail"),
    path("surveys/<int:pk>/close/", views.round_close, name="close"),
    path("surveys/<int:pk>/extend/", views.round_extend, name="extend"),
    path("surveys/<int:pk>/export.xlsx", views.round_export, name="export"),
    path("r/<str:token>/survey/", resident_views.resident_survey, name="resident_survey"),
    path("r/<str:token>/survey/done/", resident_views.resident_done, name="resident_done"),
]
