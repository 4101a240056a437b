"""Reads for planning: which eligibility rules apply where, the facts of an estate, the pool."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Substr

from huanxin.catalog.models import Category
from huanxin.core import clock
from huanxin.estates.city_rules import CityRules
from huanxin.estates.models import ConditionAssessment, Estate, Severity
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


def settings_for(region_code: str) -> EligibilitySettings | None:
    """The nearest node's own rules, from the estate's community up to the province."""
    codes = ancestors_and_self(region_code)
    found = {
        row.region.code: row
        for row in EligibilitySettings.objects.filter(region__code__in=codes).select_related("region")
    }
    return next((found[code] for code in codes if code in found), None)


def config_for(region_code: str) -> rules.EligibilityConfig:
    own = settings_for(region_code)
    if own is not None:
        return own.as_config()
    return rules.EligibilityConfig(cutoff_year=settings.HUANXIN_OLD_ESTATE_CUTOFF_YEAR)


def own_rules_by_node(codes: list[str] | None = None) -> dict[str, CityRules]:
    """The rules of every region node that has its own (of `codes` only, when given): what
    estates and surveys read through estates/city_rules.py, plugged in by PlanningConfig.ready()."""
    rows = EligibilitySettings.objects.select_related("region")
    if codes is not None:
        rows = rows.filter(region__code__in=codes)
    result = {}
    for row in rows:
        config = row.as_config()
        result[row.region.code] = CityRules(
            cutoff_year=config.cutoff_year,
            agreement_share=config.agreement_share,
            quorum=config.quorum,
            majority=config.majority,
        )
    return result


def round_for_eligibility(estate: Estate) -> SurveyRound | None:
    """The latest closed round with answers; an open one only when none has closed yet (its
    figures are then provisional: a survey still under way cannot fail an estate)."""
    answered = Answer.objects.filter(round__estate=estate).values("round_id")
    rounds = list(SurveyRound.objects.filter(estate=estate, pk__in=answered).order_by("-opens_on", "-id"))
    return next((r for r in rounds if r.status == SurveyRound.Status.CLOSED), rounds[0] if rounds else None)


def estate_facts(estate: Estate) -> rules.EstateFacts:
    assessments = ConditionAssessment.objects.filter(estate=estate)
    basic = None
    if assessments.exists():
        basic = assessments.filter(item__category=Category.BASIC).exclude(severity=Severity.NONE).count()
    survey = round_for_eligibility(estate)
    return rules.EstateFacts(
        year_built=estate.year_built,
        basic_deficiencies=basic,
        flags={flag: bool(getattr(estate, flag)) for flag in rules.EXCLUSIONS},
        tally=round_tally(survey) if survey is not None else None,
        survey_open=survey is not None and survey.status != SurveyRound.Status.CLOSED,
    )


def estate_eligibility(estate: Estate) -> rules.Eligibility:
    return rules.evaluate(estate_facts(estate), config_for(estate.region.code))


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


def weights_for(region_code: str) -> dict[str, float]:
    """The nearest node's priority weights, else the defaults."""
    codes = ancestors_and_self(region_code)
    found = {
        row.region.code: row
        for row in PriorityWeights.objects.filter(region__code__in=codes).select_related("region")
    }
    own = next((found[code] for code in codes if code in found), None)
    return (
        own.as_dict()
        if own is not None
        else {factor: float(w) for factor, w in rules.DEFAULT_WEIGHTS.items()}
    )


def priority_facts(estate: Estate, cost_yuan: float | None) -> rules.PriorityFacts:
    basic = ConditionAssessment.objects.filter(estate=estate, item__category=Category.BASIC).exclude(
        severity=Severity.NONE
    )
    severities = set(basic.values_list("severity", flat=True))
    worst = next((level for level in ("hazardous", "major", "minor") if level in severities), None)
    survey = round_for_eligibility(estate)
    tally = round_tally(survey) if survey is not None else None
    return rules.PriorityFacts(
        year_built=estate.year_built,
        this_year=clock.today().year,
        worst_severity=worst,
        basic_deficiencies=basic.count(),
        agreement=tally.agreement_all if tally else None,
        cofund_share=(
            Fraction(tally.cofund_willing, tally.respondents) if tally and tally.respondents else None
        ),
        households=estate.households,
        cost_yuan=cost_yuan,
    )


def candidate_priority(candidate: Candidate) -> rules.Priority:
    cost = float(candidate.estimated_cost_yuan) if candidate.estimated_cost_yuan is not None else None
    estate = candidate.estate
    return rules.priority_score(priority_facts(estate, cost), weights_for(estate.region.code))


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
