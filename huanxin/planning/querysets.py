"""Reads for planning: which eligibility rules apply where, the facts of an estate, the pool."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Substr

from huanxin.catalog.models import Category
from huanxin.core import clock
from huanxin.core.history import versions_then
from huanxin.estates.city_rules import CityRules
from huanxin.estates.models import ConditionAssessment, Estate, Severity
from huanxin.estates.querysets import estate_then
from huanxin.planning import rules
from huanxin.planning.models import (
    AnnualPlan,
    Candidate,
    CandidateQuerySet,
    EligibilitySettings,
    PlanEntry,
    PriorityWeights,
)
from huanxin.regions.models import Region
from huanxin.regions.rules import ancestors_and_self
from huanxin.surveys.models import Answer, SurveyRound
from huanxin.surveys.services import round_tally


def settings_for(region_code: str, as_of: dt.date | None = None) -> EligibilitySettings | None:
    """The nearest node's own rules, from the estate's community up to the province (as they
    stood at the end of `as_of`, when given)."""
    codes = ancestors_and_self(region_code)
    found = own_settings(codes, as_of)
    return next((found[code] for code in codes if code in found), None)


def own_settings(codes: list[str] | None, as_of: dt.date | None = None) -> dict[str, EligibilitySettings]:
    """Region code → that node's own rules (of `codes` only, when given), today's or as they
    stood at the end of `as_of` (a node that had none then has none)."""
    if as_of is None:
        rows = EligibilitySettings.objects.select_related("region")
        if codes is not None:
            rows = rows.filter(region__code__in=codes)
        return {row.region.code: row for row in rows}
    then = versions_then(EligibilitySettings, clock.end_of(as_of)).select_related("region")
    if codes is not None:
        then = then.filter(region__code__in=codes)
    return {record.region.code: record.instance for record in then}


def config_for(region_code: str, as_of: dt.date | None = None) -> rules.EligibilityConfig:
    own = settings_for(region_code, as_of)
    if own is not None:
        return own.as_config()
    return rules.EligibilityConfig(cutoff_year=settings.HUANXIN_OLD_ESTATE_CUTOFF_YEAR)


def cutoff_years(codes: list[str]) -> dict[str, int]:
    """Each node's cutoff year (its own or its nearest ancestor's rule, else the national
    default), for many nodes in one query: a dashboard's children, a report's rows."""
    chains = {code: ancestors_and_self(code) for code in codes}
    found = own_settings(sorted({node for chain in chains.values() for node in chain}))
    default = settings.HUANXIN_OLD_ESTATE_CUTOFF_YEAR
    return {
        code: next((found[node].as_config().cutoff_year for node in chain if node in found), default)
        for code, chain in chains.items()
    }


def own_rules_by_node(codes: list[str] | None = None, as_of: dt.date | None = None) -> dict[str, CityRules]:
    """The rules of every region node that has its own (of `codes` only, when given): what
    estates and surveys read through estates/city_rules.py, plugged in by PlanningConfig.ready()."""
    result = {}
    for code, row in own_settings(codes, as_of).items():
        config = row.as_config()
        result[code] = CityRules(
            cutoff_year=config.cutoff_year,
            agreement_share=config.agreement_share,
            quorum=config.quorum,
            majority=config.majority,
        )
    return result


def round_for_eligibility(estate: Estate, as_of: dt.date | None = None) -> SurveyRound | None:
    """The latest closed round with answers; an open one only when none has closed yet (its
    figures are then provisional: a survey still under way cannot fail an estate). As of a past
    day: the rounds as they stood and the answers given by its end, closed or open on that day."""
    if as_of is None:
        answered = Answer.objects.filter(round__estate=estate).values("round_id")
        rounds = list(SurveyRound.objects.filter(estate=estate, pk__in=answered).order_by("-opens_on", "-id"))
        day = clock.today()
    else:
        end = clock.end_of(as_of)
        answered = Answer.objects.filter(round__estate=estate, created_at__lt=end).values("round_id")
        records = versions_then(SurveyRound, end).filter(estate_id=estate.pk, id__in=answered)
        rounds = [record.instance for record in records.order_by("-opens_on", "-id")]
        day = as_of
    return next(
        (r for r in rounds if r.status_on(day) == SurveyRound.Status.CLOSED), rounds[0] if rounds else None
    )


def _basic_deficiencies(estate: Estate, as_of: dt.date | None) -> int | None:
    """How many basic items the assessment found wanting; None before any assessment."""
    assessments: QuerySet[Any]
    if as_of is None:
        assessments = ConditionAssessment.objects.filter(estate=estate)
    else:
        assessments = versions_then(ConditionAssessment, clock.end_of(as_of)).filter(estate_id=estate.pk)
    if not assessments.exists():
        return None
    return assessments.filter(item__category=Category.BASIC).exclude(severity=Severity.NONE).count()


def estate_facts(estate: Estate, as_of: dt.date | None = None) -> rules.EstateFacts:
    """The facts eligibility is judged on; as of a past day, as recorded by its end (`estate`
    is then the estate as it stood, from `estate_then`)."""
    survey = round_for_eligibility(estate, as_of)
    day = as_of or clock.today()
    return rules.EstateFacts(
        year_built=estate.year_built,
        basic_deficiencies=_basic_deficiencies(estate, as_of),
        flags={flag: bool(getattr(estate, flag)) for flag in rules.EXCLUSIONS},
        tally=round_tally(survey, as_of) if survey is not None else None,
        survey_open=survey is not None and survey.status_on(day) != SurveyRound.Status.CLOSED,
    )


def estate_eligibility(estate: Estate, as_of: dt.date | None = None) -> rules.Eligibility:
    """Judged today, or as of a past day with the facts, answers and rules of that day."""
    if as_of is not None:
        estate = estate_then(estate, as_of)
    return rules.evaluate(estate_facts(estate, as_of), config_for(estate.region.code, as_of))


# Who moved a candidate along: <step>_by and <step>_at on Candidate, in the order they happen.
CANDIDATE_STEPS = ("submitted", "forwarded", "reviewed", "confirmed")


def candidates_for(user: Any) -> CandidateQuerySet:
    return Candidate.objects.visible_to(user).select_related(
        "estate",
        "estate__region",
        "estate__region__parent",
        "estate__region__parent__parent",
        *(f"{step}_by__organization" for step in CANDIDATE_STEPS),
    )


def weights_for(region_code: str, as_of: dt.date | None = None) -> dict[str, float]:
    """The nearest node's priority weights (as they stood at the end of `as_of`, when given),
    else the defaults."""
    codes = ancestors_and_self(region_code)
    if as_of is None:
        rows = PriorityWeights.objects.filter(region__code__in=codes).select_related("region")
        found = {row.region.code: row for row in rows}
    else:
        then = versions_then(PriorityWeights, clock.end_of(as_of)).filter(region__code__in=codes)
        found = {record.region.code: record.instance for record in then.select_related("region")}
    own = next((found[code] for code in codes if code in found), None)
    return (
        own.as_dict()
        if own is not None
        else {factor: float(w) for factor, w in rules.DEFAULT_WEIGHTS.items()}
    )


def priority_facts(
    estate: Estate, cost_yuan: float | None, as_of: dt.date | None = None
) -> rules.PriorityFacts:
    assessed: QuerySet[Any]
    if as_of is None:
        assessed = ConditionAssessment.objects.filter(estate=estate)
    else:
        assessed = versions_then(ConditionAssessment, clock.end_of(as_of)).filter(estate_id=estate.pk)
    basic = assessed.filter(item__category=Category.BASIC).exclude(severity=Severity.NONE)
    severities = set(basic.values_list("severity", flat=True))
    worst = next((level for level in ("hazardous", "major", "minor") if level in severities), None)
    survey = round_for_eligibility(estate, as_of)
    tally = round_tally(survey, as_of) if survey is not None else None
    return rules.PriorityFacts(
        year_built=estate.year_built,
        this_year=(as_of or clock.today()).year,
        worst_severity=worst,
        basic_deficiencies=basic.count(),
        agreement=tally.agreement_all if tally else None,
        cofund_share=(
            Fraction(tally.cofund_willing, tally.respondents) if tally and tally.respondents else None
        ),
        households=estate.households,
        cost_yuan=cost_yuan,
    )


def candidate_priority(candidate: Candidate, as_of: dt.date | None = None) -> rules.Priority:
    """The score of a confirmed candidate; as of a past day, `candidate` is the candidate as it
    stood then and every fact is read as of that day."""
    cost = float(candidate.estimated_cost_yuan) if candidate.estimated_cost_yuan is not None else None
    estate = candidate.estate if as_of is None else estate_then(candidate.estate, as_of)
    return rules.priority_score(priority_facts(estate, cost, as_of), weights_for(estate.region.code, as_of))


def candidate_then(estate: Estate, as_of: dt.date | None) -> Candidate | None:
    """The estate's candidacy for the pool, today or as it stood at the end of `as_of`."""
    related = [f"{step}_by__organization" for step in CANDIDATE_STEPS]
    if as_of is None:
        return Candidate.objects.filter(estate=estate).select_related(*related).first()
    record = versions_then(Candidate, clock.end_of(as_of)).filter(estate_id=estate.pk).first()
    return record.instance if record is not None else None


