"""The one clock. Everything that asks "today" asks here, so HUANXIN_TODAY can pin it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
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


def end_of(day: dt.date) -> dt.datetime:
    """The first instant after `day` in Asia/Shanghai: a timestamp before it belongs to the day
    or earlier (what a page read as of `day` may show)."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=SHANGHAI)


def parse_as_of(value: str | None) -> dt.date:
    """An `as_of=YYYY-MM-DD` parameter, defaulting to today()."""
    return dt.date.fromisoformat(value) if value else today()


@contextmanager
def pinned(date: dt.date) -> Iterator[None]:
    """Run as if today were `date`: for recording what happened on a past day (the demo city's
    history, a backfill of paper records). Everything that asks today() sees it."""
    from django.test.utils import override_settings

    with override_settings(HUANXIN_TODAY=date.isoformat()):
        yield
