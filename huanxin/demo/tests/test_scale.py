"""`huanxin generate`: a synthetic registry on the real division table, whole, reproducible, and
read by the pages like any other (COPY on PostgreSQL: the PostgreSQL run of this suite)."""

from __future__ import annotations

import random
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum

from huanxin.demo.scale import REGISTERED_ON, SCALES, estate_rows, generate, urban_communities
from huanxin.estates.models import Estate
from huanxin.regions.models import Region

pytestmark = pytest.mark.django_db


def test_a_generated_city_is_whole_and_consistent() -> None:
    result = generate(SCALES["city"], seed=7)
    estates = Estate.objects.select_related("region")
    assert result.estates == estates.count() == 400
    assert result.households == estates.aggregate(total=Sum("households"))["total"]
    for estate in estates:
        assert estate.code.startswith(estate.region.code + "-")
        assert estate.region.level == "community" and "001" <= estate.region.code[9:12] <= "199"
        assert estate.region.code.startswith("4308")  # 张家界 only
        assert 40 <= estate.floor_area_m2 / estate.households <= 100
        assert estate.building_count and estate.registered_on == REGISTERED_ON
    assert Estate.history.filter(history_type="+").count() == 400
    assert Estate.objects.registered_by(REGISTERED_ON.replace(year=2018)).count() == 0
    assert Region.objects.get(code="430800000000").menu_items.count() == 21


def test_the_same_seed_gives_the_same_estates_and_another_seed_others() -> None:
    communities = [(index, f"4308020010{index:02d}") for index in range(1, 40)]
    first = list(estate_rows(communities, 300, random.Random(11)))
    again = list(estate_rows(communities, 300, random.Random(11)))
    other = list(estate_rows(communities, 300, random.Random(12)))
    assert first == again and first != other
    assert len({row[0] for row in first}) == 300  # codes unique


def test_a_community_never_gets_more_estates_than_its_serials_allow() -> None:
    rows = list(estate_rows([(1, "430802001001"), (2, "430802001002")], 1_500, random.Random(1)))
    assert len(rows) == 1_500
    assert max(int(str(row[0])[-3:]) for row in rows) <= 999


def test_only_residents_committees_hold_generated_estates() -> None:
    from huanxin.regions.national import regions_load_national

    regions_load_national(within="430802")
    codes = [code for _pk, code in urban_communities("430802")]
    assert codes and all("001" <= code[9:12] <= "199" for code in codes)
    assert Region.objects.filter(code__startswith="430802", level="community", code__regex=r"2\d\d$").exists()


def test_the_command_refuses_a_database_that_holds_estates(make_estate) -> None:  # type: ignore[no-untyped-def]
    make_estate("真实小区")
    with pytest.raises(CommandError, match="只能写入空库"):
        call_command("generate", scale="city", stdout=StringIO())
    assert Estate.objects.count() == 1


def test_the_estate_list_reads_a_generated_city(city, login) -> None:  # type: ignore[no-untyped-def]
    out = StringIO()
    call_command("generate", scale="city", seed=3, stdout=out)
    assert "小区 400" in out.getvalue()
    page = login("admin").get("/estates/?region=430802")
    assert page.status_code == 200
    shown = Estate.objects.filter(region__code__startswith="430802").count()
    assert f"合计 {shown:,} 个小区" in page.content.decode()


def test_the_generated_program_is_consistent_and_reads_on_any_day(city) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt
    from decimal import Decimal

    from huanxin.planning.models import AnnualPlan, PlanEntry, Program
    from huanxin.projects import rules
    from huanxin.projects.models import ProgressReport, Project, ProjectItem, ProjectTransition
    from huanxin.reporting import queries

    result = generate(SCALES["city"], seed=5)
    projects = Project.objects.select_related("plan_entry__plan", "estate")
    assert result.projects == projects.count() > 100
    for project in projects:
        assert (project.estate.year_built or 9999) <= 2000
        assert project.plan_entry.estate_id == project.estate_id
        assert project.plan_entry.plan.status == AnnualPlan.Status.APPROVED
        steps = list(ProjectTransition.objects.filter(project=project).order_by("on", "id"))
        assert [s.to_state for s in steps] == rules.ORDER[: len(steps)] and steps[
            -1
        ].to_state == project.state
        assert all(step.on <= dt.date(2020, 9, 1) for step in steps)
    for plan in AnnualPlan.objects.all():
        assert plan.budget_yuan == sum((e.estimated_cost_yuan for e in plan.entries.all()), Decimal(0))
    for program in Program.objects.all():
        assert program.target_estates == PlanEntry.objects.filter(plan__program=program).count()
    for item in ProjectItem.objects.all()[:200]:
        assert item.budget_yuan == (item.quantity * item.unit_cost_yuan).quantize(Decimal("0.01"))
        done = [r.quantity_done for r in ProgressReport.objects.filter(item=item).order_by("on", "id")]
        assert done == sorted(done) and all(d <= item.quantity for d in done)
    admin = city["admin"]
    now = queries.summary(
        user=admin, region_code="430800000000", region_name="张家界市", as_of=dt.date(2020, 9, 1)
    )
    assert now["planned_projects"] == result.projects
    assert now["completed_projects"] == Project.objects.filter(state__in=rules.COMPLETED).count()
    before = queries.summary(
        user=admin, region_code="430800000000", region_name="张家界市", as_of=dt.date(2019, 6, 1)
    )
    assert before["planned_projects"] == PlanEntry.objects.filter(plan__year=2019).count() < result.projects
    # The money: each plan adds up to its project's design budget, nothing is paid before it is
    # in place, and the summary's three figures are the entries' and lines' sums of each day.
    from huanxin.funding.models import FundingLine, FundingPlan, LedgerEntry

    funding_plans = FundingPlan.objects.select_related("project")
    assert funding_plans.count() > 50 and LedgerEntry.objects.filter(kind="payment").exists()
    for funding in funding_plans:
        lines = sum((line.amount_yuan for line in funding.lines.all()), Decimal(0))
        assert lines == sum((item.budget_yuan for item in funding.project.items.all()), Decimal(0))
        entries = LedgerEntry.objects.filter(project=funding.project)
        received = sum((e.amount_yuan for e in entries if e.kind == "receipt"), Decimal(0))
        paid = sum((e.amount_yuan for e in entries if e.kind == "payment"), Decimal(0))
        assert 0 < received <= lines and paid <= received
        assert all(e.on <= dt.date(2020, 9, 1) for e in entries)
    for day, figures in ((dt.date(2020, 9, 1), now), (dt.date(2019, 6, 1), before)):
        moved = LedgerEntry.objects.filter(on__lte=day)
        assert figures["funds_received_yuan"] == sum(e.amount_yuan for e in moved if e.kind == "receipt")
        assert figures["funds_paid_yuan"] == sum(e.amount_yuan for e in moved if e.kind == "payment")
    assert now["funds_planned_yuan"] == sum(line.amount_yuan for line in FundingLine.objects.all())
    # ids given by the generator: the next row made through the ORM does not collide
    assert (
        Program.objects.create(
            region=Region.objects.get(code="430800000000"), name="新规划", start_year=2022, end_year=2024
        ).pk
        > 1
    )
