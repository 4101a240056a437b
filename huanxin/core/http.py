"""Reading one object for a user: missing and outside the jurisdiction are the same 404."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.db import models
from django.utils.translation import gettext as _

from huanxin.core import clock
from huanxin.core.errors import HuanxinError, Invalid, NotFound
from huanxin.core.scoping import ScopedQuerySet

M = TypeVar("M", bound=models.Model)


def get_visible_or_404(queryset: ScopedQuerySet, user: Any, **lookup: Any) -> Any:
    try:
        return queryset.visible_to(user).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound() from error


def posted_version(request: Any) -> int:
    """The version a form was based on; garbage counts as no version, which is refused as stale."""
    try:
        return int(request.POST.get("version") or 0)
    except ValueError:
        return 0


MAX_ID = 2**63 - 1  # BigAutoField


def parse_id(text: Any) -> int | None:
    """A row id from a form or a query string: ASCII digits within the id column's range, else
    None (a '²' passes str.isdigit() but not int(); a 30-digit number overflows the database)."""
    text = str(text or "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def parse_decimal(text: Any, *, label: str, limit: Decimal = Decimal(10) ** 12) -> Decimal:
    """A number typed into a form ("1,200.5"), finite and within ±`limit`; Invalid naming the
    field otherwise."""
    raw = str(text or "").strip().replace(",", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or abs(value) > limit:
        raise Invalid(
            _("%(label)s应为数字：%(value)s") % {"label": label, "value": raw[:20]},
            details=[{"field": label, "message": raw[:20]}],
        )
    return value


def parse_date(text: Any, *, label: str) -> dt.date:
    """A date from a form (YYYY-MM-DD); Invalid naming the field otherwise."""
    raw = str(text or "").strip()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise Invalid(
            _("%(label)s应为日期，如2020-08-31") % {"label": label},
            details=[{"field": label, "message": raw[:20]}],
        ) from None


def requested_as_of(params: Any) -> dt.date | None:
    """A page's or endpoint's `as_of=YYYY-MM-DD`: None for the live view (absent, empty or
    today); a past date to read the figures of that day; a bad or future date is refused."""
    raw = str(params.get("as_of") or "").strip()
    if not raw:
        return None
    try:
        on = dt.date.fromisoformat(raw)
    except ValueError:
        raise Invalid(
            _("查询日期应为日期，如2020-08-31"), details=[{"field": "as_of", "message": raw[:20]}]
        ) from None
    today = clock.today()
    if on > today:
        raise Invalid(
            _("查询日期不能晚于今天（%(today)s）") % {"today": today.isoformat()},
            details=[{"field": "as_of", "message": raw[:20]}],
        )
    return None if on == today else on


def error_text(error: HuanxinError) -> str:
    """An error and every detail of it, as one line for a page's message."""
    return "；".join([error.message, *(detail["message"] for detail in error.details)])


def run_and_report(request: Any, call: Callable[[], Any], success: str) -> bool:
    """A form's service call: its success or its error (with every detail) as the page's message."""
    from django.contrib import messages

    try:
        call()
    except HuanxinError as error:
        messages.error(request, error_text(error))
        return False
    messages.success(request, success)
    return True
