"""The projects API: the list's filters, one project as of a date, the design's items with their
version, refused transitions with every reason, progress only by the project's own contractor,
jurisdiction as 404, and the acceptance record with who may sign."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huanxin.accounts.models import Organization
from huanxin.accounts.permissions import Role
from huanxin.accounts.services import user_create
from huanxin.catalog.models import MenuItem
from huanxin.core import clock
from huanxin.planning import services as planning
from huanxin.projects import rules, services
from huanxin.projects.models import AcceptanceSignature, ProgressReport, Project
from huanxin.projects.tests.conftest import fund, vote_for_design
from huanxin.regions.models import Region

pytestmark = pytest.mark.django_db

BUILDER = "张家界市建工集团有限公司"
SUPERVISOR = "湖南建科工程监理有限公司"


@pytest.fixture
def project(city, eligible_estate):  # type: ignore[no-untyped-def]
    """市委二号院 through the pool into an approved 2021 plan: its project opens by itself."""
    candidate = planning.candidate_submit(by=city["guanliping"], estate_id=eligible_estate.pk)
    candidate = planning.candidate_review(
        by=city["yongding"], candidate_id=candidate.pk, version=candidate.version, accept=True
    )
    candidate = planning.candidate_confirm(
        by=city["city"], candidate_id=candidate.pk, version=candidate.version
    )
    planning.candidate_cost_set(
        by=city["city"], candidate_id=candidate.pk, version=candidate.version, cost_yuan=Decimal("1000000")
    )
    program = planning.program_create(
        by=city["city"],
        region_id=Region.objects.get(code="430800000000").pk,
        name="三年行动",
        start_year=2020,
        end_year=2022,
    )
    plan = planning.plan_create(
        by=city["city"], program_id=program.pk, year=2021, budget_yuan=Decimal("3000000")
    )
    plan = planning.plan_set_entries(
        by=city["city"], plan_id=plan.pk, version=plan.version, estate_ids=[eligible_estate.pk]
    )
    plan = planning.plan_publish(by=city["city"], plan_id=plan.pk, version=plan.version, days=1)
    with clock.pinned(dt.date(2020, 9, 3)):
        planning.plan_approve(by=city["city"], plan_id=plan.pk, version=plan.version)
    return Project.objects.get(estate=eligible_estate)


def step(city, project, state):  # type: ignore[no-untyped-def]
    project.refresh_from_db()
    return services.project_transition(
        by=city["yongding"], project_id=project.pk, version=project.version, to_state=state
    )


def design(city, project, rows):  # type: ignore[no-untyped-def]
    project.refresh_from_db()
    return services.project_items_set(
        by=city["yongding"],
        project_id=project.pk,
        version=project.version,
        rows=[
            {
                "item_id": MenuItem.objects.get(code=code).pk,
                "quantity": Decimal(quantity),
                "unit_cost_yuan": Decimal(cost),
            }
            for code, quantity, cost in rows
        ],
    )


def assign(city, project):  # type: ignore[no-untyped-def]
    project.refresh_from_db()
    return services.project_assign(
        by=city["yongding"],
        project_id=project.pk,
        version=project.version,
        builder=Organization.objects.get(name=BUILDER),
        supervisor=Organization.objects.get(name=SUPERVISOR),
    )


@pytest.fixture
def building(city, project):  # type: ignore[no-untyped-def]
    """The project under construction since 2020-09-08: drains (¾ of the budget) and roads, with
    the builder and supervisor assigned; drains done on 2020-09-08, half the roads on 2020-09-09."""
    step(city, project, rules.DESIGN)
    design(city, project, [("B02", 100, 3000), ("B06", 1000, 100)])
    step(city, project, rules.PUBLICITY)
    vote_for_design(project)
    fund(city["yongding"], project)
    step(city, project, rules.TENDER)
    assign(city, project)
    with clock.pinned(dt.date(2020, 9, 8)):
        step(city, project, rules.CONSTRUCTION)
    drains, roads = project.items.order_by("item__code")
    with clock.pinned(dt.date(2020, 9, 10)):
        services.progress_report(
            by=city["yongding"], item_id=drains.pk, on=dt.date(2020, 9, 8), quantity_done=Decimal(100)
        )
        services.progress_report(
            by=city["yongding"], item_id=roads.pk, on=dt.date(2020, 9, 9), quantity_done=Decimal(500)
        )
    project.refresh_from_db()
    return project


@pytest.fixture
def awaiting(city, building):  # type: ignore[no-untyped-def]
    """Every item done: the project awaits acceptance."""
    roads = building.items.get(item__code="B06")
    with clock.pinned(dt.date(2020, 9, 20)):
        services.progress_report(
            by=city["yongding"], item_id=roads.pk, on=dt.date(2020, 9, 20), quantity_done=Decimal(1000)
        )
        step(city, building, rules.AWAITING_ACCEPTANCE)
    building.refresh_from_db()
    return building


def ids(response):  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def test_the_list_answers_items_and_count_with_each_field(api_as, project) -> None:  # type: ignore[no-untyped-def]
    body = api_as("yongding").get("/api/v1/projects").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item == {
        "id": project.pk,
        "name": "市委二号院改造项目（2021年）",
        "estate_id": project.estate_id,
        "estate_name": "市委二号院",
        "state": "approved",
        "state_label": "已立项",
        "year": 2021,
        "estimated_cost_yuan": "1000000.00",
        "progress": "0.0000",
        "planned_start": None,
        "planned_end": None,
        "forecast_end": None,
        "delayed": False,
        "milestone_late": False,
        "builder": None,
        "supervisor": None,
        "designer": None,
        "version": project.version,
    }


def test_the_list_filters_by_region_state_and_year(api_as, project) -> None:  # type: ignore[no-untyped-def]
    client = api_as("city")
    assert ids(client.get("/api/v1/projects?region=430802")) == [project.pk]
    assert ids(client.get("/api/v1/projects?region=430802004001")) == [project.pk]
    assert ids(client.get("/api/v1/projects?region=430821")) == []
    bad = client.get("/api/v1/projects?region=43080")
    assert bad.status_code == 400
    assert bad.json()["error"]["details"] == [{"field": "region", "message": "区划代码应为6、9或12位数字"}]
    assert ids(client.get("/api/v1/projects?state=approved")) == [project.pk]
    assert ids(client.get("/api/v1/projects?state=design")) == []
    bad = client.get("/api/v1/projects?state=nonsense")
    assert bad.status_code == 400 and bad.json()["error"]["details"][0]["field"] == "state"
    assert ids(client.get("/api/v1/projects?year=2021")) == [project.pk]
    assert ids(client.get("/api/v1/projects?year=2020")) == []
    assert client.get("/api/v1/projects?year=abc").status_code == 400


def test_the_list_filters_by_contractor_and_lateness(api_as, city, project) -> None:  # type: ignore[no-untyped-def]
    client = api_as("city")
    builder = Organization.objects.get(name=BUILDER)
    designer = Organization.objects.get(name="张家界市建筑设计院")
    assert ids(client.get(f"/api/v1/projects?contractor={builder.pk}")) == []
    assign(city, project)
    assert ids(client.get(f"/api/v1/projects?contractor={builder.pk}")) == [project.pk]
    assert ids(client.get(f"/api/v1/projects?contractor={designer.pk}")) == []

    assert ids(client.get("/api/v1/projects?late=1")) == []
    assert ids(client.get("/api/v1/projects?late=0")) == [project.pk]
    project.refresh_from_db()
    services.project_schedule_set(  # ends ahead, nothing reported yet: not late
        by=city["yongding"],
        project_id=project.pk,
        version=project.version,
        planned_start=dt.date(2020, 10, 1),
        planned_end=dt.date(2021, 6, 30),
    )
    assert ids(client.get("/api/v1/projects?late=1")) == []
    assert ids(client.get("/api/v1/projects?late=0")) == [project.pk]
    assert client.get(f"/api/v1/projects/{project.pk}").json()["delayed"] is False
    project.refresh_from_db()
    services.project_schedule_set(
        by=city["yongding"],
        project_id=project.pk,
        version=project.version,
        planned_start=dt.date(2020, 3, 1),
        planned_end=dt.date(2020, 8, 31),
    )
    assert ids(client.get("/api/v1/projects?late=1")) == [project.pk]  # past its planned end
    assert ids(client.get("/api/v1/projects?late=0")) == []
    with CaptureQueriesContext(connection) as captured:
        item = client.get("/api/v1/projects").json()["items"][0]
    assert len(captured) == 3  # the token, the count, one page with estate, plan and organizations
    assert (item["delayed"], item["builder"], item["supervisor"]) == (True, BUILDER, SUPERVISOR)
    assert item["planned_end"] == "2020-08-31"


def test_the_detail_as_of_a_date(api_as, building, settings) -> None:  # type: ignore[no-untyped-def]
    settings.HUANXIN_TODAY = "2020-09-10"  # the day after the reports: a date is read up to today
    client = api_as("yongding")
    now = client.get(f"/api/v1/projects/{building.pk}").json()
    assert now["state"] == "construction" and now["as_of"] is None
    assert now["progress"] == "0.8750"  # drains (¾ of the budget) done, half the roads
    assert now["design_budget_yuan"] == "400000.00"
    assert [
        (i["code"], i["quantity"], i["unit_cost_yuan"], i["budget_yuan"], i["done"]) for i in now["items"]
    ] == [
        ("B02", "100.00", "3000.00", "300000.00", "1.0000"),
        ("B06", "1000.00", "100.00", "100000.00", "0.5000"),
    ]
    assert {a["to_state"]: a["refusals"] for a in now["next_states"]} == {
        "awaiting_acceptance": ["尚有未完成的改造内容：道路修复与硬化"],
        "suspended": [],
        "cancelled": [],
    }
    then = client.get(f"/api/v1/projects/{building.pk}?as_of=2020-09-08").json()
    assert then["as_of"] == "2020-09-08" and then["progress"] == "0.7500"
    assert [i["done"] for i in then["items"]] == ["1.0000", "0.0000"]
    before = client.get(f"/api/v1/projects/{building.pk}?as_of=2020-09-07").json()
    assert before["progress"] == "0.0000"
    bad = client.get(f"/api/v1/projects/{building.pk}?as_of=2020-13-01")
    assert bad.status_code == 400 and bad.json()["error"]["details"][0]["field"] == "as_of"
    future = client.get(f"/api/v1/projects/{building.pk}?as_of=2020-09-11")
    assert future.status_code == 400 and "不能晚于今天" in future.json()["error"]["message"]


def test_items_are_set_with_the_version_and_a_stale_one_is_409(api_as, city, project) -> None:  # type: ignore[no-untyped-def]
    step(city, project, rules.DESIGN)
    project.refresh_from_db()
    drains = MenuItem.objects.get(code="B02")
    client = api_as("yongding")
    row = {"item_id": drains.pk, "quantity": "500", "unit_cost_yuan": "2000.00"}
    done = client.put(
        f"/api/v1/projects/{project.pk}/items",
        {"version": project.version, "rows": [row]},
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    assert done.json()["design_budget_yuan"] == "1000000.00"
    assert done.json()["version"] == project.version + 1
    assert done.json()["items"][0]["menu_item_id"] == drains.pk
    stale = client.put(
        f"/api/v1/projects/{project.pk}/items",
        {"version": project.version, "rows": [{**row, "quantity": 1}]},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "stale_version"
    assert project.items.get().quantity == Decimal(500)
    twice = client.put(
        f"/api/v1/projects/{project.pk}/items",
        {"version": project.version + 1, "rows": [row, row]},
        content_type="application/json",
    )
    assert twice.status_code == 400
    assert (
        api_as("guanliping")
        .put(  # a street views projects, it does not design them
            f"/api/v1/projects/{project.pk}/items",
            {"version": project.version + 1, "rows": [row]},
            content_type="application/json",
        )
        .status_code
        == 403
    )


def test_a_refused_transition_is_409_with_every_reason(api_as, project) -> None:  # type: ignore[no-untyped-def]
    client = api_as("yongding")
    moved = client.post(
        f"/api/v1/projects/{project.pk}/transitions/design",
        {"version": project.version},
        content_type="application/json",
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["state"] == "design"
    refused = client.post(
        f"/api/v1/projects/{project.pk}/transitions/publicity",
        {"version": moved.json()["version"]},
        content_type="application/json",
    )
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "refused"
    assert [d["message"] for d in error["details"]] == ["尚未录入设计改造内容"]
    project.refresh_from_db()
    assert project.state == rules.DESIGN
    unknown = client.post(
        f"/api/v1/projects/{project.pk}/transitions/nowhere",
        {"version": project.version},
        content_type="application/json",
    )
    assert unknown.status_code == 400
    no_reason = client.post(
        f"/api/v1/projects/{project.pk}/transitions/cancelled",
        {"version": project.version},
        content_type="application/json",
    )
    assert no_reason.status_code == 400 and no_reason.json()["error"]["details"][0]["field"] == "note"


def test_construction_waits_for_the_publicity_period(api_as, city, project) -> None:  # type: ignore[no-untyped-def]
    step(city, project, rules.DESIGN)
    design(city, project, [("B02", 100, 3000)])
    step(city, project, rules.PUBLICITY)
    vote_for_design(project)
    fund(city["yongding"], project)
    step(city, project, rules.TENDER)
    assign(city, project)
    project.refresh_from_db()
    client = api_as("yongding")
    with clock.pinned(dt.date(2020, 9, 5)):
        early = client.post(
            f"/api/v1/projects/{project.pk}/transitions/construction",
            {"version": project.version},
            content_type="application/json",
        )
    assert early.status_code == 409
    assert early.json()["error"]["details"] == [
        {"field": None, "message": "设计公示期（7天）至2020-09-08结束"}
    ]
    with clock.pinned(dt.date(2020, 9, 8)):
        started = client.post(
            f"/api/v1/projects/{project.pk}/transitions/construction",
            {"version": project.version, "note": "开工"},
            content_type="application/json",
        )
    assert started.status_code == 200 and started.json()["state"] == "construction"


def test_progress_is_reported_by_the_projects_own_builder(api_as, city, building) -> None:  # type: ignore[no-untyped-def]
    roads = building.items.get(item__code="B06")
    client = api_as("shigong")
    with clock.pinned(dt.date(2020, 9, 15)):
        reported = client.post(
            f"/api/v1/projects/{building.pk}/progress",
            {"item_id": roads.pk, "on": "2020-09-15", "quantity_done": "800", "note": "东段完成"},
            content_type="application/json",
        )
    assert reported.status_code == 201, reported.content
    assert reported.json()["item_code"] == "B06" and reported.json()["quantity_done"] == "800.00"
    assert reported.json()["reported_by"] == "建工集团 周经理"
    listed = client.get(f"/api/v1/projects/{building.pk}/progress").json()
    assert listed["count"] == 3
    assert [(r["on"], r["item_code"], r["note"]) for r in listed["items"]] == [
        ("2020-09-15", "B06", "东段完成"),
        ("2020-09-09", "B06", ""),
        ("2020-09-08", "B02", ""),
    ]
    assert client.get(f"/api/v1/projects/{building.pk}").json()["progress"] == "0.9500"
    other = Project.objects.exclude(pk=building.pk).first()
    assert other is None  # one project here: an item of no project of this one's is 404
    missing = client.post(
        f"/api/v1/projects/{building.pk}/progress",
        {"item_id": roads.pk + 1000, "on": "2020-09-15", "quantity_done": "1"},
        content_type="application/json",
    )
    assert missing.status_code == 404


def test_a_contractor_not_on_the_project_writes_nothing(api_as, city, project) -> None:  # type: ignore[no-untyped-def]
    step(city, project, rules.DESIGN)
    design(city, project, [("B02", 100, 3000)])
    item = project.items.get()
    client = api_as("shigong")
    response = client.post(
        f"/api/v1/projects/{project.pk}/progress",
        {"item_id": item.pk, "on": "2020-08-20", "quantity_done": "1"},
        content_type="application/json",
    )
    assert response.status_code in (403, 404)
    assert response.json()["error"]["code"] in ("forbidden", "not_found")
    assert not ProgressReport.objects.exists()
    assert client.get("/api/v1/projects").json()["count"] == 0


def test_another_district_sees_nothing(api_as, project) -> None:  # type: ignore[no-untyped-def]
    client = api_as("cili")
    assert client.get("/api/v1/projects").json()["count"] == 0
    for path in ("", "/progress", "/acceptance"):
        response = client.get(f"/api/v1/projects/{project.pk}{path}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    moved = client.post(
        f"/api/v1/projects/{project.pk}/transitions/design",
        {"version": project.version},
        content_type="application/json",
    )
    assert moved.status_code == 404
    project.refresh_from_db()
    assert project.state == rules.APPROVED


def test_the_acceptance_record_shows_whom_it_still_lacks(api_as, city, awaiting) -> None:  # type: ignore[no-untyped-def]
    client = api_as("yongding")
    record = client.get(f"/api/v1/projects/{awaiting.pk}/acceptance").json()
    assert [p["label"] for p in record["required"]] == [
        "居民代表",
        "社区居委会",
        "监理单位",
        "施工单位",
        "区县住建局",
    ]
    assert record["signatures"] == []
    assert record["missing"] == ["居民代表（尚未推选）", "社区居委会", "监理单位", "施工单位", "区县住建局"]
    assert record["my_parties"] == ["district"]

    with clock.pinned(dt.date(2020, 9, 21)):
        signed = api_as("shigong").post(
            f"/api/v1/projects/{awaiting.pk}/acceptance/signatures",
            {"opinion": "工程质量合格"},
            content_type="application/json",
        )
    assert signed.status_code == 201, signed.content
    body = signed.json()
    assert body["signatures"] == [
        {
            "party": "construction",
            "party_label": "施工单位",
            "signer": "建工集团 周经理",
            "opinion": "工程质量合格",
            "signed_on": "2020-09-21",
            "paper": False,
            "archive_number": None,
        }
    ]
    assert "施工单位" not in body["missing"] and "监理单位" in body["missing"]
    again = api_as("shigong").post(
        f"/api/v1/projects/{awaiting.pk}/acceptance/signatures", {}, content_type="application/json"
    )
    assert again.status_code == 409


def test_only_a_party_signs(api_as, city, awaiting) -> None:  # type: ignore[no-untyped-def]
    # The city office does not sign acceptance records at all.
    assert (
        api_as("city")
        .post(f"/api/v1/projects/{awaiting.pk}/acceptance/signatures", {}, content_type="application/json")
        .status_code
        == 403
    )
    # A designer sees the estate it designed for, but is none of the parties who sign.
    designer = Organization.objects.get(name="张家界市建筑设计院")
    awaiting.refresh_from_db()
    services.project_assign(
        by=city["yongding"], project_id=awaiting.pk, version=awaiting.version, designer=designer
    )
    city["sheji"] = user_create(
        username="sheji",
        password="Huanxin@2020",
        roles=[Role.CONTRACTOR],
        region=Region.objects.get(code="430800000000"),
        organization=designer,
        full_name="设计院 钱工",
    )
    client = api_as("sheji")
    assert client.get(f"/api/v1/projects/{awaiting.pk}/acceptance").json()["my_parties"] == []
    refused = client.post(
        f"/api/v1/projects/{awaiting.pk}/acceptance/signatures", {}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "您不是本项目的验收签字方"
    assert not AcceptanceSignature.objects.exists()


def test_a_representatives_signature_shows_no_name_or_phone(api_as, city, awaiting) -> None:  # type: ignore[no-untyped-def]
    from huanxin.estates.models import Household
    from huanxin.residents.services import representative_add

    household = Household.objects.filter(estate=awaiting.estate).order_by("pk")[0]
    with clock.pinned(dt.date(2020, 9, 20)):
        representative_add(by=city["shequ"], household_id=household.pk, elected_on=dt.date(2020, 9, 1))
        services.acceptance_sign_as_representative(household=household, project_id=awaiting.pk)
    record = api_as("shigong").get(f"/api/v1/projects/{awaiting.pk}/acceptance")  # no personal data
    assert record.status_code == 200
    (signature,) = record.json()["signatures"]
    assert signature["party"] == "representatives" and signature["signer"] == "1栋1单元***（居民代表）"
    text = record.content.decode()
    assert household.owner_name not in text and household.owner_phone not in text
    assert str(household) not in text
    assert record.json()["missing"][0] == "社区居委会"  # 1 of 1 elected representative signed
    district = api_as("yongding").get(f"/api/v1/projects/{awaiting.pk}/acceptance").json()
    assert district["signatures"][0]["signer"] == "1栋1单元101（居民代表）"  # whose household, not who
    assert household.owner_name not in str(district)


def test_paper_records_show_the_names_on_the_form_and_the_archive_number(api_as, city, awaiting) -> None:  # type: ignore[no-untyped-def]
    with clock.pinned(dt.date(2020, 9, 21)):
        services.acceptance_paper_record(
            by=city["yongding"],
            project_id=awaiting.pk,
            archive_number="YD-2020-031",
            signed_on=dt.date(2020, 9, 20),
            signers={party: f"签字人{n}" for n, party in enumerate(rules.PARTIES)},
        )
    record = api_as("yongding").get(f"/api/v1/projects/{awaiting.pk}/acceptance").json()
    assert record["missing"] == []
    assert {(s["party"], s["signer"], s["paper"], s["archive_number"]) for s in record["signatures"]} >= {
        ("construction", "签字人4（纸质记录 YD-2020-031）", True, "YD-2020-031")
    }
    masked = api_as("shigong").get(f"/api/v1/projects/{awaiting.pk}/acceptance").json()
    assert "签字人4" not in str(masked) and "签***（纸质记录 YD-2020-031）" in str(masked)
