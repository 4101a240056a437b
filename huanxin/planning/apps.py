from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "huanxin.planning"
    verbose_name = "资格与计划"
