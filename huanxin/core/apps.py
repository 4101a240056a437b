from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "huanxin.core"
    verbose_name = _("核心")

    def ready(self) -> None:
        from django.db.models.signals import pre_save
        from simple_history.signals import pre_create_historical_record

        from huanxin.core import checks  # noqa: F401  (registers the system-dependency checks)

        pre_create_historical_record.connect(_history_on_the_clock, dispatch_uid="huanxin.history.clock")
        pre_save.connect(_text_without_controls, dispatch_uid="huanxin.text.controls")


def _history_on_the_clock(sender: Any, instance: Any, history_instance: Any, **kwargs: Any) -> None:
    """A version is dated by the clock, not the server's time, so that the past recorded on a
    pinned day (the demo's history, paper records entered later) reads as of that day. A row that
    names its own `_history_date` keeps it, as django-simple-history intends."""
    if not hasattr(instance, "_history_date"):
        from huanxin.core import clock

        history_instance.history_date = clock.now()


def _text_without_controls(sender: Any, instance: Any, **kwargs: Any) -> None:
    """The last edge every page, endpoint, import and admin form passes: a row of ours keeps no
    control character but a line break or a tab in its text (core/text.py)."""
    if not sender.__module__.startswith("huanxin."):
        return
    from django.db import models

    from huanxin.core.text import CONTROL, strip_controls

    for field in sender._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            value = getattr(instance, field.attname)
            if isinstance(value, str) and CONTROL.search(value):
                setattr(instance, field.attname, strip_controls(value))
