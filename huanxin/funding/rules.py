"""Money as plain values: amounts in yuan with exactly two decimals (fen), the sums a ledger
gives, and the rates a bureau reports. No database here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

FEN = Decimal("0.01")
LIMIT = Decimal(10) ** 12  # a trillion yuan: beyond any one project, inside the columns

RECEIPT = "receipt"
PAYMENT = "payment"


class AmountRefused(ValueError):
    """An amount that is not a whole number of fen within the limit; the message is the reason."""


def amount_in_fen(value: Decimal) -> Decimal:
    """The amount itself, refused unless it is positive, finite, at most two decimals and within
    the limit — money is never rounded silently."""
    if not value.is_finite() or value <= 0:
        raise AmountRefused(_("金额应大于0"))
    if value != value.quantize(FEN):
        raise AmountRefused(_("金额最多两位小数（到分）"))
    if value > LIMIT:
        raise AmountRefused(_("金额过大"))
    return value.quantize(FEN)


@dataclass(frozen=True)
class Entry:
    kind: str  # receipt or payment
    amount: Decimal  # negative for a reversing entry


@dataclass(frozen=True)
class Totals:
    planned: Decimal
    received: Decimal
    paid: Decimal

    @property
    def in_place_rate(self) -> Fraction | None:
        """到位率: received over planned."""
        return Fraction(self.received) / Fraction(self.planned) if self.planned else None

    @property
    def execution_rate(self) -> Fraction | None:
        """执行率: paid over received."""
        return Fraction(self.paid) / Fraction(self.received) if self.received else None

    @property
    def advanced(self) -> Decimal:
        """Paid beyond what has arrived: money advanced by the district, still to be covered."""
        return max(self.paid - self.received, Decimal(0))


def totals(planned: Decimal, entries: Iterable[Entry]) -> Totals:
    entries = list(entries)
    received = sum((e.amount for e in entries if e.kind == RECEIPT), Decimal(0))
    paid = sum((e.amount for e in entries if e.kind == PAYMENT), Decimal(0))
    return Totals(planned=planned, received=received, paid=paid)


def payment_needs_advance(received: Decimal, paid: Decimal, amount: Decimal) -> bool:
    """Whether paying `amount` would pay out more than has arrived."""
    return paid + amount > received


# What each survey bracket (surveys.CofundBracket) says a household is willing to give, in yuan.
BRACKETS = {
    "under_500": (Decimal(0), Decimal(500)),
    "500_1000": (Decimal(500), Decimal(1000)),
    "1000_3000": (Decimal(1000), Decimal(3000)),
    "over_3000": (Decimal(3000), None),
}


def willingness_range(brackets: dict[str, int]) -> tuple[Decimal, Decimal | None]:
    """The least and most the willing households said they would give in all; no upper bound
    when anyone chose 'over 3,000'."""
    known = {bracket: n for bracket, n in brackets.items() if bracket in BRACKETS and n}
    low = sum((BRACKETS[bracket][0] * n for bracket, n in known.items()), Decimal(0))
    high = Decimal(0)
    for bracket, n in known.items():
        upper = BRACKETS[bracket][1]
        if upper is None:
            return low, None
        high += upper * n
    return low, high
