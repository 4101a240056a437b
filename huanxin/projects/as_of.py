"""Projects as they stood at the end of a past day: the state from the transitions, the design
version then in force, progress from the reports measured by then, milestones, signatures,
feedback, votes, ratings and photos up to that day — nothing later. The live view (`as_of=None`)
reads the rows as they are; every page, export and endpoint that offers a date reads through here.

Lists are read in bulk: one query per kind of row for all the projects shown, never one per
project."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F, OuterRef, QuerySet, Subquery

from huanxin.core import clock
from huanxin.core.history import versions_then
from huanxin.projects import rules
from huanxin.projects.models import (
    DesignRevision,
    Milestone,
    ProgressReport,
    Project,
    ProjectItem,
    ProjectTransition,
)
from huanxin.projects.querysets import item_progress


def with_state_then(projects: QuerySet[Project], as_of: dt.date | None) -> Any:
    """Annotate `state_then`: the live state, or the state at the end of `as_of` from the
    transitions — projects not yet opened by then are left out."""
    if as_of is None:
        return projects.annotate(state_then=F("state"))
    held = (
        ProjectTransition.objects.held_at_end_of(as_of).filter(project=OuterRef("pk")).values("to_state")[:1]
    )
    return projects.annotate(state_then=Subquery(held)).filter(state_then__isnull=False)


@dataclass
class Then:
    """One project's figures at the end of a day."""

    state: str | None = None
    started_on: dt.date | None = None
    closed_on: dt.date | None = None  # accepted or cancelled: unreached milestones close
    progress: Decimal = Decimal(0)
    forecast_end: dt.date | None = None
    delayed: bool = False
    milestone_late: bool = False
    items: dict[int, Decimal] = field(default_factory=dict)  # item id → share done


def figures_then(projects: Sequence[Project], as_of: dt.date) -> dict[int, Then]:
    """State, progress, forecast end and the two late flags of each project on `as_of`, in four
    queries whatever the number of projects."""
    ids = [project.pk for project in projects]
    then = {pk: Then() for pk in ids}
    for project_id, to_state, on in (
        ProjectTransition.objects.filter(project_id__in=ids, on__lte=as_of)
        .order_by("project_id", "on", "id")
        .values_list("project_id", "to_state", "on")
    ):
        row = then[project_id]
        row.state = to_state
        if to_state == rules.CONSTRUCTION and row.started_on is None:
            row.started_on = on
        if to_state in (rules.ACCEPTED, rules.CANCELLED) and row.closed_on is None:
            row.closed_on = on
    items: dict[int, list[tuple[int, Decimal, Decimal]]] = defaultdict(list)
    for item_id, project_id, budget, quantity in ProjectItem.objects.filter(project_id__in=ids).values_list(
        "pk", "project_id", "budget_yuan", "quantity"
    ):
        items[project_id].append((item_id, budget, quantity))
    latest: dict[int, Decimal] = {}
    measured: dict[int, dt.date] = {}  # project → its latest report's day
    for item_id, project_id, on, quantity in (
        ProgressReport.objects.filter(item__project_id__in=ids, on__lte=as_of)
        .counted()
        .order_by("item_id", "on", "id")
        .values_list("item_id", "item__project_id", "on", "quantity_done")
    ):
        latest[item_id] = quantity
        measured[project_id] = max(on, measured.get(project_id, on))
    late: set[int] = set()
    for project_id, due_on, done_on in milestones_then(ids, as_of).values_list(
        "project_id", "due_on", "done_on"
    ):
        if rules.milestone_late(due_on, done_on, as_of, then[project_id].closed_on):
            late.add(project_id)
    for project in projects:
        row = then[project.pk]
        row.items = {
            item_id: min(Decimal(1), latest.get(item_id, Decimal(0)) / quantity)
            if quantity > 0
            else Decimal(0)
            for item_id, _budget, quantity in items[project.pk]
        }
        row.progress = rules.progress(
            [(budget, Decimal(1), row.items[item_id]) for item_id, budget, _quantity in items[project.pk]]
        )
        last_measured = measured.get(project.pk)
        row.forecast_end = (
            rules.forecast_end(row.started_on, last_measured, row.progress)
            if row.started_on and last_measured
            else None
        )
        row.delayed = row.state is not None and rules.is_delayed(
            row.state, project.planned_end, row.forecast_end, as_of
        )
        row.milestone_late = project.pk in late
    return then


