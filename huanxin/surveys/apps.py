from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "huanxin.surveys"
    verbose_name = _("问需调查")
