from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "huanxin.core"
    verbose_name = "核心"

    def ready(self) -> None:
        from huanxin.core import checks  # noqa: F401  (registers the system-dependency checks)
