"""Mounted at the root: staff pages under /projects/, the representatives' page under the
estate's resident link."""

from django.urls import path

from huanxin.projects import resident_views, views

app_name = "projects"
urlpatterns = [
    path("projects/", views.project_list, name="list"),
    path("projects/mine/", views.my_projects, name="mine"),
    path("projects/estate/<int:estate_pk>/", views.estate_projects, name="estate_projects"),
    path("projects/export.xlsx", views.project_export, name="export"),
    path("projects/<int:pk>/", views.project_detail, name="detail"),
    path("projects/<int:pk>/transition/", views.project_transition, name="transition"),
    path("projects/<int:pk>/items/", views.project_items, name="items"),
    path("projects/<int:pk>/basic-reason/", views.project_basic_reason, name="basic_reason"),
    path("projects/<int:pk>/reapprove/", views.project_reapprove, name="reapprove"),
    path("projects/<int:pk>/schedule/", views.project_schedule, name="schedule"),
    path("projects/<int:pk>/progress/", views.progress_add, name="progress_add"),
    path(
        "projects/<int:pk>/progress/<int:report_pk>/confirm/", views.progress_confirm, name="progress_confirm"
    ),
    path("projects/<int:pk>/progress/upload/", views.progress_upload, name="progress_upload"),
    path("projects/<int:pk>/progress/template.xlsx", views.progress_template, name="progress_template"),
    path("projects/<int:pk>/acceptance/sign/", views.acceptance_sign, name="acceptance_sign"),
    path("projects/<int:pk>/acceptance/paper/", views.acceptance_paper, name="acceptance_paper"),
    path("projects/<int:pk>/acceptance.pdf", views.acceptance_pdf, name="acceptance_pdf"),
    path("projects/<int:pk>/representatives/", views.representative_add, name="representative_add"),
    path(
        "projects/<int:pk>/representatives/<int:representative_pk>/remove/",
        views.representative_remove,
        name="representative_remove",
    ),
    path("projects/<int:pk>/handover/", views.project_hand_over, name="handover"),
    path("projects/public/<int:pk>/", views.project_public, name="public"),
    path("projects/<int:pk>/organizations/", views.project_organizations, name="organizations"),
    path("projects/<int:pk>/join/", views.project_join, name="join"),
    path(
        "projects/<int:pk>/milestones/<int:milestone_pk>/done/", views.milestone_done, name="milestone_done"
    ),
    path("projects/<int:pk>/photos/", views.photo_upload, name="photo_upload"),
    path("projects/<int:pk>/photos/<int:photo_pk>/accept/", views.photo_accept, name="photo_accept"),
    path("projects/<int:pk>/photos/<int:photo_pk>/remove/", views.photo_remove, name="photo_remove"),
    path("projects/<int:pk>/feedback/", views.feedback_enter, name="feedback_enter"),
    path(
        "projects/<int:pk>/feedback/<int:feedback_pk>/answer/", views.feedback_answer, name="feedback_answer"
    ),
    path("projects/<int:pk>/paper-vote/", views.paper_vote, name="paper_vote"),
    path("projects/photos/<int:pk>/<str:kind>/", views.photo_file, name="photo"),
    path("projects/public/photos/<int:pk>/<str:kind>/", views.photo_public, name="public_photo"),
    path("r/<str:token>/vote/", resident_views.resident_vote, name="resident_vote"),
    path("r/<str:token>/feedback/", resident_views.resident_feedback, name="resident_feedback"),
    path("r/<str:token>/rate/", resident_views.resident_rate, name="resident_rate"),
    path("r/<str:token>/acceptance/", resident_views.resident_acceptance, name="resident_acceptance"),
]
