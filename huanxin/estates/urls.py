from django.urls import path

from huanxin.estates import views

app_name = "estates"
urlpatterns = [
    path("", views.estate_list, name="list"),
    path("export.xlsx", views.estate_export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("export.csv", views.estate_export, {"fmt": "csv"}, name="export_csv"),
    path("new/", views.estate_create, name="create"),
    path("import/", views.ledger_import, name="import"),
    path("import/template.xlsx", views.ledger_template, name="import_template"),
    path("import/<uuid:pk>/", views.ledger_import_detail, name="import_detail"),
    path("import/<uuid:pk>/confirm/", views.ledger_import_confirm, name="import_confirm"),
    path("import/<uuid:pk>/retry/", views.ledger_import_retry, name="import_retry"),
    path("<int:pk>/", views.estate_detail, name="detail"),
    path("<int:pk>/edit/", views.estate_edit, name="edit"),
    path("<int:pk>/assessment/", views.estate_assess, name="assess"),
    path("<int:pk>/roster/", views.roster_import, name="roster_import"),
    path("<int:pk>/households/new/", views.household_new, name="household_new"),
]
