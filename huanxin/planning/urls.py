from django.urls import path

from huanxin.planning import views

app_name = "planning"
urlpatterns = [
    path("", views.program_list, name="programs"),
    path("programs/new/", views.program_new, name="program_new"),
    path("programs/<int:pk>/edit/", views.program_edit, name="program_edit"),
    path("programs/<int:program_pk>/plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/optimize/", views.plan_optimize, name="plan_optimize"),
    path("plans/<int:pk>/optimize/<int:run_pk>/", views.optimizer_run, name="optimizer_run"),
    path("plans/<int:pk>/entries/", views.plan_entries, name="plan_entries"),
    path("plans/<int:pk>/publish/", views.plan_publish, name="plan_publish"),
    path("plans/<int:pk>/withdraw/", views.plan_withdraw, name="plan_withdraw"),
    path("plans/<int:pk>/approve/", views.plan_approve, name="plan_approve"),
    path("plans/<int:pk>/export.xlsx", views.plan_export, name="plan_export"),
    path("public/plans/<int:pk>/", views.plan_public, name="plan_public"),
    path("pool/", views.pool, name="pool"),
    path("rules/", views.rules_edit, name="rules"),
    path("weights/", views.weights_edit, name="weights"),
    path("candidates/<int:pk>/cost/", views.candidate_cost, name="cost"),
    path("estate/<int:estate_pk>/", views.estate_tab, name="estate_tab"),
    path("estate/<int:estate_pk>/submit/", views.candidate_submit, name="submit"),
    path("candidates/<int:pk>/forward/", views.candidate_forward, name="forward"),
    path("candidates/<int:pk>/review/", views.candidate_review, name="review"),
    path("candidates/<int:pk>/confirm/", views.candidate_confirm, name="confirm"),
]
