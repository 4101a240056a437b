"""Reads of the money: a project's plan and ledger by source, and rollups for any region node,
source kind and period — planned, in place, paid — as of any date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Substr, TruncMonth
from django.utils.translation import gettext as _

from huanxin.core import clock
from huanxin.core.history import changed_since, versions_then
from huanxin.funding import rules
from huanxin.funding.models import FundingLine, FundingSource, LedgerEntry, SourceKind
from huanxin.projects import rules as project_rules
from huanxin.projects.models import Project, ProjectTransition
from huanxin.projects.querysets import states_settled_by
from huanxin.regions.filters import code_prefix, under_prefix
from huanxin.regions.models import Region


def planned_total(project: Project) -> Decimal | None:
    """The funding plan's total; None when there is no plan yet."""
    if not hasattr(project, "funding_plan"):
        return None
    return FundingLine.objects.filter(plan__project=project).aggregate(total=Sum("amount_yuan"))[
        "total"
    ] or Decimal(0)


@dataclass
class SourceLine:
    source: FundingSource
    totals: rules.Totals


def project_money(project: Project, as_of: dt.date | None = None) -> tuple[list[SourceLine], rules.Totals]:
    """Per source and in all: planned (the plan's lines as they stood at the end of `as_of`),
    received and paid (by entries dated on or before `as_of`)."""
    planned = {
        line.source_id: (line.source, line.amount_yuan)
        for line in _lines_on(as_of).filter(plan__project=project).select_related("source")
    }
    entries = LedgerEntry.objects.filter(project=project).select_related("source")
    if as_of is not None:
        entries = entries.filter(on__lte=as_of)
    by_source: dict[int, list[rules.Entry]] = {}
    sources = {source_id: source for source_id, (source, _amount) in planned.items()}
    for entry in entries:
        by_source.setdefault(entry.source_id, []).append(rules.Entry(entry.kind, entry.amount_yuan))
        sources.setdefault(entry.source_id, entry.source)
    lines = [
        SourceLine(
            source,
            rules.totals(planned.get(source_id, (source, Decimal(0)))[1], by_source.get(source_id, [])),
        )
        for source_id, source in sorted(sources.items(), key=lambda pair: pair[1].code)
    ]
    overall = rules.Totals(
        planned=sum((line.totals.planned for line in lines), Decimal(0)),
        received=sum((line.totals.received for line in lines), Decimal(0)),
        paid=sum((line.totals.paid for line in lines), Decimal(0)),
    )
    return lines, overall


def projects_with_money(user: Any) -> Any:
    """Projects whose money counts: visible, and not joined into another (a joined project's
    money is the lead's — it cannot join while it has any). Cancelled projects keep what they
    received and paid; their plans leave the figures from the day of cancellation."""
    return Project.objects.visible_to(user).filter(joined_into__isnull=True)


def _lines_on(as_of: dt.date | None) -> Any:
    """The plans' lines as they stood at the end of `as_of` (live, or today: the rows)."""
    if as_of is None or as_of >= clock.today():
        return FundingLine.objects.all()
    return versions_then(FundingLine, clock.end_of(as_of))


def planned_by(projects: Any, as_of: dt.date) -> list[Any]:
    """The funding lines that count on `as_of`: of projects approved by then and not yet
    cancelled by then, each plan as it stood that day. Two sets to add up on a past day: the
    plans unchanged since, read as they are, and the few changed since, read from history."""

    def reached(state: str) -> Exists:
        # One indexed probe per line's project, instead of a join of every project and transition
        # of the region fed to IN / NOT IN (seconds at a province, whatever the lines).
        return Exists(
            ProjectTransition.objects.filter(project=OuterRef("plan__project"), to_state=state, on__lte=as_of)
        )

    if as_of >= clock.today() and states_settled_by(as_of):
        # Nothing has moved since: every project was opened on its plan's approval, and its state
        # says whether it has been cancelled — no transition to probe per line.
        live = FundingLine.objects.filter(plan__project__in=projects)
        return [live.exclude(plan__project__state=project_rules.CANCELLED)]
    counted = (
        FundingLine.objects.filter(plan__project__in=projects)
        .filter(reached(project_rules.APPROVED))
        .exclude(reached(project_rules.CANCELLED))
    )
    changed = changed_since(FundingLine, clock.end_of(as_of)).values("plan_id")
    then = (
        versions_then(FundingLine, clock.end_of(as_of))
        .filter(plan_id__in=changed, plan__project__in=projects)
        .filter(reached(project_rules.APPROVED))
        .exclude(reached(project_rules.CANCELLED))
    )
    return [counted.exclude(plan_id__in=changed), then]