def milestones_then(project_ids: Sequence[int], as_of: dt.date | None) -> QuerySet[Any]:
    """The milestones of these projects as the schedule stood at the end of `as_of`, by due date
    (live: the rows). A milestone reached later than the day still carries its `done_on`: the
    callers read it as reached only on or before the day."""
    if as_of is None:
        return Milestone.objects.filter(project_id__in=project_ids).order_by("project_id", "due_on", "id")
    return (
        versions_then(Milestone, clock.end_of(as_of))
        .filter(project_id__in=project_ids)
        .order_by("project_id", "due_on", "id")
    )


def attach_then(projects: Iterable[Project], as_of: dt.date | None) -> list[Project]:
    """The rows of a list or an export with their figures of the day: `state_then`,
    `progress_then`, `forecast_then`, `delayed`, `milestone_late` (live: the stored ones)."""
    rows = list(projects)
    if as_of is None:
        for project in rows:
            project.state_then = project.state  # type: ignore[attr-defined]
            project.progress_then = project.progress_share  # type: ignore[attr-defined]
            project.forecast_then = project.forecast_end  # type: ignore[attr-defined]
        return rows
    figures = figures_then(rows, as_of)
    for project in rows:
        row = figures[project.pk]
        project.state_then = row.state  # type: ignore[attr-defined]
        project.progress_then = row.progress  # type: ignore[attr-defined]
        project.forecast_then = row.forecast_end  # type: ignore[attr-defined]
        project.delayed = row.delayed  # type: ignore[attr-defined]
        project.milestone_late = row.milestone_late  # type: ignore[attr-defined]
    return rows


class RowsThen:
    """A queryset whose slices come with their figures of the day (attach_then): what a page's
    paginator or the API's pagination slices, so only the rows shown are computed."""

    def __init__(self, projects: QuerySet[Project], as_of: dt.date | None) -> None:
        self.projects = projects
        self.as_of = as_of

    def count(self) -> int:
        return self.projects.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Project]:
        return attach_then(self.projects[index], self.as_of)


def late_then(projects: QuerySet[Project], as_of: dt.date, late: bool) -> QuerySet[Project]:
    """The `late` filter on a past day: the flags need the progress of that day, so they are
    computed for the projects in hand (one jurisdiction's) and the list narrowed to them."""
    rows = list(projects.select_related(None).only("pk", "planned_end"))
    figures = figures_then(rows, as_of)
    chosen = [pk for pk, row in figures.items() if (row.delayed or row.milestone_late) == late]
    return projects.filter(pk__in=chosen)


def closed_on_by(project: Project, on: dt.date) -> dt.date | None:
    """The day the project was accepted or cancelled, if by `on`: its milestones close then."""
    return (
        ProjectTransition.objects.filter(
            project=project, to_state__in=(rules.ACCEPTED, rules.CANCELLED), on__lte=on
        )
        .order_by("on", "id")
        .values_list("on", flat=True)
        .first()
    )


@dataclass
class ItemThen:
    """An item of the design in force on the day, with its share done by then. `item` is the
    ProjectItem of the current design; None for an older version's line."""

    code: str
    name: str
    quantity: Decimal
    unit: str
    unit_cost_yuan: Decimal
    budget_yuan: Decimal
    done: Decimal
    item: ProjectItem | None = None


def design_then(project: Project, as_of: dt.date | None) -> tuple[DesignRevision | None, list[ItemThen]]:
    """The design version in force at the end of `as_of` and its items (the current design's
    items carry their progress of the day; an older version was never built on)."""
    revisions = DesignRevision.objects.filter(project=project)
    current = revisions.order_by("-number").first()
    then = current if as_of is None else revisions.filter(on__lte=as_of).order_by("-on", "-number").first()
    if then is None and (as_of is not None and current is not None):
        return None, []
    if then is not None and current is not None and then.pk != current.pk:
        return then, [
            ItemThen(
                code=line["code"],
                name=line["name"],
                quantity=Decimal(line["quantity"]),
                unit=line["unit"],
                unit_cost_yuan=Decimal(line["unit_cost_yuan"]),
                budget_yuan=Decimal(line["budget_yuan"]),
                done=Decimal(0),
            )
            for line in then.items
        ]
    shares = figures_then([project], as_of)[project.pk].items if as_of is not None else None
    live = dict(item_progress(project)) if shares is None else {}
    return then, [
        ItemThen(
            code=item.item.code,
            name=item.item.name,
            quantity=item.quantity,
            unit=item.unit,
            unit_cost_yuan=item.unit_cost_yuan,
            budget_yuan=item.budget_yuan,
            done=shares.get(item.pk, Decimal(0)) if shares is not None else live.get(item, Decimal(0)),
            item=item,
        )
        for item in project.items.select_related("item").order_by("item__code")
    ]
