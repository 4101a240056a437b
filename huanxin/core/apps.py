from typing import Any

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "huanxin.core"
    verbose_name = "核心"

    def ready(self) -> None:
        from simple_history.signals import pre_create_historical_record

        from huanxin.core import checks  # noqa: F401  (registers the system-dependency checks)

        pre_create_historical_record.connect(_history_on_the_clock, dispatch_uid="huanxin.history.clock")


def _history_on_the_clock(sender: Any, instance: Any, history_instance: Any, **kwargs: Any) -> None:
    """A version is dated by the clock, not the server's time, so that the past recorded on a
    pinned day (the demo's history, paper records entered later) reads as of that day. A row that
    names its own `_history_date` keeps it, as django-simple-history intends."""
    if not hasattr(instance, "_history_date"):
        from huanxin.core import clock

        history_instance.history_date = clock.now()
