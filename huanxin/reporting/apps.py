from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "huanxin.reporting"
    verbose_name = "报表通报"
