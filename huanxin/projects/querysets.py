"""Reads for projects: progress (today or as of a past date) and the state on a date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from huanxin.projects import rules
from huanxin.projects.models import ProgressReport, Project, ProjectItem, ProjectTransition


def item_progress(project: Project, as_of: dt.date | None = None) -> list[tuple[ProjectItem, Decimal]]:
    """Each item with its share done (0..1) by the latest report on or before `as_of`."""
    items = list(project.items.select_related("item"))
    reports = ProgressReport.objects.filter(item__project=project).order_by("item_id", "on", "id")
    if as_of is not None:
        reports = reports.filter(on__lte=as_of)
    latest: dict[int, Decimal] = {}
    for report in reports:
        latest[report.item_id] = report.quantity_done
    return [
        (
            item,
            min(Decimal(1), latest.get(item.pk, Decimal(0)) / item.quantity)
            if item.quantity > 0
            else Decimal(0),
        )
        for item in items
    ]


def project_progress(project: Project, as_of: dt.date | None = None) -> Decimal:
    return rules.progress(
        [(item.budget_yuan, Decimal(1), done) for item, done in item_progress(project, as_of)]
    )


def with_state_on(projects: QuerySet[Project], as_of: dt.date) -> Any:
    """Annotate `state_then`: the state each project was in at the end of `as_of`."""
    latest = (
        ProjectTransition.objects.filter(project=OuterRef("pk"), on__lte=as_of)
        .order_by("-on", "-id")
        .values("to_state")[:1]
    )
    return projects.annotate(state_then=Subquery(latest))


def projects_for(user: Any) -> Any:
    return Project.objects.visible_to(user).select_related(
        "estate",
        "estate__region",
        "estate__region__parent",
        "estate__region__parent__parent",
        "plan_entry__plan",
    )
