"""A plan in publicity can be withdrawn back to draft by the city, with a written reason that
stays in the plan's history; an approved plan cannot."""

import datetime as dt

import pytest

from huanxin.core import clock
from huanxin.core.models import AuditEvent
from huanxin.planning import services
from huanxin.planning.models import AnnualPlan
from huanxin.planning.tests.builders import confirmed_candidate, draft_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(city, eligible_estate):  # type: ignore[no-untyped-def]
    confirmed_candidate(city, eligible_estate, cost_yuan="1000000")
    plan = draft_plan(city)
    plan = services.plan_set_entries(
        by=city["city"], plan_id=plan.pk, version=plan.version, estate_ids=[eligible_estate.pk]
    )
    return services.plan_publish(by=city["city"], plan_id=plan.pk, version=plan.version, days=1)


def test_the_city_withdraws_a_published_plan_on_its_page_with_a_reason(login, published) -> None:  # type: ignore[no-untyped-def]
    client = login("city")
    assert "撤回公示" in client.get(f"/planning/plans/{published.pk}/").content.decode()
    response = client.post(
        f"/planning/plans/{published.pk}/withdraw/",
        {"version": published.version, "reason": "慈利县名单有误，重新核实后再公示"},
    )
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.status == AnnualPlan.Status.DRAFT and published.publicity_ends is None
    assert published.entries.count() == 1  # the entries stay for the next draft
    page = client.get(f"/planning/plans/{published.pk}/").content.decode()
    assert "撤回公示：慈利县名单有误，重新核实后再公示" in page
    assert client.get(f"/planning/public/plans/{published.pk}/").status_code == 404  # no longer public
    event = AuditEvent.objects.get(action="plan.withdraw")
    assert event.detail["reason"] == "慈利县名单有误，重新核实后再公示"


def test_a_withdrawal_without_a_reason_is_refused_and_the_plan_stays_published(login, published) -> None:  # type: ignore[no-untyped-def]
    client = login("city")
    response = client.post(
        f"/planning/plans/{published.pk}/withdraw/",
        {"version": published.version, "reason": "  "},
        follow=True,
    )
    assert "撤回公示须写明原因" in response.content.decode()
    published.refresh_from_db()
    assert published.status == AnnualPlan.Status.PUBLICITY


def test_withdrawal_through_the_api_and_its_reason_in_the_plans_history(api_as, published) -> None:  # type: ignore[no-untyped-def]
    district = api_as("yongding").post(
        f"/api/v1/plans/{published.pk}/withdraw",
        {"version": published.version, "reason": "不同意"},
        content_type="application/json",
    )
    assert district.status_code == 403
    response = api_as("city").post(
        f"/api/v1/plans/{published.pk}/withdraw",
        {"version": published.version, "reason": "预算调整"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "draft"
    history = api_as("yongding").get(f"/api/v1/plans/{published.pk}").json()["history"]
    assert history[0]["reason"] == "撤回公示：预算调整" and history[0]["by"] == "city"
    again = api_as("city").post(
        f"/api/v1/plans/{published.pk}/withdraw",
        {"version": response.json()["version"], "reason": "再撤一次"},
        content_type="application/json",
    )
    assert again.status_code == 409 and "只有公示中的计划可以撤回" in again.json()["error"]["message"]


def test_an_approved_plan_cannot_be_withdrawn(city, api_as, published) -> None:  # type: ignore[no-untyped-def]
    with clock.pinned(dt.date(2020, 9, 10)):
        approved = services.plan_approve(by=city["city"], plan_id=published.pk, version=published.version)
    response = api_as("city").post(
        f"/api/v1/plans/{published.pk}/withdraw",
        {"version": approved.version, "reason": "太晚了"},
        content_type="application/json",
    )
    assert response.status_code == 409 and "已批准" in response.json()["error"]["message"]
    approved.refresh_from_db()
    assert approved.status == AnnualPlan.Status.APPROVED
