"""The demo's projects taken through their states on the days they happened: designs, votes,
schedules, money, acceptance and handover."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from huanxin.accounts.models import Organization, User
from huanxin.catalog.models import MenuItem
from huanxin.core import clock
from huanxin.demo import money, progress
from huanxin.demo.people import CITY, organization_ensure
from huanxin.demo.plan import EstatePlan, Fate, demo_plan
from huanxin.demo.progress import SHIWEI
from huanxin.demo.progress import project_start as _start
from huanxin.demo.registry import plan_codes
from huanxin.estates.models import Household, ManagementMode
from huanxin.projects import rules as project_rules
from huanxin.projects.models import Project, ProjectTransition
from huanxin.projects.services import (
    ItemRow,
    acceptance_paper_record,
    design_vote_cast,
    paper_vote_record,
    project_assign,
    project_hand_over,
    project_items_set,
    project_schedule_set,
    project_transition,
)

CONTRACTORS = {
    "construction": ["张家界市建工集团有限公司", "张家界永盛建设有限公司", "湖南天门建设工程有限公司"],
    "supervision": ["湖南建科工程监理有限公司", "张家界华诚工程监理有限公司"],
    "design": ["张家界市建筑设计院", "张家界市规划勘测设计研究院"],
}


def run_projects() -> int:
    """Each project of the 2019 and 2020 plans taken to its state on 2020-09-01, on the dates the
    work happened: design, publicity, tender, construction with progress reports, acceptance."""
    if ProjectTransition.objects.exclude(to_state=project_rules.APPROVED).exists():
        return 0
    codes = plan_codes()
    city_user = User.objects.get(username="city")
    for kind, names in CONTRACTORS.items():
        for name in names:
            organization_ensure(name, kind, "430802000000")
    builders = [Organization.objects.get(name=name) for name in CONTRACTORS["construction"][1:]]
    supervisors = [Organization.objects.get(name=name) for name in CONTRACTORS["supervision"][1:]]
    designers = [Organization.objects.get(name=name) for name in CONTRACTORS["design"]]
    menu = {item.code: item for item in MenuItem.objects.filter(owner__code=CITY)}
    projects = {p.estate.code: p for p in Project.objects.select_related("estate")}
    moved = 0
    for number, plan in enumerate(p for p in demo_plan() if p.plan_year and codes[p.key] in projects):
        project = projects[codes[plan.key]]
        if plan.fate == Fate.CANCELLED:
            with clock.pinned(dt.date(plan.plan_year or 2019, 7, 1)):
                project_transition(
                    by=city_user,
                    project_id=project.pk,
                    version=project.version,
                    to_state=project_rules.CANCELLED,
                    note="原产权单位决定拆除重建，终止改造",
                )
            moved += 1
            continue
        shiwei = plan.name == SHIWEI
        builder = (
            Organization.objects.get(name=CONTRACTORS["construction"][0]) if shiwei else builders[number % 2]
        )
        supervisor = (
            Organization.objects.get(name=CONTRACTORS["supervision"][0])
            if shiwei
            else supervisors[number % len(supervisors)]
        )
        designer = designers[0 if shiwei else number % len(designers)]
        for when, state in _timeline(plan):
            with clock.pinned(when):
                project.refresh_from_db()
                if state == project_rules.DESIGN:
                    project = project_transition(
                        by=city_user, project_id=project.pk, version=project.version, to_state=state
                    )
                    project = project_items_set(
                        by=city_user,
                        project_id=project.pk,
                        version=project.version,
                        rows=_design_items(plan, menu),
                    )
                    project = project_assign(
                        by=city_user,
                        project_id=project.pk,
                        version=project.version,
                        designer=designer,
                        builder=builder,
                        supervisor=supervisor,
                    )
                    project = _schedule(project, plan, number, city_user)
                    amounts = money.plan_funding(
                        project, property_unit=bool(plan.property_right_unit), by=city_user
                    )
                    continue
                if state == project_rules.AWAITING_ACCEPTANCE:
                    reports = progress.report_evenly(
                        project, plan, start=_start(plan), last=when, share=Decimal(1)
                    )
                    progress.milestones_mark(project, reports)
                    money.pay(project, sum(amounts.values(), Decimal(0)) - _paid(project), when, city_user)
                if state == project_rules.ACCEPTED:
                    _paper_acceptance(project, when, city_user)
                if state == project_rules.HANDED_OVER:
                    project = project_hand_over(
                        by=city_user,
                        project_id=project.pk,
                        version=project.version,
                        management_mode=_mode_after(plan),
                        manager=plan.property_right_unit if _mode_after(plan) == "property_unit" else "",
                        note="改造完成后移交",
                    )
                    continue
                project = project_transition(
                    by=city_user, project_id=project.pk, version=project.version, to_state=state
                )
                if state == project_rules.PUBLICITY:
                    _design_vote(project, plan, when, city_user)
                if state == project_rules.CONSTRUCTION:
                    _money_at_start(project, plan, amounts, when, city_user)
                if state == project_rules.CONSTRUCTION and plan.state in (project_rules.CONSTRUCTION,):
                    last = dt.date(2020, 8, 31)
                    if shiwei:
                        progress.report_shiwei(project)
                    else:
                        share = plan.progress or Decimal(0)
                        reports = progress.report_evenly(project, plan, start=when, last=last, share=share)
                        progress.milestones_mark(project, reports)
                    _pay_for_progress(project, plan, amounts, last, city_user)
        if plan.state == project_rules.APPROVED:  # not designed yet: planned against the estimate
            project.refresh_from_db()
            _schedule(project, plan, number, city_user)
            money.plan_funding(
                project,
                property_unit=bool(plan.property_right_unit),
                by=city_user,
                total=project.estimated_cost_yuan,
            )
        moved += 1
    return moved


def _money_at_start(
    project: Project, plan: EstatePlan, amounts: dict[str, Decimal], on: dt.date, by: Any
) -> None:
    """What arrived when the works began: everything for the projects finished by the demo date;
    for those still under way, the provincial money (and the residents' for some) still to come;
    for the one the district advanced, only the city's and the district's."""
    if plan.state != project_rules.CONSTRUCTION:
        money.receive(project, amounts, tuple(amounts), on, by)
    elif plan.name == money.ADVANCED:
        money.receive(project, amounts, ("G04", "G05"), on, by)
    else:
        money.receive(project, amounts, ("G01", "G04", "G05", "E02", "R02"), on, by)


def _pay_for_progress(
    project: Project, plan: EstatePlan, amounts: dict[str, Decimal], on: dt.date, by: Any
) -> None:
    """Paid by 31 August for the work done, never beyond what arrived — except the advance."""
    due = sum(amounts.values(), Decimal(0)) * (plan.progress or Decimal(0)) * Decimal("0.8")
    if plan.name == money.ADVANCED:
        money.pay(project, due, on, by, advance=True)
        return
    received = _received(project)
    money.pay(project, min(due, received) - _paid(project), on, by)


def _received(project: Project) -> Decimal:
    from huanxin.funding.querysets import project_money

    return project_money(project)[1].received


def _paid(project: Project) -> Decimal:
    from huanxin.funding.querysets import project_money

    return project_money(project)[1].paid


def _design_vote(project: Project, plan: EstatePlan, on: dt.date, by: Any) -> None:
    """The owners' vote on the design: on paper at a meeting for the works of 2019–2020 (before the
    system), on the phones for a design still on publicity on the demo date — half the households
    have voted so far, nearly all of them for it."""
    rng = random.Random(f"demo-vote-{plan.key}")
    if plan.state == project_rules.PUBLICITY:
        households = list(Household.objects.filter(estate_id=project.estate_id).order_by("pk"))
        for household in households[: len(households) // 2]:
            design_vote_cast(household=household, project_id=project.pk, agrees=rng.random() < 0.92)
        return
    heads_voted = round(plan.households * rng.uniform(0.82, 0.97))
    heads_yes = round(heads_voted * rng.uniform(0.86, 0.98))
    area_total = Decimal(plan.floor_area_m2) * Decimal("0.85")  # the flats, without shared parts
    per_head = area_total / plan.households
    paper_vote_record(
        by=by,
        project_id=project.pk,
        counts={
            "heads_total": plan.households,
            "heads_voted": heads_voted,
            "heads_yes": heads_yes,
            "area_total": area_total.quantize(Decimal("0.01")),
            "area_voted": (per_head * heads_voted).quantize(Decimal("0.01")),
            "area_yes": (per_head * heads_yes).quantize(Decimal("0.01")),
        },
        archive_number=f"BJ-{on.year}-{project.pk:04d}",
        held_on=on,
    )


def _schedule(project: Project, plan: EstatePlan, number: int, by: Any) -> Project:
    """Planned dates, the public phone and, for works that start, the milestones: set at design."""
    started = plan.planned_end and plan.state in project_rules.STARTED
    return project_schedule_set(
        by=by,
        project_id=project.pk,
        version=project.version,
        planned_start=_start(plan),
        planned_end=dt.date.fromisoformat(plan.planned_end) if plan.planned_end else None,
        contact_phone=f"0744-82{number % 100:02d}{project.pk % 1000:03d}",
        milestones=progress.milestone_rows(plan) if started else None,
    )


def _paper_acceptance(project: Project, on: dt.date, by: Any) -> None:
    """Projects accepted before the system was used: their paper records, entered by the city."""
    signers = {
        project_rules.OWNERS: "业主委员会主任",
        project_rules.REPRESENTATIVES: "居民代表（3人）",
        project_rules.COMMUNITY: "社区居委会主任",
        project_rules.SUPERVISION: f"{project.supervisor}总监理工程师",
        project_rules.CONSTRUCTION_PARTY: f"{project.builder}项目经理",
        project_rules.DISTRICT: "区住建局分管负责人",
    }
    acceptance_paper_record(
        by=by,
        project_id=project.pk,
        archive_number=f"YS-{on.year}-{project.pk:04d}",
        signed_on=on,
        signers=signers,
    )


def _mode_after(plan: EstatePlan) -> str:
    """How the estate is managed after handover: as it was where it had a manager, else the
    city's default of professional property management (DEMO.md)."""
    if plan.management_mode in ("", ManagementMode.NONE):
        return ManagementMode.PROFESSIONAL
    return plan.management_mode


