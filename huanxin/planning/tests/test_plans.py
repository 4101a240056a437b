"""Programs and annual plans: priority, costs, drafting (by hand and by the optimizer), publicity,
approval with its guards and its followers, the summary's planned figures."""

import datetime as dt
from decimal import Decimal

import pytest

from huanxin.core import clock
from huanxin.core.errors import Forbidden, Refused
from huanxin.planning import drafting, hooks, services
from huanxin.planning.models import AnnualPlan
from huanxin.planning.querysets import candidate_priority
from huanxin.planning.tests.builders import confirmed_candidate, draft_plan
from huanxin.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed(city, eligible_estate):  # type: ignore[no-untyped-def]
    return confirmed_candidate(city, eligible_estate)


@pytest.fixture
def draft(city, confirmed):  # type: ignore[no-untyped-def]
    return draft_plan(city)


def test_priority_shows_each_factor_and_its_contribution(city, confirmed) -> None:  # type: ignore[no-untyped-def]
    priority = candidate_priority(confirmed)
    factors = {factor.factor: factor for factor in priority.factors}
    assert set(factors) == {
        "age",
        "hazard",
        "breadth",
        "agreement",
        "cofund",
        "households",
        "cost_per_household",
    }
    assert factors["hazard"].value == 1.0 and factors["hazard"].contribution == 25.0
    assert factors["cost_per_household"].raw == "尚无估算"
    assert priority.score == pytest.approx(sum(f.contribution for f in priority.factors))


def test_the_city_changes_the_weights_and_the_score_follows(city, confirmed) -> None:  # type: ignore[no-untyped-def]
    before = candidate_priority(confirmed).score
    region = Region.objects.get(code="430800000000")
    saved = services.priority_weights_save(
        by=city["city"], region_id=region.pk, weights={"hazard": 50}, version=None
    )
    assert candidate_priority(confirmed).score == pytest.approx(before + 25)
    assert saved.history.first().history_change_reason == "修改优先级权重"
    with pytest.raises(Forbidden):
        services.priority_weights_save(
            by=city["yongding"], region_id=region.pk, weights={"hazard": 1}, version=None
        )


def test_costs_are_estimated_from_the_assessment_and_can_be_edited(city, confirmed) -> None:  # type: ignore[no-untyped-def]
    assert services.candidate_costs_estimate(by=city["yongding"]) == 1
    confirmed.refresh_from_db()
    assert confirmed.estimated_cost_yuan and confirmed.estimated_cost_yuan > 0  # drains, hazardous
    edited = services.candidate_cost_set(
        by=city["yongding"],
        candidate_id=confirmed.pk,
        version=confirmed.version,
        cost_yuan=Decimal("1234567"),
        note="设计概算",
    )
    assert edited.estimated_cost_yuan == Decimal("1234567")
    assert edited.history.first().history_change_reason == "修改估算投资"


def test_a_draft_from_the_optimizer_carries_reasons_and_is_published_then_approved(
    city, draft, confirmed
) -> None:  # type: ignore[no-untyped-def]
    services.candidate_cost_set(
        by=city["city"], candidate_id=confirmed.pk, version=confirmed.version, cost_yuan=Decimal("1000000")
    )
    followed: list[int] = []
    follower = hooks.register(lambda plan, by: followed.append(plan.pk))
    try:
        solution = drafting.plan_draft_with_optimizer(
            by=city["city"], plan_id=draft.pk, version=draft.version
        )
        assert solution.selected == [confirmed.estate_id]
        draft.refresh_from_db()
        entry = draft.entries.get()
        assert entry.reason.startswith("纳入") and entry.estimated_cost_yuan == Decimal("1000000")
        published = services.plan_publish(by=city["city"], plan_id=draft.pk, version=draft.version, days=7)
        with pytest.raises(Refused) as refused:  # the publicity period is not over
            services.plan_approve(by=city["city"], plan_id=draft.pk, version=published.version)
        assert "公示期" in refused.value.message
        assert published.publicity_ends is not None
        with clock.pinned(published.publicity_ends + dt.timedelta(days=1)):
            with pytest.raises(Forbidden):
                services.plan_approve(by=city["yongding"], plan_id=draft.pk, version=published.version)
            approved = services.plan_approve(by=city["city"], plan_id=draft.pk, version=published.version)
        assert approved.status == AnnualPlan.Status.APPROVED
        assert followed == [draft.pk]  # the follower ran, in the same transaction
    finally:
        hooks._followers.remove(follower)


