"""The one layer of rollups. Dashboards, the summary API, monthly reports and bulletins all read
these functions, so that every page shows the same number for the same question."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypedDict

from django.db.models import Count, Sum

from huanxin.core import clock
from huanxin.core.history import changed_since, versions_then
from huanxin.estates.models import Estate
from huanxin.funding.querysets import funds_summary
from huanxin.planning.models import AnnualPlan, PlanEntry
from huanxin.planning.querysets import config_for
from huanxin.projects import rules as project_rules
from huanxin.projects.models import Project, ProjectTransition
from huanxin.projects.querysets import with_state_on
from huanxin.regions import rules as region_rules


class Summary(TypedDict):
    region: str
    region_name: str
    as_of: str
    old_estates: int
    old_area_m2: Decimal
    old_households: int
    planned_projects: int
    planned_households: int
    planned_area_m2: Decimal
    planned_investment_yuan: Decimal
    started_projects: int
    completed_projects: int
    completed_households: int
    funds_planned_yuan: Decimal
    funds_received_yuan: Decimal
    funds_paid_yuan: Decimal


def census(estates: Any, *, cutoff_year: int, as_of: dt.date) -> dict[str, Any]:
    """Count, floor area and households of the old estates among `estates`, each read as it stood
    at the end of `as_of`: the estates unchanged since as they are, the few changed since from
    their history (the year built, households and area of that day)."""
    figures = ("count", "area", "households")
    aggregates = {"count": Count("id"), "area": Sum("floor_area_m2"), "households": Sum("households")}
    if as_of >= clock.today():
        return estates.built_by(cutoff_year).order_by().aggregate(**aggregates)  # type: ignore[no-any-return]
    changed = changed_since(Estate, clock.end_of(as_of)).values("id")
    unchanged = estates.exclude(pk__in=changed).built_by(cutoff_year).order_by().aggregate(**aggregates)
    then = (
        versions_then(Estate, clock.end_of(as_of))
        .filter(id__in=estates.filter(pk__in=changed).values("pk"), year_built__lte=cutoff_year)
        .order_by()
        .aggregate(**aggregates)
    )
    return {name: (unchanged[name] or 0) + (then[name] or 0) for name in figures}


def summary(*, user: Any, region_code: str, region_name: str, as_of: dt.date) -> Summary:
    """Old estates (built in or before the cutoff year of the region's eligibility rules) in the
    registry by `as_of`, their floor area and households, inside the region and inside what the
    user may see; the plans, projects and money of that day."""
    prefix = region_rules.significant_prefix(region_code)
    old = census(
        Estate.objects.visible_to(user).filter(region__code__startswith=prefix).registered_by(as_of),
        cutoff_year=config_for(region_code).cutoff_year,
        as_of=as_of,
    )
    # Cancelled projects leave the plan's figures from the day they are cancelled.
    cancelled = ProjectTransition.objects.filter(to_state=project_rules.CANCELLED, on__lte=as_of).values(
        "project_id"
    )
    planned = (
        PlanEntry.objects.visible_to(user)
        .exclude(project__in=cancelled)
        .filter(
            estate__region__code__startswith=prefix,
            plan__status=AnnualPlan.Status.APPROVED,
            plan__approved_on__lte=as_of,
        )
        .order_by()
        .aggregate(
            count=Count("id"),
            households=Sum("households"),
            area=Sum("floor_area_m2"),
            cost=Sum("estimated_cost_yuan"),
        )
    )
    projects = with_state_on(
        Project.objects.visible_to(user).filter(estate__region__code__startswith=prefix).order_by(), as_of
    )
    started = projects.filter(state_then__in=project_rules.STARTED).count()
    completed = projects.filter(state_then__in=project_rules.COMPLETED).aggregate(
        count=Count("id"), households=Sum("plan_entry__households")
    )
    funds = funds_summary(user, region_prefix=prefix, as_of=as_of)
    return {
        "region": region_rules.short_code(region_code),
        "region_name": region_name,
        "as_of": as_of.isoformat(),
        "old_estates": old["count"],
        "old_area_m2": old["area"] or Decimal("0.00"),
        "old_households": old["households"] or 0,
        "planned_projects": planned["count"],
        "planned_households": planned["households"] or 0,
        "planned_area_m2": planned["area"] or Decimal("0.00"),
        "planned_investment_yuan": planned["cost"] or Decimal("0.00"),
        "started_projects": started,
        "completed_projects": completed["count"],
        "completed_households": completed["households"] or 0,
        "funds_planned_yuan": funds.planned,
        "funds_received_yuan": funds.received,
        "funds_paid_yuan": funds.paid,
    }
