"""Surveys of the planned and pooled estates, the candidate pool, and the 2019–2021 program with
its annual plans (2019 and 2020 approved, 2021 drafted by the optimizer)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from huanxin.accounts.models import User
from huanxin.catalog.models import MenuItem
from huanxin.core import clock
from huanxin.demo.people import CITY
from huanxin.demo.plan import DEMO_TODAY, EstatePlan, Fate, demo_plan, planned_plans, survey_plan
from huanxin.demo.registry import plan_codes
from huanxin.estates.models import Estate, Household
from huanxin.planning.drafting import plan_draft_with_optimizer
from huanxin.planning.models import Candidate, Program
from huanxin.planning.services import (
    candidate_confirm,
    candidate_cost_set,
    candidate_review,
    candidate_submit,
    plan_approve,
    plan_create,
    plan_publish,
    plan_set_entries,
    program_create,
)
from huanxin.regions.models import Region
from huanxin.residents.services import access_codes_issue, resident_link_for
from huanxin.residents.slips import slip_link_key
from huanxin.surveys.models import Answer, SurveyRound
from huanxin.surveys.services import BatchAnswer, answers_enter_batch, round_create

DEMO_RESIDENT_ESTATE = "滨河一村"  # in shequ's community, its 2021 survey open on the demo date


def run_surveys() -> int:
    """Each estate's survey, on the dates it ran, entered as the community's door-to-door
    answers (入户调查) — the clock pinned to each round's last day."""
    codes = plan_codes()
    admin = User.objects.get(username="admin")
    offered = list(
        MenuItem.objects.filter(owner__code=CITY, category__in=["basic", "improvement"]).order_by("code")
    )
    by_code = {item.code: item.pk for item in offered}
    done = set(SurveyRound.objects.values_list("estate__code", flat=True))
    created = 0
    for plan in demo_plan():
        survey = survey_plan(plan)
        if survey is None or codes[plan.key] in done:
            continue
        estate = Estate.objects.get(code=codes[plan.key])
        opens, closes = dt.date.fromisoformat(survey.opens_on), dt.date.fromisoformat(survey.closes_on)
        entered_on = min(closes, dt.date.fromisoformat(DEMO_TODAY))
        with clock.pinned(entered_on):
            round_ = round_create(
                by=admin,
                estate_id=estate.pk,
                title=survey.title,
                opens_on=opens,
                closes_on=closes,
                item_ids=[item.pk for item in offered],
            )
            households = list(
                Household.objects.filter(estate=estate).order_by("pk").values_list("pk", flat=True)
            )
            rows: list[BatchAnswer] = [
                {
                    "household_id": household,
                    "agrees": agrees,
                    "first_need": by_code.get(need),
                    "cofund_willing": cofund,
                }
                for household, agrees, need, cofund in zip(
                    households, survey.answers, survey.first_needs, survey.cofund, strict=False
                )
            ]
            answers_enter_batch(by=admin, round_id=round_.pk, rows=rows)
        created += 1
    return created


def fill_the_pool() -> int:
    """The reserve as of the demo date: the planned estates went through it in 2018–2019; the
    2021 pool is mostly confirmed, a few still with the district or the city."""
    codes = plan_codes()
    users = {user.username: user for user in User.objects.all()}
    reviewer = {"430802": users["yongding"], "430821": users["cili"]}
    existing = set(Candidate.objects.values_list("estate__code", flat=True))
    created = 0
    for plan in demo_plan():
        if plan.fate not in (Fate.COMPLETED, Fate.PLANNED, Fate.CANCELLED, Fate.POOL_2021):
            continue
        if codes[plan.key] in existing:
            continue
        estate = Estate.objects.get(code=codes[plan.key])
        year = {2019: 2018, 2020: 2019}.get(plan.plan_year or 0, 2020)
        street = users["guanliping"] if plan.community.startswith("430802004") else users["admin"]
        with clock.pinned(dt.date(year, 11, 5) if year < 2020 else dt.date(2020, 8, 31)):
            candidate = candidate_submit(
                by=street, estate_id=estate.pk, note="居民改造意愿强烈，基础设施问题突出"
            )
            stage = pool_stage(plan)
            if stage != "submitted":
                candidate = candidate_review(
                    by=reviewer.get(plan.community[:6], users["admin"]),
                    candidate_id=candidate.pk,
                    version=candidate.version,
                    accept=True,
                )
                if stage == "confirmed":
                    candidate_confirm(by=users["city"], candidate_id=candidate.pk, version=candidate.version)
        created += 1
    return created


