from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "huanxin.regions"
    verbose_name = "行政区划"
