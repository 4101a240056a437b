from django.apps import AppConfig


class ResidentsConfig(AppConfig):
    name = "huanxin.residents"
    verbose_name = "居民身份"
