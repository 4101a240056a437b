"""Reads of the money: a project's plan and ledger by source, and rollups for any region node,
source kind and period — planned, in place, paid — as of any date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum

from huanxin.funding import rules
from huanxin.funding.models import FundingLine, FundingSource, LedgerEntry, SourceKind
from huanxin.projects import rules as project_rules
from huanxin.projects.models import Project


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
    """Per source and in all: planned, received, paid (by entries dated on or before `as_of`)."""
    planned = {
        line.source_id: (line.source, line.amount_yuan)
        for line in FundingLine.objects.filter(plan__project=project).select_related("source")
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
    """Projects that carry money: visible, not cancelled, not joined into another (its money is
    the lead's)."""
    return (
        Project.objects.visible_to(user)
        .exclude(state=project_rules.CANCELLED)
        .filter(joined_into__isnull=True)
    )


GROUPS = {
    "kind": "source__kind",
    "source": "source__name",
    "district": "project__estate__region__parent__parent__name",
    "year": "project__plan_entry__plan__year",
}


def rollup(user: Any, *, region_prefix: str, as_of: dt.date, group: str) -> list[tuple[Any, rules.Totals]]:
    """Planned, received and paid, grouped by source kind, source, district or plan year."""
    key = GROUPS[group]
    projects = projects_with_money(user).filter(estate__region__code__startswith=region_prefix)
    planned = dict(
        FundingLine.objects.filter(plan__project__in=projects)
        .values_list(key.replace("project__", "plan__project__"))
        .annotate(total=Sum("amount_yuan"))
    )
    moved = (
        LedgerEntry.objects.filter(project__in=projects, on__lte=as_of)
        .values_list(key, "kind")
        .annotate(total=Sum("amount_yuan"))
    )
    received: dict[Any, Decimal] = {}
    paid: dict[Any, Decimal] = {}
    for group_value, kind, total in moved:
        (received if kind == rules.RECEIPT else paid)[group_value] = total
    labels = dict(SourceKind.choices) if group == "kind" else {}
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


def funds_summary(user: Any, *, region_prefix: str, as_of: dt.date) -> rules.Totals:
    """The three figures of the summary: planned (plans of projects approved by `as_of`), in
    place and paid (entries dated on or before `as_of`)."""
    projects = projects_with_money(user).filter(estate__region__code__startswith=region_prefix)
    approved = projects.filter(transitions__to_state=project_rules.APPROVED, transitions__on__lte=as_of)
    planned = FundingLine.objects.filter(plan__project__in=approved).aggregate(total=Sum("amount_yuan"))[
        "total"
    ]
    moved = LedgerEntry.objects.filter(project__in=projects, on__lte=as_of).aggregate(
        received=Sum("amount_yuan", filter=Q(kind=rules.RECEIPT)),
        paid=Sum("amount_yuan", filter=Q(kind=rules.PAYMENT)),
    )
    return rules.Totals(
        planned=planned or Decimal(0),
        received=moved["received"] or Decimal(0),
        paid=moved["paid"] or Decimal(0),
    )


def advanced_projects(user: Any) -> Any:
    """Projects where payments run ahead of receipts: the district's advance, still uncovered."""
    rows = (
        LedgerEntry.objects.filter(project__in=projects_with_money(user))
        .values("project")
        .annotate(
            received=Sum("amount_yuan", filter=Q(kind=rules.RECEIPT)),
            paid=Sum("amount_yuan", filter=Q(kind=rules.PAYMENT)),
        )
    )
    return [row["project"] for row in rows if (row["paid"] or 0) > (row["received"] or 0)]


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


def resident_money(project: Project) -> ResidentMoney | None:
    from huanxin.planning.querysets import round_for_eligibility
    from huanxin.surveys.services import round_tally

    survey = round_for_eligibility(project.estate)
    tally = round_tally(survey) if survey is not None else None
    received = LedgerEntry.objects.filter(
        project=project, kind=rules.RECEIPT, source__kind=SourceKind.RESIDENT
    )
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
