"""The one clock. Everything that asks "today" asks here, so HUANXIN_TODAY can pin it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")


def pinned_date() -> dt.date | None:
    value = getattr(settings, "HUANXIN_TODAY", "")
    return dt.date.fromisoformat(value) if value else None


def today() -> dt.date:
    """Today's date in Asia/Shanghai, or the pinned date."""
    return pinned_date() or timezone.now().astimezone(SHANGHAI).date()


def now() -> dt.datetime:
    """An aware datetime: the real time of day on today()'s date, so pinned dates still tick."""
    real = timezone.now().astimezone(SHANGHAI)
    pinned = pinned_date()
    if pinned is None:
        return real
    return real.replace(year=pinned.year, month=pinned.month, day=pinned.day)


def parse_as_of(value: str | None) -> dt.date:
    """An `as_of=YYYY-MM-DD` parameter, defaulting to today()."""
    return dt.date.fromisoformat(value) if value else today()
