"""The city's own rules where estates and surveys count (SPEC 5.1): the cutoff year that makes an
estate old, and the thresholds a survey's tally is judged by — the rules of the region node
nearest the estate, exactly as the summary reads them (planning's `config_for`).

Why a hook here: the rules are planning's data (`EligibilitySettings`, one row per region node
that has its own, edited on planning's rules page), and planning lies to the right of estates and
surveys, which may not import it. Moving the table down would move planning's model, its history
and its migrations while others are changing planning; so, as ARCHITECTURE.md lets a left app ask
a right one, estates offers this one reader and planning plugs its own in from
`PlanningConfig.ready()` (`grep register(`). Without a reader, the fallback is planning's own
fallback: the server's HUANXIN_OLD_ESTATE_CUTOFF_YEAR and the statutory thresholds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from django.conf import settings
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from huanxin.regions import rules as region_rules


@dataclass(frozen=True)
class CityRules:
    cutoff_year: int
    agreement_share: Fraction  # agreeing households of all households (the default rule)
    quorum: Fraction  # owners' vote (Civil Code art. 278): taking part, by area and headcount
    majority: Fraction  # owners' vote: agreeing among those taking part


# (codes or None for every node, a past day or None for today) -> {12-digit code: that node's own rules}
Reader = Callable[[list[str] | None, dt.date | None], dict[str, CityRules]]
_readers: list[Reader] = []


def register(reader: Reader) -> Reader:
    """Planning's reader of its rules table; one at most (a second replaces the first)."""
    _readers[:] = [reader]
    return reader


def fallback() -> CityRules:
    return CityRules(
        cutoff_year=settings.HUANXIN_OLD_ESTATE_CUTOFF_YEAR,
        agreement_share=Fraction(2, 3),
        quorum=Fraction(2, 3),
        majority=Fraction(3, 4),
    )


def _own_rules(codes: list[str] | None, as_of: dt.date | None = None) -> dict[str, CityRules]:
    return _readers[0](codes, as_of) if _readers else {}


def rules_for(region_code: str, as_of: dt.date | None = None) -> CityRules:
    """The nearest node's rules, from the region itself up to the province (as they stood at
    the end of `as_of`, when given)."""
    codes = region_rules.ancestors_and_self(region_code)
    own = _own_rules(codes, as_of)
    return next((own[code] for code in codes if code in own), fallback())


def filter_old(queryset: QuerySet, *, old: bool, region_path: str = "region__code") -> QuerySet:
    """Old (built no later than the cutoff) or not (later, or the year unknown), each estate
    judged by its own nearest node's cutoff: one list may span cities or districts with rules of
    their own. The deepest prefix comes first, so the nearest node wins."""
    own = _own_rules(None)
    prefixes = sorted(
        ((region_rules.significant_prefix(code), rules.cutoff_year) for code, rules in own.items()),
        key=lambda pair: -len(pair[0]),
    )
    cutoff = Case(
        *(When(**{f"{region_path}__startswith": prefix}, then=Value(year)) for prefix, year in prefixes),
        default=Value(fallback().cutoff_year),
        output_field=IntegerField(),
    )
    queryset = queryset.alias(old_cutoff_year=cutoff)
    if old:
        return queryset.filter(year_built__lte=F("old_cutoff_year"))
    return queryset.filter(Q(year_built__gt=F("old_cutoff_year")) | Q(year_built__isnull=True))
