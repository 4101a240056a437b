from django.urls import path

from huanxin.residents import views

app_name = "residents"
urlpatterns = [
    path("slips/<int:estate_pk>/", views.slips, name="slips"),
    path("<str:token>/", views.landing, name="landing"),
    path("<str:token>/identify/", views.identify, name="identify"),
    path("<str:token>/h/<str:key>/", views.slip_link, name="slip_link"),
    path("<str:token>/consent/", views.consent, name="consent"),
    path("<str:token>/sign-out/", views.sign_out, name="sign_out"),
    path("<str:token>/withdraw-consent/", views.withdraw_consent, name="withdraw_consent"),
]