def test_approval_refuses_an_entry_that_is_no_longer_eligible(city, draft, confirmed) -> None:  # type: ignore[no-untyped-def]
    from huanxin.estates.services import estate_update

    services.candidate_cost_set(
        by=city["city"], candidate_id=confirmed.pk, version=confirmed.version, cost_yuan=Decimal("1000000")
    )
    plan = services.plan_set_entries(
        by=city["city"], plan_id=draft.pk, version=draft.version, estate_ids=[confirmed.estate_id]
    )
    plan = services.plan_publish(by=city["city"], plan_id=plan.pk, version=plan.version, days=1)
    estate = confirmed.estate
    estate.refresh_from_db()
    estate_update(
        by=city["city"], estate_id=estate.pk, version=estate.version, changes={"planned_demolition": True}
    )
    with clock.pinned(dt.date(2020, 9, 10)), pytest.raises(Refused) as refused:
        services.plan_approve(by=city["city"], plan_id=plan.pk, version=plan.version)
    assert "市委二号院当前不符合改造条件" in refused.value.message


def test_an_approved_plan_counts_in_the_summary_from_its_date(city, draft, confirmed, api_as) -> None:  # type: ignore[no-untyped-def]
    services.candidate_cost_set(
        by=city["city"], candidate_id=confirmed.pk, version=confirmed.version, cost_yuan=Decimal("1000000")
    )
    plan = services.plan_set_entries(
        by=city["city"], plan_id=draft.pk, version=draft.version, estate_ids=[confirmed.estate_id]
    )
    plan = services.plan_publish(by=city["city"], plan_id=plan.pk, version=plan.version, days=1)
    with clock.pinned(dt.date(2020, 9, 5)):
        services.plan_approve(by=city["city"], plan_id=plan.pk, version=plan.version)
    later = api_as("city").get("/api/v1/stats/summary?as_of=2020-09-05").json()
    assert (later["planned_projects"], later["planned_households"], later["planned_investment_yuan"]) == (
        1,
        12,
        1_000_000,
    )
    assert api_as("city").get("/api/v1/stats/summary?as_of=2020-09-04").json()["planned_projects"] == 0


