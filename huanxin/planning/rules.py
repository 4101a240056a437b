"""Eligibility (SPEC 5.1) as pure functions of plain facts and a city's settings. Each rule says
passed (True), failed (False) or cannot tell (None, with what is missing) — never a guess.
An exclusion always wins; missing facts never make an estate eligible."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from huanxin.estates.rules import EXCLUSION_FLAGS
from huanxin.surveys.rules import Tally

Status = Literal["eligible", "ineligible", "undetermined"]
AgreementMode = Literal["households", "owners_vote"]

# The estate's own exclusion flags (defined once, in estates); a city's settings pick among them.
EXCLUSIONS = EXCLUSION_FLAGS


@dataclass(frozen=True)
class EligibilityConfig:
    cutoff_year: int = 2000
    require_basic_deficiency: bool = True
    agreement_mode: AgreementMode = "households"
    agreement_share: Fraction = Fraction(2, 3)  # of all households
    quorum: Fraction = Fraction(2, 3)  # owners' vote: taking part, by area and headcount
    majority: Fraction = Fraction(3, 4)  # owners' vote: agreeing among those taking part
    exclusions: tuple[str, ...] = tuple(EXCLUSIONS)


@dataclass(frozen=True)
class EstateFacts:
    year_built: int | None
    basic_deficiencies: int | None  # None: no condition assessment recorded
    flags: dict[str, bool]
    tally: Tally | None  # the latest survey round's tally; None: no survey yet
    survey_open: bool = False  # that round is still collecting answers


@dataclass(frozen=True)
class RuleResult:
    rule: str
    passed: bool | None
    evidence: str


@dataclass(frozen=True)
class Eligibility:
    status: Status
    rules: list[RuleResult]


def _pct(value: Fraction) -> str:
    return f"{float(value) * 100:.1f}%"


def _pct_or_dash(value: Fraction | None) -> str:
    return _pct(value) if value is not None else "—"


def built_by_cutoff(year_built: int | None, cutoff_year: int) -> RuleResult:
    name = _("建成年代")
    if year_built is None:
        return RuleResult(name, None, _("缺少建成年份"))
    years = {"year": year_built, "cutoff": cutoff_year}
    if year_built <= cutoff_year:
        return RuleResult(name, True, _("建成于%(year)d年 ≤ %(cutoff)d年 ✓") % years)
    return RuleResult(name, False, _("建成于%(year)d年，晚于%(cutoff)d年 ✗") % years)


def has_basic_deficiency(count: int | None) -> RuleResult:
    name = _("基础类设施问题")
    if count is None:
        return RuleResult(name, None, _("尚未进行现状评估"))
    if count > 0:
        return RuleResult(name, True, _("基础类存在问题 %(n)d 项 ✓") % {"n": count})
    return RuleResult(name, False, _("基础类设施未发现问题 ✗"))


def residents_agree(tally: Tally | None, config: EligibilityConfig) -> RuleResult:
    name = _("居民意愿")
    if tally is None or tally.households_total == 0:
        return RuleResult(name, None, _("尚无意愿调查"))
    if config.agreement_mode == "households":
        share = tally.agreement_all or Fraction(0)
        also = (
            _("（占已答户数 %(share)s）") % {"share": _pct(tally.agreement_respondents)}
            if tally.agreement_respondents is not None
            else ""
        )
        evidence = (
            _("同意 %(agree)d/%(total)d 户 = %(share)s %(compare)s %(threshold)s")
            % {
                "agree": tally.agree,
                "total": tally.households_total,
                "share": _pct(share),
                "compare": "≥" if share >= config.agreement_share else "<",
                "threshold": _pct(config.agreement_share),
            }
            + also
        )
        return RuleResult(
            name,
            share >= config.agreement_share,
            evidence + (" ✓" if share >= config.agreement_share else " ✗"),
        )
    vote = tally.vote
    parts = [
        _("参与：人数 %(share)s") % {"share": _pct_or_dash(vote.participation_heads)},
        _("面积 %(share)s") % {"share": _pct_or_dash(vote.participation_area)},
        _("同意：人数 %(share)s") % {"share": _pct_or_dash(vote.agreement_heads)},
        _("面积 %(share)s") % {"share": _pct_or_dash(vote.agreement_area)},
    ]
    quorum = _all_at_least((vote.participation_heads, vote.participation_area), config.quorum)
    majority = _all_at_least((vote.agreement_heads, vote.agreement_area), config.majority)
    passed = False if quorum is False or majority is False else (None if None in (quorum, majority) else True)
    suffix = {True: " ✓", False: " ✗", None: _("（住户面积不全，无法按面积计算）")}[passed]
    return RuleResult(name, passed, _("，").join(parts) + suffix)


def provisional(result: RuleResult, survey_open: bool) -> RuleResult:
    """While a survey is still open, reaching the threshold counts; falling short does not fail."""
    if not survey_open or result.passed is not False:
        return result
    return RuleResult(
        result.rule,
        None,
        _("调查进行中，暂未达到：%(evidence)s") % {"evidence": result.evidence.removesuffix(" ✗")},
    )


def _all_at_least(values: tuple[Fraction | None, ...], threshold: Fraction) -> bool | None:
    if any(value is not None and value < threshold for value in values):
        return False
    if any(value is None for value in values):
        return None
    return True


def not_excluded(flags: dict[str, bool], exclusions: tuple[str, ...]) -> list[RuleResult]:
    return [
        RuleResult(
            _("排除情形：%(case)s") % {"case": EXCLUSIONS[flag]},
            not flags.get(flag, False),
            (_("属于%(case)s ✗") if flags.get(flag) else _("不属于%(case)s ✓")) % {"case": EXCLUSIONS[flag]},
        )
        for flag in exclusions
    ]


def evaluate(facts: EstateFacts, config: EligibilityConfig) -> Eligibility:
    results = [
        built_by_cutoff(facts.year_built, config.cutoff_year),
        *([has_basic_deficiency(facts.basic_deficiencies)] if config.require_basic_deficiency else []),
        provisional(residents_agree(facts.tally, config), facts.survey_open),
        *not_excluded(facts.flags, config.exclusions),
    ]
    if any(result.passed is False for result in results):
        status: Status = "ineligible"
    elif any(result.passed is None for result in results):
        status = "undetermined"
    else:
        status = "eligible"
    return Eligibility(status=status, rules=results)


# ---------------------------------------------------------------------------------------------
# Priority (SPEC 4.6): weighted factors, each normalised to 0..1, contributions summing to the
# score (0..100 when the weights sum to 100). Weights are data (PriorityWeights), not code.
# ---------------------------------------------------------------------------------------------

FACTORS = {
    "age": gettext_lazy("建成年限"),
    "hazard": gettext_lazy("安全隐患程度"),
    "breadth": gettext_lazy("基础类问题项数"),
    "agreement": gettext_lazy("居民同意率"),
    "cofund": gettext_lazy("居民出资意愿"),
    "households": gettext_lazy("受益户数"),
    "cost_per_household": gettext_lazy("户均投资（越低越优先）"),
}
DEFAULT_WEIGHTS = {
    "age": 15,
    "hazard": 25,
    "breadth": 15,
    "agreement": 15,
    "cofund": 10,
    "households": 10,
    "cost_per_household": 10,
}
SEVERITY_LEVEL = {"none": 0.0, "minor": 0.3, "major": 0.6, "hazardous": 1.0}
SEVERITY_WORDS = {
    "hazardous": gettext_lazy("存在安全隐患"),
    "major": gettext_lazy("严重"),
    "minor": gettext_lazy("轻微"),
}


@dataclass(frozen=True)
class PriorityFacts:
    year_built: int | None
    this_year: int
    worst_severity: str | None  # of the basic-category items
    basic_deficiencies: int
    agreement: Fraction | None
    cofund_share: Fraction | None
    households: int
    cost_yuan: float | None


@dataclass(frozen=True)
class FactorScore:
    factor: str
    label: str
    raw: str  # the fact, as shown
    value: float  # normalised 0..1
    weight: float
    contribution: float


@dataclass(frozen=True)
class Priority:
    score: float
    factors: list[FactorScore]


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


def priority_score(facts: PriorityFacts, weights: dict[str, float]) -> Priority:
    """Unknown facts count as 0 for their factor (shown as such): a missing survey never raises
    an estate's priority."""
    age = facts.this_year - facts.year_built if facts.year_built else None
    per_household = facts.cost_yuan / facts.households if facts.cost_yuan and facts.households else None
    normalised = {
        "age": (
            _clamp((age or 0) / 40),
            ngettext("%(n)d年", "%(n)d年", age) % {"n": age} if age is not None else _("缺少建成年份"),
        ),
        "hazard": (
            SEVERITY_LEVEL.get(facts.worst_severity or "none", 0.0),
            str(SEVERITY_WORDS.get(facts.worst_severity or "", _("无"))),
        ),
        "breadth": (
            _clamp(facts.basic_deficiencies / 10),
            ngettext("%(n)d项", "%(n)d项", facts.basic_deficiencies) % {"n": facts.basic_deficiencies},
        ),
        "agreement": (
            float(facts.agreement or 0),
            f"{float(facts.agreement) * 100:.1f}%" if facts.agreement is not None else _("尚无调查"),
        ),
        "cofund": (
            float(facts.cofund_share or 0),
            f"{float(facts.cofund_share) * 100:.1f}%" if facts.cofund_share is not None else _("尚无调查"),
        ),
        "households": (
            _clamp(facts.households / 300),
            ngettext("%(n)d户", "%(n)d户", facts.households) % {"n": facts.households},
        ),
        "cost_per_household": (
            1 - _clamp(per_household / 150_000) if per_household else 0.0,
            _("%(yuan)s元/户") % {"yuan": f"{per_household:,.0f}"} if per_household else _("尚无估算"),
        ),
    }
    scores = [
        FactorScore(
            factor,
            str(FACTORS[factor]),
            raw,
            round(value, 4),
            float(weights.get(factor, 0)),
            round(value * float(weights.get(factor, 0)), 2),
        )
        for factor, (value, raw) in normalised.items()
    ]
    return Priority(score=round(sum(score.contribution for score in scores), 2), factors=scores)


