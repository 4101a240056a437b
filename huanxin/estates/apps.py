from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EstatesConfig(AppConfig):
    name = "huanxin.estates"
    verbose_name = _("小区台账")

    def ready(self) -> None:
        from huanxin.estates import tasks  # noqa: F401  (tells the worker what to do with abandoned imports)