# Grouped by codes, not names (two sources or districts may share a name); labelled after.
GROUPS = ("kind", "source", "district", "year", "month")


def rollup(user: Any, *, region_prefix: str, as_of: dt.date, group: str) -> list[tuple[Any, rules.Totals]]:
    """Planned, received and paid, grouped by source kind, source, district, plan year or month."""
    projects = under_prefix(projects_with_money(user), "estate__region__code", region_prefix)
    lines = planned_by(projects, as_of)
    entries = LedgerEntry.objects.filter(project__in=projects, on__lte=as_of)
    key = {
        "kind": "source__kind",
        "source": "source__code",
        "district": Substr("project__estate__region__code", 1, 6),
        "year": "project__plan_entry__plan__year",
        "month": TruncMonth("on"),
    }[group]
    planned_key = {
        "kind": "source__kind",
        "source": "source__code",
        "district": Substr("plan__project__estate__region__code", 1, 6),
        "year": "plan__project__plan_entry__plan__year",
    }.get(group)
    planned: dict[Any, Decimal] = {}
    if planned_key is not None:
        for line_set in lines:
            for value, total in (
                line_set.annotate(group=_expression(planned_key))
                .values_list("group")
                .annotate(t=Sum("amount_yuan"))
                .order_by()
            ):
                planned[value] = planned.get(value, Decimal(0)) + total
    received: dict[Any, Decimal] = {}
    paid: dict[Any, Decimal] = {}
    moved = (
        entries.annotate(group=_expression(key))
        .values_list("group", "kind")
        .annotate(t=Sum("amount_yuan"))
        .order_by()
    )
    for value, kind, total in moved:
        (received if kind == rules.RECEIPT else paid)[value] = total
    labels = _labels(group, set(planned) | set(received) | set(paid))
    keys = sorted(set(planned) | set(received) | set(paid), key=lambda value: (value is None, str(value)))
    return [
        (
            labels.get(value, value),
            rules.Totals(
                planned=planned.get(value) or Decimal(0),
                received=received.get(value) or Decimal(0),
                paid=paid.get(value) or Decimal(0),
            ),
        )
        for value in keys
    ]


def _expression(key: Any) -> Any:
    return F(key) if isinstance(key, str) else key


def _labels(group: str, values: set[Any]) -> dict[Any, str]:
    if group == "kind":
        return {value: str(label) for value, label in SourceKind.choices}
    if group == "source":
        return dict(FundingSource.objects.filter(code__in=values).values_list("code", "name"))
    if group == "district":
        return {
            region.code[:6]: region.name
            for region in Region.objects.filter(code__in=[f"{value}000000" for value in values if value])
        }
    if group == "month":
        return {
            value: _("%(year)d年%(month)02d月") % {"year": value.year, "month": value.month}
            for value in values
            if value
        }
    return {}


def funds_summary(user: Any, *, region_prefix: str, as_of: dt.date) -> rules.Totals:
    """The three figures of the summary: planned (plans of projects approved by `as_of`), in
    place and paid (entries dated on or before `as_of`)."""
    by_node = funds_by_node(user, region_prefix=region_prefix, as_of=as_of, length=len(region_prefix))
    return by_node.get(region_prefix, rules.Totals(Decimal(0), Decimal(0), Decimal(0)))


