"""The one layer of rollups. Dashboards, the summary API, monthly reports and bulletins all read
these functions, so that every page shows the same number for the same question.

A node's figures and its children's come from the same few queries, each grouped once by the
leading digits of the estates' region codes: the number of queries never grows with the number of
children, so the nation's 31 provinces cost what a street's communities cost."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypedDict

from django.db.models import Count, Exists, Max, OuterRef, Sum

from huanxin.core import clock
from huanxin.core.history import changed_since, versions_then
from huanxin.estates.models import Estate
from huanxin.funding.querysets import funds_by_node
from huanxin.funding.rules import Totals
from huanxin.planning.models import AnnualPlan, PlanEntry
from huanxin.planning.querysets import cutoff_years
from huanxin.projects import rules as project_rules
from huanxin.projects.models import Project, ProjectTransition
from huanxin.projects.querysets import states_settled_by
from huanxin.regions import rules as region_rules
from huanxin.regions.filters import code_prefix, under_prefix
from huanxin.regions.models import Region


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


# key, year built (or the newest of the group's old estates), count, area, households
CensusRow = tuple[str, int | None, int, Decimal, int]
ProjectRow = tuple[str, str | None, int, int]  # key, state at the end of the day, count, households


@dataclass(frozen=True)
class Node:
    """A region node whose figures are asked for: its code, name and significant prefix."""

    code: str
    name: str
    prefix: str

    @classmethod
    def of(cls, region: Region) -> Node:
        return cls(region.code, region.name, region.prefix)


def summary(*, user: Any, region_code: str, region_name: str, as_of: dt.date) -> Summary:
    """Old estates (built in or before the cutoff year of the region's eligibility rules) in the
    registry by `as_of`, their floor area and households, inside the region and inside what the
    user may see; the plans, projects and money of that day."""
    node = Node(region_code, region_name, region_rules.significant_prefix(region_code))
    return summaries(user=user, node=node, children=[], as_of=as_of)[0]


def breakdown(*, user: Any, region: Region, as_of: dt.date) -> tuple[Summary, list[Summary]]:
    """The node's summary and one per current child node, from the same grouped queries."""
    children = [Node.of(child) for child in region.children.order_by("code")]
    total, *rows = summaries(user=user, node=Node.of(region), children=children, as_of=as_of)
    return total, rows


def summaries(*, user: Any, node: Node, children: list[Node], as_of: dt.date) -> list[Summary]:
    """The figures of `node`, then of each of `children`, in a constant number of queries. Each
    child is counted with its own cutoff year, as its own dashboard would count it."""
    length = max((len(child.prefix) for child in children), default=len(node.prefix))
    cutoffs = cutoff_years([node.code, *(child.code for child in children)])
    grouped = Figures.gather(
        user=user, prefix=node.prefix, length=length, as_of=as_of, cutoffs=set(cutoffs.values())
    )
    rows = [grouped.total(node.prefix, cutoffs[node.code])]
    rows += [grouped.total(child.prefix, cutoffs[child.code]) for child in children]
    return [figures.as_summary(place, as_of) for place, figures in zip([node, *children], rows, strict=True)]


@dataclass
class Tally:
    """The figures of one node, added up from the grouped rows under it."""

    old_estates: int = 0
    old_area_m2: Decimal = Decimal("0.00")
    old_households: int = 0
    planned_projects: int = 0
    planned_households: int = 0
    planned_area_m2: Decimal = Decimal("0.00")
    planned_investment_yuan: Decimal = Decimal("0.00")
    started_projects: int = 0
    completed_projects: int = 0
    completed_households: int = 0
    funds_planned_yuan: Decimal = Decimal("0.00")
    funds_received_yuan: Decimal = Decimal("0.00")
    funds_paid_yuan: Decimal = Decimal("0.00")

    def as_summary(self, node: Node, as_of: dt.date) -> Summary:
        return {
            "region": region_rules.short_code(node.code),
            "region_name": node.name,
            "as_of": as_of.isoformat(),
            **self.__dict__,  # type: ignore[typeddict-item]
        }


@dataclass
class Figures:
    """Every figure of the summary under one prefix, grouped by the first `length` digits of the
    estates' region codes (one group per child node, or one for the node itself)."""

    census: list[CensusRow]
    planned: dict[str, dict[str, Any]]
    projects: list[ProjectRow]
    funds: dict[str, Totals]

    @classmethod
    def gather(cls, *, user: Any, prefix: str, length: int, as_of: dt.date, cutoffs: set[int]) -> Figures:
        return cls(
            census=census(user, prefix, length, as_of, cutoffs=cutoffs),
            planned=_planned(user, prefix, length, as_of),
            projects=_projects(user, prefix, length, as_of),
            funds=funds_by_node(user, region_prefix=prefix, as_of=as_of, length=length),
        )

    def total(self, prefix: str, cutoff_year: int) -> Tally:
        tally = Tally()
        for key, year, count, area, households in self.census:
            if key.startswith(prefix) and year is not None and year <= cutoff_year:
                tally.old_estates += count
                tally.old_area_m2 += area or 0
                tally.old_households += households or 0
        for key, row in self.planned.items():
            if key.startswith(prefix):
                tally.planned_projects += row["count"]
                tally.planned_households += row["households"] or 0
                tally.planned_area_m2 += row["area"] or 0
                tally.planned_investment_yuan += row["cost"] or 0
        for key, state, count, households in self.projects:
            if key.startswith(prefix):
                tally.started_projects += count if state in project_rules.STARTED else 0
                if state in project_rules.COMPLETED:
                    tally.completed_projects += count
                    tally.completed_households += households or 0
        for key, totals in self.funds.items():
            if key.startswith(prefix):
                tally.funds_planned_yuan += totals.planned
                tally.funds_received_yuan += totals.received
                tally.funds_paid_yuan += totals.paid
        return tally


def census(
    user: Any, prefix: str, length: int, as_of: dt.date, *, cutoffs: set[int] | None = None
) -> list[CensusRow]:
    """Estates in the registry by `as_of`, each read as it stood at the end of `as_of` (the
    estates unchanged since as they are, the few changed since from their history), counted per
    key: where every node asked about has the same cutoff year, only the old ones, with the newest
    year among them; otherwise per year built too, the cutoff applied per node afterwards."""
    estates = under_prefix(Estate.objects.visible_to(user), "region__code", prefix).registered_by(as_of)
    if as_of >= clock.today():
        return _count(estates, length, cutoffs)
    changed = changed_since(Estate, clock.end_of(as_of)).values("id")
    then = versions_then(Estate, clock.end_of(as_of)).filter(
        id__in=estates.filter(pk__in=changed).values("pk")
    )
    return [*_count(estates.exclude(pk__in=changed), length, cutoffs), *_count(then, length, cutoffs)]


def _count(estates: Any, length: int, cutoffs: set[int] | None) -> list[CensusRow]:
    sums = {"count": Count("id"), "area": Sum("floor_area_m2"), "households": Sum("households")}
    keyed = estates.annotate(key=code_prefix("region__code", length))
    if cutoffs is not None and len(cutoffs) == 1:
        # One rule for all: the old estates alone, one group per key (the registry's own shape).
        old = keyed.filter(year_built__lte=next(iter(cutoffs))).values("key")
        rows = old.annotate(newest=Max("year_built"), **sums).order_by()
        return [(r["key"], r["newest"], r["count"], r["area"], r["households"]) for r in rows]
    return list(keyed.values_list("key", "year_built").annotate(**sums).order_by())


def _planned(user: Any, prefix: str, length: int, as_of: dt.date) -> dict[str, dict[str, Any]]:
    """Entries of the plans approved by `as_of`; a project cancelled by then leaves the figures
    from that day."""
    entries = under_prefix(PlanEntry.objects.visible_to(user), "estate__region__code", prefix).filter(
        plan__status=AnnualPlan.Status.APPROVED, plan__approved_on__lte=as_of
    )
    if states_settled_by(as_of):
        entries = entries.exclude(project__state=project_rules.CANCELLED)  # the state says it
    else:
        cancelled = ProjectTransition.objects.filter(
            project_id=OuterRef("project"), to_state=project_rules.CANCELLED, on__lte=as_of
        )
        entries = entries.exclude(Exists(cancelled))
    rows = (
        entries.annotate(key=code_prefix("estate__region__code", length))
        .values("key")
        .annotate(
            count=Count("id"),
            households=Sum("households"),
            area=Sum("floor_area_m2"),
            cost=Sum("estimated_cost_yuan"),
        )
        .order_by()
    )
    return {str(row["key"]): dict(row) for row in rows}


def _projects(user: Any, prefix: str, length: int, as_of: dt.date) -> list[ProjectRow]:
    """Projects per key and state at the end of `as_of`, with their plans' households: the states
    as they are when nothing has changed since; otherwise each from the transition in force at the
    day's end (a range test, one grouped scan, no per-project lookup)."""
    if states_settled_by(as_of):
        projects = under_prefix(Project.objects.visible_to(user), "estate__region__code", prefix)
        return list(
            projects.annotate(key=code_prefix("estate__region__code", length))
            .values_list("key", "state")
            .annotate(count=Count("id"), households=Sum("plan_entry__households"))
            .order_by()
        )
    held = ProjectTransition.objects.visible_to(user).held_at_end_of(as_of)
    return list(
        under_prefix(held, "project__estate__region__code", prefix)
        .annotate(key=code_prefix("project__estate__region__code", length))
        .values_list("key", "to_state")
        .annotate(count=Count("project_id"), households=Sum("project__plan_entry__households"))
        .order_by()
    )
