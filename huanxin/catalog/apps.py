from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "huanxin.catalog"
    verbose_name = "改造菜单"
