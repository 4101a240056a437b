"""The city creates a program (改造规划) with its years and targets on a page, and corrects it
until a plan under it is approved; the same through the API."""

import datetime as dt
from decimal import Decimal

import pytest

from huanxin.core import clock
from huanxin.core.models import AuditEvent
from huanxin.planning import services
from huanxin.planning.models import Program
from huanxin.regions.models import Region

pytestmark = pytest.mark.django_db

FORM = {
    "name": "张家界市老旧小区改造“十四五”规划（2021—2025年）",
    "start_year": "2021",
    "end_year": "2025",
    "target_estates": "300",
    "target_households": "25000",
    "target_area_m2": "2500000",
    "target_investment_yuan": "1800000000",
}


def test_the_city_creates_a_program_on_a_page(login) -> None:  # type: ignore[no-untyped-def]
    client = login("city")
    assert "新建改造规划" in client.get("/planning/").content.decode()
    assert client.post("/planning/programs/new/", FORM).status_code == 302
    program = Program.objects.get()
    assert (program.region.code, program.start_year, program.end_year) == ("430800000000", 2021, 2025)
    assert program.target_investment_yuan == Decimal("1800000000")
    assert program.history.get().history_change_reason == "建立改造规划"
    assert AuditEvent.objects.filter(action="program.create").count() == 1
    listing = client.get("/planning/").content.decode()
    assert "“十四五”规划" in listing and "25,000" in listing


def test_a_program_ending_before_it_starts_is_refused_beside_its_fields(login) -> None:  # type: ignore[no-untyped-def]
    page = login("city").post("/planning/programs/new/", {**FORM, "end_year": "2020"}).content.decode()
    assert "alert-danger" in page and not Program.objects.exists()
    negative = login("city").post("/planning/programs/new/", {**FORM, "target_area_m2": "-5"})
    assert "不能为负数" in negative.content.decode() and not Program.objects.exists()


def test_other_roles_cannot_create_a_program(login, api_as) -> None:  # type: ignore[no-untyped-def]
    assert login("yongding").get("/planning/programs/new/").status_code == 403
    assert login("guanliping").post("/planning/programs/new/", FORM).status_code == 403
    body = {k: v for k, v in FORM.items()}
    assert (
        api_as("yongding").post("/api/v1/programs", body, content_type="application/json").status_code == 403
    )
    assert not Program.objects.exists()


def test_the_city_edits_a_program_until_a_plan_under_it_is_approved(city, login, eligible_estate) -> None:  # type: ignore[no-untyped-def]
    program = services.program_create(
        by=city["city"],
        region_id=Region.objects.get(code="430800000000").pk,
        name="三年行动",
        start_year=2020,
        end_year=2022,
    )
    client = login("city")
    edited = client.post(
        f"/planning/programs/{program.pk}/edit/",
        {**FORM, "name": "三年行动（修订）", "version": program.version},
    )
    assert edited.status_code == 302
    program.refresh_from_db()
    assert program.name == "三年行动（修订）" and program.target_estates == 300
    assert "修改改造规划" in client.get(f"/planning/programs/{program.pk}/edit/").content.decode()
    # a plan for 2021 exists: the years cannot shrink away from it
    plan = services.plan_create(
        by=city["city"], program_id=program.pk, year=2021, budget_yuan=Decimal("5000000")
    )
    shrunk = client.post(
        f"/planning/programs/{program.pk}/edit/",
        {**FORM, "start_year": "2022", "end_year": "2025", "version": program.version},
    )
    assert "已有年度计划不在新的规划期内：2021年" in shrunk.content.decode()
    # once the plan is approved the program is fixed
    candidate = services.candidate_submit(by=city["guanliping"], estate_id=eligible_estate.pk)
    candidate = services.candidate_review(
        by=city["yongding"], candidate_id=candidate.pk, version=candidate.version, accept=True
    )
    candidate = services.candidate_confirm(
        by=city["city"], candidate_id=candidate.pk, version=candidate.version
    )
    services.candidate_cost_set(
        by=city["city"], candidate_id=candidate.pk, version=candidate.version, cost_yuan=Decimal("1000000")
    )
    plan = services.plan_set_entries(
        by=city["city"], plan_id=plan.pk, version=plan.version, estate_ids=[eligible_estate.pk]
    )
    plan = services.plan_publish(by=city["city"], plan_id=plan.pk, version=plan.version, days=1)
    with clock.pinned(dt.date(2020, 9, 10)):
        services.plan_approve(by=city["city"], plan_id=plan.pk, version=plan.version)
    assert "program-locked" in client.get(f"/planning/programs/{program.pk}/edit/").content.decode()
    refused = client.post(
        f"/planning/programs/{program.pk}/edit/", {**FORM, "name": "再改", "version": program.version}
    )
    assert "该规划下已有批准的年度计划，不能再修改" in refused.content.decode()
    program.refresh_from_db()
    assert program.name == "三年行动（修订）"


def test_programs_through_the_api(api_as) -> None:  # type: ignore[no-untyped-def]
    created = api_as("city").post("/api/v1/programs", FORM, content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    assert body["region_code"] == "430800000000" and body["target_households"] == 25000
    listed = api_as("yongding").get("/api/v1/programs").json()  # a district sees its city's program
    assert [item["id"] for item in listed["items"]] == [body["id"]]
    stale = api_as("city").put(
        f"/api/v1/programs/{body['id']}",
        {**FORM, "version": body["version"] + 1},
        content_type="application/json",
    )
    assert stale.status_code == 409
    updated = api_as("city").put(
        f"/api/v1/programs/{body['id']}",
        {**FORM, "target_estates": 320, "version": body["version"]},
        content_type="application/json",
    )
    assert updated.status_code == 200 and updated.json()["target_estates"] == 320
    assert (
        api_as("city")
        .put(
            f"/api/v1/programs/{body['id']}",
            {**FORM, "version": updated.json()["version"], "end_year": 2019},
            content_type="application/json",
        )
        .status_code
        == 400
    )
