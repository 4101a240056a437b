"""Tallies of a survey round: pure functions over plain values (no database), so that the
thresholds a housing bureau asks about are the easiest code to read and to test.

Two ways of counting agreement (SPEC 5.1): by households — over all the estate's households, not
only those who answered — and the owners' vote of Civil Code art. 278 — owners holding 2/3 of the
floor area and 2/3 of the headcount take part, and of those, 3/4 by area and by headcount agree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

TWO_THIRDS = Fraction(2, 3)
THREE_QUARTERS = Fraction(3, 4)


def share(part: int | Decimal, whole: int | Decimal | None) -> Fraction | None:
    """part / whole as an exact fraction; None when the whole is unknown or zero."""
    if whole is None or whole == 0:
        return None
    return Fraction(Decimal(part)) / Fraction(Decimal(whole))


@dataclass(frozen=True)
class VoteResult:
    """Civil Code art. 278: participation by area and headcount, then agreement among those who
    took part, by area and headcount. Area figures are None when floor areas are not all known."""

    heads_total: int
    heads_voted: int
    heads_yes: int
    area_total: Decimal | None
    area_voted: Decimal | None
    area_yes: Decimal | None
    participation_heads: Fraction | None
    participation_area: Fraction | None
    agreement_heads: Fraction | None
    agreement_area: Fraction | None
    quorum_met: bool | None
    majority_met: bool | None
    quorum: Fraction = TWO_THIRDS  # the thresholds judged by, shown beside the result
    majority: Fraction = THREE_QUARTERS

    @property
    def passes(self) -> bool | None:
        if self.quorum_met is False or self.majority_met is False:
            return False
        if self.quorum_met is None or self.majority_met is None:
            return None
        return True


def _at_least(value: Fraction | None, threshold: Fraction) -> bool | None:
    return None if value is None else value >= threshold


def _all_of(*checks: bool | None) -> bool | None:
    """False if any check fails; None if none fails but one is unknown; else True."""
    if any(check is False for check in checks):
        return False
    if any(check is None for check in checks):
        return None
    return True


def owners_vote_passes(
    *,
    area_yes: Decimal | None,
    area_voted: Decimal | None,
    area_total: Decimal | None,
    heads_yes: int,
    heads_voted: int,
    heads_total: int,
    quorum: Fraction = TWO_THIRDS,
    majority: Fraction = THREE_QUARTERS,
) -> VoteResult:
    participation_heads = share(heads_voted, heads_total)
    participation_area = share(area_voted, area_total) if area_voted is not None else None
    agreement_heads = share(heads_yes, heads_voted)
    agreement_area = share(area_yes, area_voted) if area_yes is not None else None
    return VoteResult(
        heads_total=heads_total,
        heads_voted=heads_voted,
        heads_yes=heads_yes,
        area_total=area_total,
        area_voted=area_voted,
        area_yes=area_yes,
        participation_heads=participation_heads,
        participation_area=participation_area,
        agreement_heads=agreement_heads,
        agreement_area=agreement_area,
        quorum_met=_all_of(_at_least(participation_heads, quorum), _at_least(participation_area, quorum)),
        majority_met=_all_of(_at_least(agreement_heads, majority), _at_least(agreement_area, majority)),
        quorum=quorum,
        majority=majority,
    )


@dataclass(frozen=True)
class HouseholdAnswer:
    """A household's current answer, reduced to what the tallies count."""

    agrees: bool
    area: Decimal | None = None
    first_need: str | None = None
    other_needs: tuple[str, ...] = ()
    cofund_willing: bool | None = None
    cofund_modes: tuple[str, ...] = ()
    cofund_bracket: str = ""


@dataclass(frozen=True)
class ItemDemand:
    code: str
    first_choice: int  # households naming it as their first need
    mentions: int  # households naming it at all


@dataclass(frozen=True)
class Tally:
    households_total: int
    respondents: int
    agree: int
    response_rate: Fraction | None
    agreement_all: Fraction | None  # agree / all households: the default rule of SPEC 5.1
    agreement_respondents: Fraction | None  # agree / respondents: shown beside it
    agreement_all_by_area: Fraction | None
    vote: VoteResult
    agreement_share: Fraction = TWO_THIRDS  # the city's threshold for agreement_all
    agreement_met: bool | None = None  # agreement_all reaches it; None with no households
    items: list[ItemDemand] = field(default_factory=list)
    cofund_willing: int = 0
    cofund_modes: dict[str, int] = field(default_factory=dict)
    cofund_brackets: dict[str, int] = field(default_factory=dict)


def tally(
    answers: Sequence[HouseholdAnswer],
    *,
    households_total: int,
    roster_areas: Sequence[Decimal | None] = (),
    agreement_share: Fraction = TWO_THIRDS,
    quorum: Fraction = TWO_THIRDS,
    majority: Fraction = THREE_QUARTERS,
) -> Tally:
    """`households_total` is the estate's household count (what statistics use); `roster_areas`
    the floor area of every household on the roster. Area figures need every area known and a
    complete roster; otherwise they are None, never a guess. The thresholds are the city's own
    (its nearest region node's rules); the defaults are SPEC 5.1's."""
    respondents = len(answers)
    agree = sum(1 for answer in answers if answer.agrees)
    areas_known = (
        len(roster_areas) >= households_total > 0
        and all(area is not None for area in roster_areas)
        and all(answer.area is not None for answer in answers)
    )
    area_total = sum((area or Decimal(0) for area in roster_areas), Decimal(0)) if areas_known else None
    area_voted = sum((a.area or Decimal(0) for a in answers), Decimal(0)) if areas_known else None
    area_yes = sum((a.area or Decimal(0) for a in answers if a.agrees), Decimal(0)) if areas_known else None
    first = Counter(answer.first_need for answer in answers if answer.first_need)
    mentions: Counter[str] = Counter()
    for answer in answers:
        mentions.update({code for code in (answer.first_need, *answer.other_needs) if code})
    items = sorted(
        (ItemDemand(code=code, first_choice=first[code], mentions=count) for code, count in mentions.items()),
        key=lambda item: (-item.mentions, -item.first_choice, item.code),
    )
    willing = [answer for answer in answers if answer.cofund_willing]
    modes: Counter[str] = Counter()
    for answer in willing:
        modes.update(set(answer.cofund_modes))
    return Tally(
        households_total=households_total,
        respondents=respondents,
        agree=agree,
        response_rate=share(respondents, households_total),
        agreement_all=share(agree, households_total),
        agreement_share=agreement_share,
        agreement_met=_at_least(share(agree, households_total), agreement_share),
        agreement_respondents=share(agree, respondents),
        agreement_all_by_area=share(area_yes, area_total) if area_yes is not None else None,
        vote=owners_vote_passes(
            area_yes=area_yes,
            area_voted=area_voted,
            area_total=area_total,
            heads_yes=agree,
            heads_voted=respondents,
            heads_total=households_total,
            quorum=quorum,
            majority=majority,
        ),
        items=items,
        cofund_willing=len(willing),
        cofund_modes=dict(modes),
        cofund_brackets=dict(Counter(answer.cofund_bracket for answer in willing if answer.cofund_bracket)),
    )
