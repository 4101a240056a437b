"""The demo's progress reports and milestones, told as one story: a project's reports grow evenly
from the start of the works to its last report, with one report on each milestone's due date on
the way, and a milestone is marked reached on the first report that says its part of the works
is done — on that report's day, never before. 市委二号院 has its own reports, item by item
(DEMO.md): drains laid in July, entrance floors in August, the guard room still under way."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from huanxin.accounts.models import User
from huanxin.core import clock
from huanxin.demo.plan import EstatePlan
from huanxin.projects import rules as project_rules
from huanxin.projects.models import Project
from huanxin.projects.services import MilestoneRow, milestone_done, progress_report

SHIWEI = "市委二号院"  # the demo logins shigong and jianli are its builder and supervisor
MILESTONES = ("管网及基础设施完成", "道路及外立面完成", "竣工")
# 市委二号院's milestones: name, due date, the items whose completion reaches it (all: every item).
SHIWEI_MILESTONES: list[tuple[str, dt.date, tuple[str, ...]]] = [
    ("雨污管网铺设完成", dt.date(2020, 7, 10), ("B02",)),
    ("单元入口地面完成", dt.date(2020, 8, 15), ("B10",)),
    ("门卫室主体完成", dt.date(2020, 8, 25), ("E01",)),  # base layer still under way: late
    ("竣工", dt.date(2020, 9, 30), ()),
]
# 市委二号院's reports: the day, the items finished by then, how far along the rest are (as a
# share of where they stand on 31 August), and the notes of the finished items.
SHIWEI_REPORTS: list[tuple[dt.date, tuple[str, ...], Decimal]] = [
    (dt.date(2020, 7, 8), ("B02",), Decimal("0.5")),
    (dt.date(2020, 8, 14), ("B02", "B10"), Decimal("0.8")),
    (dt.date(2020, 8, 31), ("B02", "B10"), Decimal(1)),
]
SHIWEI_NOTES = {"B02": "雨污管网已铺设", "B10": "单元入户地坪已完成", "E01": "门卫室基层施工中"}

Reports = list[tuple[dt.date, Decimal]]  # the day and the share of every item reported done


def project_start(plan: EstatePlan) -> dt.date:
    if plan.plan_year == 2020:
        return dt.date(2020, 5, 15)
    end = dt.date.fromisoformat(plan.planned_end or "2020-12-31")
    return max(dt.date(2019, 4, 28), end - dt.timedelta(days=180))


def milestone_rows(plan: EstatePlan) -> list[MilestoneRow]:
    """The schedule's milestones as set at design, none reached yet: a third of the works each,
    or 市委二号院's own."""
    if plan.name == SHIWEI:
        return [{"name": name, "due_on": due, "done_on": None} for name, due, _items in SHIWEI_MILESTONES]
    start = project_start(plan)
    end = dt.date.fromisoformat(plan.planned_end or "2020-12-31")
    return [
        {"name": name, "due_on": start + (end - start) * k / len(MILESTONES), "done_on": None}
        for k, name in enumerate(MILESTONES, start=1)
    ]


def report_evenly(
    project: Project, plan: EstatePlan, *, start: dt.date, last: dt.date, share: Decimal
) -> Reports:
    """Weekly-sheet figures growing evenly from nothing at `start` to `share` on `last`: one
    report half-way and one on each milestone's due date before `last`, so that progress and
    milestones on a past date have history."""
    span = (last - start).days
    dues = [row["due_on"] for row in milestone_rows(plan)] if plan.planned_end else []
    days = sorted({start + (last - start) / 2, *dues})
    reports = [
        (day, (share * (day - start).days / span).quantize(Decimal("0.01")))
        for day in days
        if start < day < last
    ]
    reports.append((last, share))
    for day, part in reports:
        with clock.pinned(day):
            _report(project, day, part)
    return reports


def milestones_mark(project: Project, reports: Reports) -> None:
    """Each milestone reached on the first report that covers its share of the works."""
    city = User.objects.get(username="city")
    milestones = list(project.milestones.order_by("due_on"))
    for k, milestone in enumerate(milestones, start=1):
        needed = Decimal(k) / len(milestones)
        reached = next((day for day, share in reports if share >= needed), None)
        if reached is not None:
            with clock.pinned(reached):
                milestone_done(by=city, milestone_id=milestone.pk, done_on=reached)


def report_shiwei(project: Project) -> None:
    """市委二号院 (DEMO.md): drains laid on 8 July, entrance floors done on 14 August, the guard
    room's base layer under way and the rest far along on 31 August — 90 % of the budget in all,
    exactly. Its milestones are reached on the day their items are reported finished."""
    builder = User.objects.get(organization=project.builder)
    items = {item.item.code: item for item in project.items.select_related("item")}
    final = _shiwei_final(project)
    reached: dict[str, dt.date] = {}
    for day, finished, part in SHIWEI_REPORTS:
        with clock.pinned(day):
            for code, item in items.items():
                done = code in finished
                quantity = item.quantity if done else (final[code] * part).quantize(Decimal("0.01"))
                if day == SHIWEI_REPORTS[-1][0]:
                    note = SHIWEI_NOTES.get(code, "施工单位周报")
                else:
                    note = SHIWEI_NOTES[code] if done and code not in reached else "施工单位周报"
                progress_report(by=builder, item_id=item.pk, on=day, quantity_done=quantity, note=note)
                if done:
                    reached.setdefault(code, day)
    city = User.objects.get(username="city")
    for milestone in project.milestones.all():
        codes = next(items_ for name, _due, items_ in SHIWEI_MILESTONES if name == milestone.name)
        if codes and all(code in reached for code in codes):
            day = max(reached[code] for code in codes)
            with clock.pinned(day):
                milestone_done(by=city, milestone_id=milestone.pk, done_on=day)


def _shiwei_final(project: Project) -> dict[str, Decimal]:
    """Each item's quantity on 31 August: the finished ones whole, the rest an equal share, the
    largest nudged by hundredths until the weighted total is 90 % exactly."""
    items = {item.item.code: item for item in project.items.select_related("item")}
    finished = SHIWEI_REPORTS[-1][1]
    total = sum((item.budget_yuan for item in items.values()), Decimal(0))
    done = sum((items[code].budget_yuan for code in finished), Decimal(0))
    rest = [item for code, item in items.items() if code not in finished]
    rest_budget = sum((item.budget_yuan for item in rest), Decimal(0))
    share_of_rest = (Decimal("0.9") * total - done) / rest_budget
    quantities = {code: items[code].quantity for code in finished}
    quantities |= {item.item.code: (item.quantity * share_of_rest).quantize(Decimal("0.01")) for item in rest}
    largest = max(rest, key=lambda item: item.budget_yuan)
    for _step in range(200):
        shares = [(i.budget_yuan, i.quantity, quantities[i.item.code]) for i in items.values()]
        gap = project_rules.progress(shares) - Decimal("0.9")
        if gap == 0:
            break
        quantities[largest.item.code] -= Decimal("0.01") if gap > 0 else Decimal("-0.01")
    return quantities


def _report(project: Project, on: dt.date, share: Decimal) -> None:
    """Cumulative progress of every item of the project, on one day, by its builder."""
    builder = User.objects.filter(organization=project.builder).first() or User.objects.get(username="city")
    for item in project.items.all():
        progress_report(
            by=builder if builder.can("projects", "own_progress") else User.objects.get(username="city"),
            item_id=item.pk,
            on=on,
            quantity_done=(item.quantity * share).quantize(Decimal("0.01")),
            note="施工单位周报",
        )