def _timeline(plan: EstatePlan) -> list[tuple[dt.date, str]]:
    """The dates each step happened, up to the plan's state on the demo date."""
    r = project_rules
    start = _start(plan)
    steps = [
        (start - dt.timedelta(days=27), r.DESIGN),
        (start - dt.timedelta(days=18), r.PUBLICITY),
        (start - dt.timedelta(days=10), r.TENDER),
        (start, r.CONSTRUCTION),
    ]
    if plan.plan_year == 2020:
        steps = [
            (dt.date(2020, 4, 1), r.DESIGN),
            (dt.date(2020, 4, 20), r.PUBLICITY),
            (dt.date(2020, 5, 1), r.TENDER),
            (dt.date(2020, 5, 15), r.CONSTRUCTION),
        ]
        if plan.state == r.PUBLICITY:
            steps[1] = (dt.date(2020, 8, 28), r.PUBLICITY)
    end = dt.date.fromisoformat(plan.planned_end) if plan.planned_end else None
    if plan.state == r.AWAITING_ACCEPTANCE:
        steps.append((dt.date(2020, 8, 20), r.AWAITING_ACCEPTANCE))
    if plan.state in r.COMPLETED and end is not None:
        steps += [(end - dt.timedelta(days=15), r.AWAITING_ACCEPTANCE), (end, r.ACCEPTED)]
        if plan.state == r.HANDED_OVER:
            steps.append((min(end + dt.timedelta(days=20), dt.date(2020, 8, 31)), r.HANDED_OVER))
    order = r.ORDER
    return [
        (when, state) for when, state in steps if order.index(state) <= order.index(plan.state or r.APPROVED)
    ]


