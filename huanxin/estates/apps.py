from django.apps import AppConfig


class EstatesConfig(AppConfig):
    name = "huanxin.estates"
    verbose_name = "小区台账"