def pool_stage(plan: EstatePlan) -> str:
    if plan.fate != Fate.POOL_2021:
        return "confirmed"
    number = int(plan.key.removeprefix("E"))
    return {0: "submitted", 1: "reviewed"}.get(number % 8, "confirmed")


def demo_access_codes(count: int = 3) -> list[tuple[str, str, str]]:
    """New slip codes for a few households of the demo's resident estate, for `make demo` to print:
    (address, code, the household's own QR link path). Printing again revokes the previous ones,
    as slips do."""
    estate = Estate.objects.get(name=DEMO_RESIDENT_ESTATE)
    answered = Answer.objects.filter(round__estate=estate).values("household_id")
    households = list(Household.objects.filter(estate=estate).exclude(pk__in=answered).order_by("pk")[:count])
    households += list(Household.objects.filter(estate=estate).order_by("pk")[: count - len(households)])
    issued = access_codes_issue(
        by=User.objects.get(username="shequ"),
        estate_id=estate.pk,
        household_ids=[household.pk for household in households],
    )
    token = resident_link_for(estate).token
    return [
        (
            f"{estate.name} {h.building.name}{h.unit}单元{h.room}室",
            code,
            f"/r/{token}/h/{slip_link_key(h.pk, code)}/",
        )
        for h, code in issued
    ]


def plan_the_years() -> dict[str, int]:
    """The 2019–2021 program; the 2019 and 2020 plans as approved (172 estates, exactly the
    published households, area and 1,548,000,000 yuan); a 2021 draft made by the optimizer."""
    if Program.objects.exists():
        return {"programs": 0, "plans": 0}
    codes = plan_codes()
    users = {user.username: user for user in User.objects.all()}
    city_user = users["city"]
    candidates = {c.estate.code: c for c in Candidate.objects.select_related("estate")}
    for plan in demo_plan():
        candidate = candidates.get(codes[plan.key])
        if candidate is not None and plan.estimated_cost and candidate.estimated_cost_yuan is None:
            with clock.pinned(
                timezone.localdate(candidate.confirmed_at) if candidate.confirmed_at else dt.date(2020, 8, 31)
            ):
                candidate_cost_set(
                    by=city_user,
                    candidate_id=candidate.pk,
                    version=candidate.version,
                    cost_yuan=Decimal(plan.estimated_cost),
                    note="区县上报估算",
                )
    pool = [p for p in demo_plan() if p.fate == Fate.POOL_2021]
    planned = planned_plans()
    cancelled = [p for p in demo_plan() if p.fate == Fate.CANCELLED]
    city = Region.objects.get(code=CITY)
    with clock.pinned(dt.date(2019, 2, 20)):
        program = program_create(
            by=city_user,
            region_id=city.pk,
            name="张家界市城镇老旧小区改造三年行动（2019—2021年）",
            start_year=2019,
            end_year=2021,
            target_estates=len(planned) + len(pool),
            target_households=sum(p.households for p in [*planned, *pool]),
            target_area_m2=Decimal(sum(p.floor_area_m2 for p in [*planned, *pool])),
            target_investment_yuan=Decimal(sum(p.estimated_cost or 0 for p in [*planned, *pool])),
        )
    for year, published, approved in (
        (2019, dt.date(2019, 3, 1), dt.date(2019, 3, 15)),
        (2020, dt.date(2020, 3, 2), dt.date(2020, 3, 16)),
    ):
        # The plans as approved also held the few projects cancelled later (step 5 cancels them).
        members = [p for p in [*planned, *cancelled] if p.plan_year == year]
        estate_ids = list(
            Estate.objects.filter(code__in=[codes[p.key] for p in members]).values_list("pk", flat=True)
        )
        with clock.pinned(published):
            annual = plan_create(
                by=city_user,
                program_id=program.pk,
                year=year,
                budget_yuan=Decimal(sum(p.estimated_cost or 0 for p in members)),
            )
            annual = plan_set_entries(
                by=city_user, plan_id=annual.pk, version=annual.version, estate_ids=estate_ids
            )
            annual = plan_publish(by=city_user, plan_id=annual.pk, version=annual.version, days=7)
        with clock.pinned(approved):
            plan_approve(by=city_user, plan_id=annual.pk, version=annual.version)
    draft = plan_create(
        by=city_user,
        program_id=program.pk,
        year=2021,
        budget_yuan=Decimal(round(sum(p.estimated_cost or 0 for p in pool) * 0.6, -4)),
    )
    plan_draft_with_optimizer(
        by=city_user,
        plan_id=draft.pk,
        version=draft.version,
        min_share={"430821": 0.1, "430822": 0.1},
        time_limit_s=5,
    )
    return {"programs": 1, "plans": 3}