def estimated_cost(estate: Estate) -> float:
    """A first estimate from the condition assessment and the menu's unit costs."""
    rows = [
        (a.item.unit, a.severity, float(a.item.unit_cost_min or 0), float(a.item.unit_cost_max or 0))
        for a in ConditionAssessment.objects.filter(estate=estate).select_related("item")
    ]
    buildings = list(estate.buildings.all())
    return rules.estimate_cost(
        rows,
        households=estate.households,
        floor_area=float(estate.floor_area_m2),
        buildings=len(buildings) or (estate.building_count or 1),
        floors=max((b.floors or 0 for b in buildings), default=6),
    )


def home_region(user: Any) -> Region | None:
    """The node a city user plans at; the administrator (no region) plans at the first city."""
    return user.region or Region.objects.filter(level="city").order_by("code").first()


@dataclass
class OtherDistrict:
    """What a draft plan shows of a district outside the user's jurisdiction: its totals only."""

    name: str
    count: int
    households: int
    area_m2: Decimal
    cost_yuan: Decimal


def entries_for(user: Any, plan: AnnualPlan) -> tuple[QuerySet[PlanEntry], list[OtherDistrict]]:
    """A plan's entries as the user may see them, and the rest as one line per district. Once put
    on publicity a plan is public (its page is open to all), so whole; a draft shows a district,
    street or community only the entries inside its jurisdiction — no other estate's name or cost."""
    entries = plan.entries.all()
    if plan.status != AnnualPlan.Status.DRAFT:
        return entries, []
    own = entries.visible_to(user)
    rows = (
        entries.exclude(pk__in=own.values("pk"))
        .annotate(district=Substr("estate__region__code", 1, 6))
        .values("district")
        .annotate(
            count=Count("id"),
            households=Sum("households"),
            area=Sum("floor_area_m2"),
            cost=Sum("estimated_cost_yuan"),
        )
        .order_by("district")
    )
    others = list(rows)
    names = dict(
        Region.objects.filter(code__in=[f"{row['district']}000000" for row in others]).values_list(
            "code", "name"
        )
    )
    return own, [
        OtherDistrict(
            name=names.get(f"{row['district']}000000", row["district"]),
            count=row["count"],
            households=row["households"] or 0,
            area_m2=row["area"] or Decimal(0),
            cost_yuan=row["cost"] or Decimal(0),
        )
        for row in others
    ]
