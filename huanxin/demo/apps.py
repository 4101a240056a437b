from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "huanxin.demo"
    verbose_name = "示例城市"
