"""Model fields that ask the one clock for the time, so that a pinned day records that day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models

from huanxin.core import clock


class ClockUpdatedField(models.DateTimeField):  # type: ignore[type-arg]
    """`auto_now` on the clock: the time of the row's last save, also within
    `save(update_fields=[..., this field])`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", clock.now)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance: models.Model, add: bool) -> dt.datetime:
        value = clock.now()
        setattr(model_instance, self.attname, value)
        return value
