"""The program on top of a generated registry (`demo/scale.py`): for each city a 2019–2021
program with its approved 2019 and 2020 plans holding the old estates, a project for each planned
estate walked through its states on dated transitions, its design items from the menu, the
progress reported on them and its money (`demo/scale_money.py`) — all dated on or before the demo's
day, 2020-09-01, so that every figure as of any day reads them as it reads records made through the
services.

Rows get their ids here (the database is empty of them), so that children point at parents
without a round trip per row; the sequences are moved past them at the end."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection, models

from huanxin.catalog.models import MenuItem
from huanxin.core.bulk import bulk_write
from huanxin.core.history import history_copy_rows
from huanxin.demo.scale_money import Money
from huanxin.estates.models import Estate
from huanxin.funding.models import FundingLine, FundingPlan
from huanxin.planning.models import AnnualPlan, PlanEntry, Program
from huanxin.projects import rules
from huanxin.projects.models import ProgressReport, Project, ProjectItem, ProjectTransition
from huanxin.regions.models import Region
from huanxin.regions.rules import Level

GENERATED = "生成数据"
THE_DAY = dt.date(2020, 9, 1)  # the demo's day: nothing generated is dated after it
APPROVED_ON = {2019: dt.date(2019, 3, 1), 2020: dt.date(2020, 3, 2)}
# Days from the plan's approval to each state, for a project that keeps pace.
STATE_DAYS = {
    rules.APPROVED: 0,
    rules.DESIGN: 20,
    rules.PUBLICITY: 55,
    rules.TENDER: 75,
    rules.CONSTRUCTION: 105,
    rules.AWAITING_ACCEPTANCE: 260,
    rules.ACCEPTED: 285,
    rules.HANDED_OVER: 300,
}
CHUNK = 20_000


@dataclass
class PlanTotals:
    estates: int = 0
    households: int = 0
    area: Decimal = Decimal(0)
    cost: Decimal = Decimal(0)

    def add(self, cost: Decimal, households: int, area: Decimal) -> None:
        self.estates += 1
        self.households += households
        self.area += area
        self.cost += cost


@dataclass
class ProgramCounts:
    programs: int = 0
    plans: int = 0
    projects: int = 0
    items: int = 0
    reports: int = 0
    transitions: int = 0
    funding_lines: int = 0
    ledger_entries: int = 0


def generate_program(rng: random.Random, *, within: str) -> ProgramCounts:
    """Programs, plans, projects, items and progress for the old estates under `within`."""
    counts = ProgramCounts()
    cities = list(Region.objects.filter(level=Level.CITY, code__startswith=within).order_by("code"))
    menus = _menus(cities)
    plan_of = {
        (city.pk, year): 2 * index + (year - 2019) + 1
        for index, city in enumerate(cities)
        for year in (2019, 2020)
    }
    totals: dict[int, PlanTotals] = {}
    entries: list[list[object]] = []
    projects: list[list[object]] = []
    transitions: list[list[object]] = []
    items: list[list[object]] = []
    reports: list[list[object]] = []
    money = Money.for_generation()
    city_of = {city.code[:4]: city for city in cities}
    old = Estate.objects.filter(year_built__lte=2000, region__code__startswith=within).order_by("code")
    for estate_id, code, name, households, area in old.values_list(
        "pk", "code", "name", "households", "floor_area_m2"
    ).iterator(chunk_size=CHUNK):
        city = city_of.get(code[:4])
        if city is None or rng.random() < 0.25:  # a quarter of the old estates wait for later plans
            continue
        year = 2019 if rng.random() < 0.45 else 2020
        cost = Decimal(households * rng.randint(9_000, 22_000))
        entry_id = len(entries) + 1
        totals.setdefault(plan_of[(city.pk, year)], PlanTotals()).add(cost, households, area)
        entries.append(
            [
                entry_id,
                plan_of[(city.pk, year)],
                estate_id,
                cost,
                households,
                area,
                Decimal(rng.randint(40, 95)),
                "",
            ]
        )
        states = _walk(rng, APPROVED_ON[year])
        state, entered = states[-1]
        menu = menus[city.pk]
        chosen = rng.sample(menu, k=min(len(menu), rng.randint(4, 9)))
        share = _share(state, entered, rng)
        project_id = entry_id
        projects.append(
            [
                project_id,
                entry_id,
                estate_id,
                f"{name}改造项目",
                state,
                cost,
                APPROVED_ON[year] + dt.timedelta(days=STATE_DAYS[rules.CONSTRUCTION]),
                APPROVED_ON[year] + dt.timedelta(days=STATE_DAYS[rules.AWAITING_ACCEPTANCE]),
                share,
                "",
                "",
                "",
                1,
            ]
        )
        previous = ""
        for (to_state, on), (_next_state, until) in zip(states, [*states[1:], ("", None)], strict=True):
            transitions.append([project_id, previous, to_state, on, until, _at(on), ""])
            previous = to_state
        budget = Decimal(0)
        for menu_id, unit, unit_cost in chosen:
            quantity = Decimal(rng.randint(10, 2_000))
            item_id = len(items) + 1
            item_budget = (quantity * unit_cost).quantize(Decimal("0.01"))
            budget += item_budget
            items.append([item_id, project_id, menu_id, quantity, unit, unit_cost, item_budget])
            if state in rules.STARTED:
                started = APPROVED_ON[year] + dt.timedelta(days=STATE_DAYS[rules.CONSTRUCTION])
                for on, done in _reports(rng, started, min(entered, THE_DAY), quantity, share):
                    reports.append([item_id, on, done, "", _at(on), "", None])
        money.add_project(
            rng, project_id=project_id, walked=states, budget=budget, share=share, the_day=THE_DAY
        )
    program_rows, plan_rows = [], []
    for index, city in enumerate(cities):
        years = [totals.get(plan_of[(city.pk, year)], PlanTotals()) for year in (2019, 2020)]
        program_rows.append(
            [
                index + 1,
                city.pk,
                f"{city.name}2019—2021年老旧小区改造规划",
                2019,
                2021,
                sum(t.estates for t in years),
                sum(t.households for t in years),
                sum((t.area for t in years), Decimal(0)),
                sum((t.cost for t in years), Decimal(0)),
                1,
            ]
        )
        for year, plan_totals in zip((2019, 2020), years, strict=True):
            plan_rows.append(
                [
                    plan_of[(city.pk, year)],
                    index + 1,
                    year,
                    plan_totals.cost,
                    "approved",
                    APPROVED_ON[year],
                    {},
                    1,
                ]
            )
    counts.programs = bulk_write(Program, PROGRAM_COLUMNS, program_rows)
    counts.plans = bulk_write(AnnualPlan, PLAN_COLUMNS, plan_rows)
    bulk_write(PlanEntry, ENTRY_COLUMNS, entries)
    counts.projects = bulk_write(Project, PROJECT_COLUMNS, projects)
    counts.transitions = bulk_write(ProjectTransition, TRANSITION_COLUMNS, transitions)
    counts.items = bulk_write(ProjectItem, ITEM_COLUMNS, items)
    counts.reports = bulk_write(ProgressReport, REPORT_COLUMNS, reports)
    _plans, counts.funding_lines, counts.ledger_entries = money.write(reason=GENERATED)
    _sequences_past([Program, AnnualPlan, PlanEntry, Project, ProjectItem, FundingPlan, FundingLine])
    for model, count in (
        (Program, counts.programs),
        (AnnualPlan, counts.plans),
        (PlanEntry, len(entries)),
        (Project, counts.projects),
        (ProjectItem, counts.items),
    ):
        _history(model, count)
    return counts


PROGRAM_COLUMNS = [
    "id",
    "region_id",
    "name",
    "start_year",
    "end_year",
    "target_estates",
    "target_households",
    "target_area_m2",
    "target_investment_yuan",
    "version",
]
PLAN_COLUMNS = [
    "id",
    "program_id",
    "year",
    "budget_yuan",
    "status",
    "approved_on",
    "optimizer_summary",
    "version",
]
ENTRY_COLUMNS = [
    "id",
    "plan_id",
    "estate_id",
    "estimated_cost_yuan",
    "households",
    "floor_area_m2",
    "priority",
    "reason",
]
PROJECT_COLUMNS = [
    "id",
    "plan_entry_id",
    "estate_id",
    "name",
    "state",
    "estimated_cost_yuan",
    "planned_start",
    "planned_end",
    "progress_share",
    "resume_to",
    "cancel_reason",
    "contact_phone",
    "version",
]
TRANSITION_COLUMNS = ["project_id", "from_state", "to_state", "on", "until", "at", "note"]
ITEM_COLUMNS = ["id", "project_id", "item_id", "quantity", "unit", "unit_cost_yuan", "budget_yuan"]
REPORT_COLUMNS = ["item_id", "on", "quantity_done", "note", "at", "correction_reason", "confirmed_on"]


def _menus(cities: list[Region]) -> dict[int, list[tuple[int, str, Decimal]]]:
    """Each city's menu (its own items or its province's): (id, unit, a unit cost in its range)."""
    menus = {}
    for city in cities:
        items = MenuItem.objects.menu_for(city.code).active().order_by("code")
        menus[city.pk] = [
            (pk, unit, ((low or Decimal(100)) + (high or low or Decimal(100))) / 2)
            for pk, unit, low, high in items.values_list("pk", "unit", "unit_cost_min", "unit_cost_max")
        ]
    return menus


def _walk(rng: random.Random, approved: dt.date) -> list[tuple[str, dt.date]]:
    """The states a project has been through by THE_DAY, each with its day (some late)."""
    pace = rng.uniform(0.8, 2.4)  # some keep pace, some fall behind
    walked = []
    for state in rules.ORDER:
        on = approved + dt.timedelta(days=int(STATE_DAYS[state] * pace))
        if on > THE_DAY:
            break
        walked.append((state, on))
    return walked


def _share(state: str, entered: dt.date, rng: random.Random) -> Decimal:
    if state in rules.COMPLETED or state == rules.AWAITING_ACCEPTANCE:
        return Decimal(1)
    if state == rules.CONSTRUCTION:
        return Decimal(min(0.95, max(0.05, (THE_DAY - entered).days / 160 * rng.uniform(0.7, 1.2)))).quantize(
            Decimal("0.0001")
        )
    return Decimal(0)


def _reports(
    rng: random.Random, started: dt.date, until: dt.date, quantity: Decimal, share: Decimal
) -> Iterator[tuple[dt.date, Decimal]]:
    """Cumulative reports between the start of works and `until`, ending at `share` of the item."""
    count = rng.randint(1, 3)
    span = max(1, (until - started).days)
    for step in range(1, count + 1):
        on = started + dt.timedelta(days=span * step // count)
        yield min(on, THE_DAY), (quantity * share * step / count).quantize(Decimal("0.01"))


def _at(on: dt.date) -> dt.datetime:
    return dt.datetime.combine(on, dt.time(10, 0), tzinfo=dt.UTC)


def _sequences_past(models_: list[type[models.Model]]) -> None:
    """After rows written with their own ids, the next id the database gives is past them."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models_):
            cursor.execute(statement)


def _history(model: type[models.Model], count: int) -> None:
    if count:
        history_copy_rows(model, list(range(1, count + 1)), kind="+", by=None, reason=GENERATED)