# Quantities a menu item needs, from the estate's facts, by its unit of measure: a first estimate
# the district then edits (SPEC 4.6, "cost estimate ... editable").
SEVERITY_SCOPE = {"minor": 0.5, "major": 1.0, "hazardous": 1.2}


def estimate_quantity(unit: str, *, households: int, floor_area: float, buildings: int, floors: int) -> float:
    per_unit = {
        "户": households,
        "米": households * 12,
        "㎡": floor_area * 0.25,
        "项": 1,
        "盏": max(1, households / 4),
        "个": max(1, households / 5),
        "台": buildings if floors >= 4 else 0,
        "处": max(1, households / 60),
    }
    return float(per_unit.get(unit, 1))


def estimate_cost(
    deficiencies: list[tuple[str, str, float, float]],
    *,
    households: int,
    floor_area: float,
    buildings: int,
    floors: int,
) -> float:
    """Σ over deficient items (unit, severity, unit cost low, high): quantity × mid unit cost ×
    the severity's scope."""
    total = 0.0
    for unit, severity, low, high in deficiencies:
        if severity == "none":
            continue
        quantity = estimate_quantity(
            unit, households=households, floor_area=floor_area, buildings=buildings, floors=floors
        )
        total += quantity * (low + high) / 2 * SEVERITY_SCOPE.get(severity, 1.0)
    return round(total, -2)