def funds_by_node(user: Any, *, region_prefix: str, as_of: dt.date, length: int) -> dict[str, rules.Totals]:
    """Planned, in place and paid under `region_prefix`, per node below it: keyed by the first
    `length` digits of the estates' codes (a child region's prefix), each set grouped once."""
    projects = under_prefix(projects_with_money(user), "estate__region__code", region_prefix)
    planned: dict[str, Decimal] = {}
    for line_set in planned_by(projects, as_of):
        rows = (
            line_set.annotate(node=code_prefix("plan__project__estate__region__code", length))
            .values_list("node")
            .annotate(total=Sum("amount_yuan"))
            .order_by()
        )
        for node, total in rows:
            planned[node] = planned.get(node, Decimal(0)) + (total or Decimal(0))
    moved = {
        node: (received or Decimal(0), paid or Decimal(0))
        for node, received, paid in LedgerEntry.objects.filter(project__in=projects, on__lte=as_of)
        .annotate(node=code_prefix("project__estate__region__code", length))
        .values_list("node")
        .annotate(
            received=Sum("amount_yuan", filter=Q(kind=rules.RECEIPT)),
            paid=Sum("amount_yuan", filter=Q(kind=rules.PAYMENT)),
        )
        .order_by()
    }
    return {
        node: rules.Totals(
            planned=planned.get(node, Decimal(0)),
            received=moved.get(node, (Decimal(0), Decimal(0)))[0],
            paid=moved.get(node, (Decimal(0), Decimal(0)))[1],
        )
        for node in set(planned) | set(moved)
    }


def advanced_projects(user: Any) -> Any:
    """Projects where payments run ahead of receipts: the district's advance, still uncovered."""
    rows = (
        LedgerEntry.objects.filter(project__in=projects_with_money(user))
        .values("project", "source")
        .annotate(
            received=Sum("amount_yuan", filter=Q(kind=rules.RECEIPT)),
            paid=Sum("amount_yuan", filter=Q(kind=rules.PAYMENT)),
        )
        .order_by("project")
    )
    # a source that paid out more than it received: the district advanced it
    return sorted({row["project"] for row in rows if (row["paid"] or 0) > (row["received"] or 0)})


# The survey's co-funding modes (surveys.CofundMode) and the sources that carry that money.
RESIDENT_SOURCES = {"direct": "R01", "maintenance_fund": "R02", "provident_fund": "R03"}
RESIDENT_CODES = ("R01", "R02", "R03", "R04")  # and the community's public income


@dataclass
class ResidentMoney:
    """What the residents said they would give (the estate's survey) against what came in."""

    willing: int  # households willing to co-fund
    willing_by_mode: dict[str, int]
    said_low: Decimal
    said_high: Decimal | None
    contributing_households: int  # households with a direct contribution on the ledger
    by_source: dict[str, Decimal]  # R01..R04: received, net of reversals


def resident_money(project: Project, as_of: dt.date | None = None) -> ResidentMoney | None:
    """What residents said they would give against what the ledger shows they gave (by the end of
    `as_of`)."""
    from huanxin.planning.querysets import round_for_eligibility
    from huanxin.surveys.services import round_tally

    survey = round_for_eligibility(project.estate)
    tally = round_tally(survey) if survey is not None else None
    received = LedgerEntry.objects.filter(
        project=project, kind=rules.RECEIPT, source__kind=SourceKind.RESIDENT
    )
    if as_of is not None:
        received = received.filter(on__lte=as_of)
    by_source = dict(received.values_list("source__code").annotate(total=Sum("amount_yuan")))
    contributions = (
        received.filter(household__isnull=False)
        .values("household")
        .annotate(net=Sum("amount_yuan"))
        .filter(net__gt=0)
    )
    if tally is None and not by_source:
        return None
    low, high = rules.willingness_range(tally.cofund_brackets if tally else {})
    return ResidentMoney(
        willing=tally.cofund_willing if tally else 0,
        willing_by_mode=tally.cofund_modes if tally else {},
        said_low=low,
        said_high=high,
        contributing_households=contributions.count(),
        by_source={code: by_source.get(code) or Decimal(0) for code in RESIDENT_CODES},
    )
