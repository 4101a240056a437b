from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "huanxin.surveys"
    verbose_name = "问需调查"
