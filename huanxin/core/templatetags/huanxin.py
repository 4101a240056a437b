"""Number display for templates: 元/万元/亿元, ㎡/万㎡, percentages, and the exact value on hover;
columns of a table in one unit (`wan_yuan`, `wan_area`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from huanxin.core import money
from huanxin.core.masking import mask_name

register = template.Library()


@register.filter
def yuan(value: Decimal | int | None) -> str:
    return money.format_yuan(value)


@register.filter
def area(value: Decimal | int | None) -> str:
    return money.format_area(value)


@register.filter
def masked_name(value: str) -> str:
    return mask_name(value)


@register.filter
def percent(value: Decimal | float | None) -> str:
    return money.format_percent(value)


# A rate above 100 % is not an error but a fact the reader must be told: money beyond the plan
# arrived, or more was paid than arrived (the district advanced it, 垫付).
RATE_BEYOND = {
    "in_place": (_("超计划到位"), _("到位资金超过计划：可能有多拨或计划尚未调整，请核对")),
    "execution": (_("含垫付"), _("支出超过已到位资金：差额为先行垫付（通常由区县垫付），待资金到位后冲抵")),
}


@register.filter
def rate(value: Any, kind: str) -> str:
    """A rate as a percentage; above 100 % with a short note saying why, its reason on hover."""
    text = money.format_percent(value)
    if value is None or float(value) <= 1 or kind not in RATE_BEYOND:
        return text
    label, reason = RATE_BEYOND[kind]
    return format_html(
        '{} <span class="badge text-bg-warning rate-beyond" title="{}">{}</span>', text, reason, label
    )


@register.filter
def exact_yuan(value: Decimal | int | None) -> str:
    """The short form with the exact amount on hover (UI.md)."""
    if value is None:
        return "—"
    return format_html('<span title="{}">{}</span>', _exact_yuan(value), money.format_yuan(value))


@register.filter
def exact_area(value: Decimal | int | None) -> str:
    if value is None:
        return "—"
    return format_html('<span title="{}">{}</span>', _exact_m2(value), money.format_area(value))


# A table column: every row in 万元 (or 万㎡) with two decimals, the unit in the column's header,
# the exact figure on hover. `yuan`/`exact_yuan` switch units per value and are for single figures.
@register.filter
def wan_yuan(value: Decimal | int | None) -> str:
    if value is None or value == "":
        return "—"
    return format_html('<span title="{}">{}</span>', _exact_yuan(value), money.format_wan(value))


@register.filter
def wan_area(value: Decimal | int | None) -> str:
    if value is None or value == "":
        return "—"
    return format_html('<span title="{}">{}</span>', _exact_m2(value), money.format_wan(value))


def _exact_yuan(value: Decimal | int) -> str:
    return _("%(yuan)s 元") % {"yuan": f"{Decimal(value):,.2f}"}


def _exact_m2(value: Decimal | int) -> str:
    return _("%(area)s ㎡") % {"area": f"{Decimal(value):,.2f}"}


@register.simple_tag(takes_context=True)
def query_with(context: Any, **changes: Any) -> str:
    """The current query string with some parameters replaced: sort links and pages keep filters."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + urlencode(list(params.lists()), doseq=True)


@register.filter
def add_class(bound_field: Any, css: str) -> Any:
    """Render a form field with extra CSS classes (forms keep markup out of Python)."""
    return bound_field.as_widget(attrs={"class": css})


@register.filter
def num(value: Decimal | int | None) -> str:
    """Thousands separators whatever the locale: 29738 → 29,738."""
    if value is None or value == "":
        return "—"
    number = Decimal(value)
    return f"{number:,.0f}" if number == number.to_integral_value() else f"{number:,.2f}"


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, key)