def test_plan_pages_and_api(city, draft, confirmed, login, api_as) -> None:  # type: ignore[no-untyped-def]
    services.candidate_cost_set(
        by=city["city"], candidate_id=confirmed.pk, version=confirmed.version, cost_yuan=Decimal("1000000")
    )
    client = login("city")
    assert "三年行动" in client.get("/planning/").content.decode()
    page = client.get(f"/planning/plans/{draft.pk}/").content.decode()
    assert "运行优化" in page and "市委二号院" in page
    response = client.post(
        f"/planning/plans/{draft.pk}/optimize/", {"version": draft.version, "min_430802": "10"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.entries.count() == 1
    shown = client.get(f"/planning/plans/{draft.pk}/").content.decode()
    status = shown.split('id="optimizer-status">')[1].split("</strong>")[0]
    assert status == "已找到最优方案" and "<code>optimal</code>" in shown  # the solver's term one click away
    body = api_as("yongding").get(f"/api/v1/plans/{draft.pk}").json()
    assert body["entries"][0]["estate_name"] == "市委二号院" and body["status"] == "draft"
    assert client.get(f"/planning/public/plans/{draft.pk}/").status_code == 404  # a draft is not public
    published = api_as("city").post(
        f"/api/v1/plans/{draft.pk}/publish", {"version": draft.version}, content_type="application/json"
    )
    assert published.status_code == 200 and published.json()["status"] == "publicity"
    public = client.get(f"/planning/public/plans/{draft.pk}/").content.decode()
    assert "市委二号院" in public and "住户" not in public
    assert "估算投资（万元）" in public  # the column in one unit, named in its header
    refused = api_as("city").post(
        f"/api/v1/plans/{draft.pk}/approve",
        {"version": published.json()["version"]},
        content_type="application/json",
    )
    assert refused.status_code == 409 and refused.json()["error"]["details"]
    export = client.get(f"/planning/plans/{draft.pk}/export.xlsx")
    from huanxin.core.spreadsheets import read_tables

    rows = read_tables(name="plan.xlsx", content=export.content)[0].rows
    assert rows[0][0] == "张家界市2021年城镇老旧小区改造计划表（状态：公示中；截至2020-09-01）"
    assert rows[1][8] == "建筑面积（㎡）" and rows[1][10] == "估算投资（万元）" and rows[-1][0] == "合计"


def test_the_estate_tab_shows_priority_and_the_cost_can_be_edited(login, confirmed) -> None:  # type: ignore[no-untyped-def]
    client = login("yongding")
    tab = client.get(f"/planning/estate/{confirmed.estate_id}/").content.decode()
    assert "priority-factors" in tab and "安全隐患程度" in tab
    response = client.post(
        f"/planning/candidates/{confirmed.pk}/cost/",
        {"version": confirmed.version, "cost_yuan": "2,500,000", "note": "设计概算"},
    )
    assert response.status_code == 302
    confirmed.refresh_from_db()
    assert confirmed.estimated_cost_yuan == Decimal("2500000")
    assert (
        login("shequ").post(f"/planning/candidates/{confirmed.pk}/cost/", {"cost_yuan": "1"}).status_code
        == 403
    )


def test_the_city_edits_the_weights_on_a_page(login, confirmed) -> None:  # type: ignore[no-untyped-def]
    client = login("city")
    page = client.get("/planning/weights/").content.decode()
    assert "安全隐患程度" in page
    data = {
        "age": 10,
        "hazard": 40,
        "breadth": 10,
        "agreement": 10,
        "cofund": 10,
        "households": 10,
        "cost_per_household": 10,
    }
    assert client.post("/planning/weights/", data).status_code == 302
    assert candidate_priority(confirmed).factors[1].weight == 40
    assert "修改优先级权重" in client.get("/planning/weights/").content.decode()
    assert login("yongding").get("/planning/weights/").status_code == 403


def test_a_district_cannot_write_the_citys_plan(city, draft, confirmed) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Forbidden):
        services.plan_set_entries(by=city["yongding"], plan_id=draft.pk, version=draft.version, estate_ids=[])
    with pytest.raises(Forbidden):
        services.plan_publish(by=city["yongding"], plan_id=draft.pk, version=draft.version)


def test_one_estate_cannot_be_approved_in_two_plans(city, draft, confirmed) -> None:  # type: ignore[no-untyped-def]
    services.candidate_cost_set(
        by=city["city"], candidate_id=confirmed.pk, version=confirmed.version, cost_yuan=Decimal("1000000")
    )
    other = services.plan_create(
        by=city["city"], program_id=draft.program_id, year=2022, budget_yuan=Decimal("5000000")
    )
    plans = []
    for plan in (draft, other):
        plan = services.plan_set_entries(
            by=city["city"], plan_id=plan.pk, version=plan.version, estate_ids=[confirmed.estate_id]
        )
        plans.append(services.plan_publish(by=city["city"], plan_id=plan.pk, version=plan.version, days=1))
    with clock.pinned(dt.date(2020, 9, 10)):
        services.plan_approve(by=city["city"], plan_id=plans[0].pk, version=plans[0].version)
        with pytest.raises(Refused) as refused:
            services.plan_approve(by=city["city"], plan_id=plans[1].pk, version=plans[1].version)
    assert "已在其他已批准计划中：市委二号院" in refused.value.message


def test_entries_are_removed_by_hand_by_unticking_them(city, draft, confirmed, login) -> None:  # type: ignore[no-untyped-def]
    services.candidate_cost_set(
        by=city["city"], candidate_id=confirmed.pk, version=confirmed.version, cost_yuan=Decimal("1000000")
    )
    plan = services.plan_set_entries(
        by=city["city"], plan_id=draft.pk, version=draft.version, estate_ids=[confirmed.estate_id]
    )
    client = login("city")
    assert (
        f'name="estate" value="{confirmed.estate_id}" checked'
        in client.get(f"/planning/plans/{plan.pk}/").content.decode()
    )
    client.post(f"/planning/plans/{plan.pk}/entries/", {"version": plan.version})
    plan.refresh_from_db()
    assert not plan.entries.exists()


def test_a_draft_shows_a_street_only_its_own_estates_and_the_other_districts_as_totals(  # type: ignore[no-untyped-def]
    city, draft, confirmed, make_estate, login, api_as
) -> None:
    import io

    from openpyxl import load_workbook

    from huanxin.planning.models import PlanEntry

    plan = services.plan_set_entries(
        by=city["city"], plan_id=draft.pk, version=draft.version, estate_ids=[confirmed.estate_id]
    )
    # a line of 慈利县 in the same draft, as the optimizer would have put it
    cili = make_estate("零阳保密小区", community="430821001001", households=70)
    PlanEntry.objects.create(
        plan=plan,
        estate=cili,
        households=70,
        floor_area_m2=Decimal("5000"),
        estimated_cost_yuan=Decimal("2600000"),
    )
    street = login("guanliping")
    page = street.get(f"/planning/plans/{plan.pk}/")
    body = page.content.decode()
    assert confirmed.estate.name in body and "零阳保密小区" not in body
    assert [other.name for other in page.context["other_districts"]] == ["慈利县"]
    assert page.context["other_districts"][0].cost_yuan == Decimal("2600000")
    assert not page.context["can_edit"]
    detail = api_as("guanliping").get(f"/api/v1/plans/{plan.pk}").json()
    assert [entry["estate_id"] for entry in detail["entries"]] == [confirmed.estate_id]
    assert detail["other_districts"][0]["count"] == 1 and "零阳保密小区" not in str(detail)
    sheet = street.get(f"/planning/plans/{plan.pk}/export.xlsx")
    cells = [
        c for row in load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True) for c in row
    ]
    assert "零阳保密小区" not in cells and "慈利县" in cells
    assert (
        "零阳保密小区" in login("city").get(f"/planning/plans/{plan.pk}/").content.decode()
    )  # the city sees all
    plan = services.plan_publish(by=city["city"], plan_id=plan.pk, version=plan.version, days=7)
    assert (
        "零阳保密小区" in street.get(f"/planning/plans/{plan.pk}/").content.decode()
    )  # public once published