def _design_items(plan: EstatePlan, menu: dict[str, MenuItem]) -> list[ItemRow]:
    """The design from the estate's deficiencies, priced so that it totals the approved estimate."""
    deficient = [(code, severity) for code, severity in sorted(plan.deficiencies.items())] or [
        ("B06", "major")
    ]
    raw = []
    for code, _severity in deficient:
        item = menu[code]
        quantity = _designed_quantity(plan, item)
        raw.append((item, quantity, (item.unit_cost_min or Decimal(0)) + (item.unit_cost_max or Decimal(0))))
    total = sum((quantity * cost for _item, quantity, cost in raw), Decimal(0)) or Decimal(1)
    scale = Decimal(plan.estimated_cost or 0) / total
    return [
        {"item_id": item.pk, "quantity": quantity, "unit_cost_yuan": (cost * scale).quantize(Decimal("0.01"))}
        for item, quantity, cost in raw
    ]


def _designed_quantity(plan: EstatePlan, item: MenuItem) -> Decimal:
    """What the plan names, else rooms by the households they serve (some 30 ㎡ a hundred), else
    the planners' rough estimate from the estate's size."""
    from huanxin.planning.rules import estimate_quantity

    if item.code in plan.design_quantities:
        return Decimal(plan.design_quantities[item.code])
    if item.code == "E01":
        return Decimal(max(20, round(plan.households * 0.3)))
    estimate = estimate_quantity(
        item.unit,
        households=plan.households,
        floor_area=plan.floor_area_m2,
        buildings=plan.buildings,
        floors=plan.floors,
    )
    return Decimal(str(round(max(1.0, estimate), 0)))
