from django.urls import path

from huanxin.funding import views

app_name = "funding"
urlpatterns = [
    path("", views.money_rollup, name="rollup"),
    path("export.xlsx", views.money_export, name="export"),
    path("sources/", views.sources_page, name="sources"),
    path("projects/<int:pk>/", views.project_money_page, name="project"),
    path("projects/<int:pk>/plan/", views.plan_save, name="plan"),
    path("projects/<int:pk>/entries/", views.entry_record, name="record"),
    path("projects/<int:pk>/entries/<int:entry_pk>/reverse/", views.entry_reverse, name="reverse"),
    path("entries/<int:pk>/attachment/", views.entry_attachment, name="attachment"),
]
