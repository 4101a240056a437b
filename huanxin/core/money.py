"""Money and area. Stored exactly as Decimal with two places, never floats; shown in 元/万元/亿元
and ㎡/万㎡ the way officials read them: a single figure in the unit that suits it (`format_yuan`,
`format_area`), a table column in one unit for all its rows (`format_wan`)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

CENT = Decimal("0.01")
WAN = Decimal(10_000)
YI = Decimal(100_000_000)


def to_decimal(value: Decimal | int | str | float) -> Decimal:
    """Exact to the fen (or 0.01 ㎡). Floats go through str so that 0.1 stays 0.1."""
    if isinstance(value, float):
        value = repr(value)
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def yuan_to_fen(value: Decimal | int | str) -> int:
    return int(to_decimal(value) * 100)


def fen_to_yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(CENT)


def _trim(value: Decimal, places: int) -> str:
    text = f"{value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):,.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_yuan(value: Decimal | int | None) -> str:
    """1548000000 → '15.48 亿元'; 3050000 → '305 万元'; 8800 → '8,800 元'."""
    if value is None:
        return "—"
    amount = Decimal(value)
    if abs(amount) >= YI:
        return _("%(n)s 亿元") % {"n": _trim(amount / YI, 4)}
    if abs(amount) >= WAN:
        return _("%(n)s 万元") % {"n": _trim(amount / WAN, 2)}
    return _("%(n)s 元") % {"n": _trim(amount, 2)}


def format_area(value: Decimal | int | None) -> str:
    """3367400 → '336.74 万㎡'; 8800 → '8,800 ㎡'."""
    if value is None:
        return "—"
    area = Decimal(value)
    if abs(area) >= WAN:
        return _("%(n)s 万㎡") % {"n": _trim(area / WAN, 4)}
    return f"{_trim(area, 2)} ㎡"


def format_wan(value: Decimal | int | float | None) -> str:
    """The column form of an amount (万元) or an area (万㎡): two decimals, thousands separated, no
    unit — the unit is in the column's header — so every row of a column reads alike and sums
    by eye. 8800 → '0.88'; 3367400 → '336.74'; 1548000000 → '154,800.00'."""
    if value is None:
        return "—"
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    shown = (exact / WAN).quantize(CENT, rounding=ROUND_HALF_UP)
    if shown.is_zero():
        shown = abs(shown)  # a small reversal is "0.00", not "-0.00"
    return f"{shown:,.2f}"


def format_percent(value: Decimal | float | Fraction | None) -> str:
    """A share between 0 and 1 as a percentage with one decimal."""
    if value is None:
        return "—"
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return f"{(Decimal(str(value)) * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"
