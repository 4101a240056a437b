"""The survey API for staff, and the resident flow through the API with the same identity checks."""

import pytest
from django.test import Client

from huanxin.catalog.models import MenuItem
from huanxin.estates.models import Household
from huanxin.residents.services import access_codes_issue, resident_link_for

pytestmark = pytest.mark.django_db


def test_the_roster_is_masked_for_roles_that_do_not_need_it(api_as, roster_estate) -> None:  # type: ignore[no-untyped-def]
    household = Household.objects.filter(estate=roster_estate).earliest("pk")
    full = api_as("shequ").get(f"/api/v1/estates/{roster_estate.pk}/households?limit=100").json()
    assert full["count"] == 12
    assert full["items"][0]["owner_phone"] == household.owner_phone
    masked = api_as("dianli").get(f"/api/v1/estates/{roster_estate.pk}/households?limit=100").json()
    assert (
        masked["items"][0]["owner_phone"] == household.owner_phone[:3] + "****" + household.owner_phone[-4:]
    )
    assert api_as("cili").get(f"/api/v1/estates/{roster_estate.pk}/households").status_code == 404


def test_staff_create_a_round_enter_a_paper_answer_and_read_the_tally(api_as, roster_estate) -> None:  # type: ignore[no-untyped-def]
    client = api_as("shequ")
    items = [MenuItem.objects.get(code=code).pk for code in ("B02", "B06")]
    created = client.post(
        "/api/v1/surveys",
        {
            "estate_id": roster_estate.pk,
            "title": "意愿调查",
            "opens_on": "2020-08-20",
            "closes_on": "2020-09-30",
            "item_ids": items,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    round_id = created.json()["id"]
    assert created.json()["status"] == "open"
    household = Household.objects.filter(estate=roster_estate).earliest("pk")
    answer = client.post(
        f"/api/v1/surveys/{round_id}/answers",
        {"household_id": household.pk, "consent_given": True, "agrees": True, "first_need": items[0]},
        content_type="application/json",
    )
    assert answer.status_code == 201 and answer.json()["channel"] == "paper"
    tally = client.get(f"/api/v1/surveys/{round_id}/tally").json()
    assert (tally["agree"], tally["households_total"], tally["agreement_all"]) == (1, 12, 0.0833)
    assert tally["items"] == [{"code": "B02", "first_choice": 1, "mentions": 1}]
    answers = client.get(f"/api/v1/surveys/{round_id}/answers").json()
    assert answers["count"] == 1 and answers["items"][0]["owner_name"] == household.owner_name
    assert api_as("yongding").get(f"/api/v1/surveys?estate_id={roster_estate.pk}").json()["count"] == 1
    assert api_as("cili").get(f"/api/v1/surveys/{round_id}/tally").status_code == 404
    assert api_as("dianli").get(f"/api/v1/surveys/{round_id}/tally").status_code == 403


def test_the_resident_flow_through_the_api(city, open_round) -> None:  # type: ignore[no-untyped-def]
    estate = open_round.estate
    codes = dict(access_codes_issue(by=city["shequ"], estate_id=estate.pk))
    household = next(iter(codes))
    link = resident_link_for(estate).token
    client = Client(HTTP_HOST="127.0.0.1")
    choices = client.get(f"/api/v1/resident/{link}/households").json()
    assert len(choices) == 12 and "owner_name" not in choices[0]
    refused = client.post(
        f"/api/v1/resident/{link}/identify",
        {"household_id": household.pk, "code": "AAAAAAAA"},
        content_type="application/json",
    )
    assert refused.status_code == 409 and "验证码不正确" in refused.json()["error"]["message"]
    identified = client.post(
        f"/api/v1/resident/{link}/identify",
        {"household_id": household.pk, "code": codes[household]},
        content_type="application/json",
    ).json()
    assert identified["consented"] is False
    resident = Client(HTTP_HOST="127.0.0.1", HTTP_X_RESIDENT_TOKEN=identified["token"])
    no_consent = resident.post(
        "/api/v1/resident/survey/answer", {"agrees": True}, content_type="application/json"
    )
    assert no_consent.status_code == 409
    assert (
        resident.post(
            "/api/v1/resident/consent", {"agree": True}, content_type="application/json"
        ).status_code
        == 204
    )
    answered = resident.post(
        "/api/v1/resident/survey/answer", {"agrees": True}, content_type="application/json"
    )
    assert answered.status_code == 201 and answered.json()["channel"] == "resident"
    mine = resident.get("/api/v1/resident/survey").json()
    assert mine["round"]["id"] == open_round.pk and mine["answer"]["agrees"] is True
    forged = Client(HTTP_HOST="127.0.0.1", HTTP_X_RESIDENT_TOKEN=identified["token"] + "x")
    assert forged.get("/api/v1/resident/survey").status_code == 401


def test_rounds_close_and_extend_through_the_api(api_as, open_round) -> None:  # type: ignore[no-untyped-def]
    client = api_as("shequ")
    extended = client.post(
        f"/api/v1/surveys/{open_round.pk}/extend",
        {"version": open_round.version, "closes_on": "2020-10-31"},
        content_type="application/json",
    )
    assert extended.status_code == 200 and extended.json()["closes_on"] == "2020-10-31"
    stale = client.post(
        f"/api/v1/surveys/{open_round.pk}/close",
        {"version": open_round.version},
        content_type="application/json",
    )
    assert stale.status_code == 409
    closed = client.post(
        f"/api/v1/surveys/{open_round.pk}/close",
        {"version": extended.json()["version"]},
        content_type="application/json",
    )
    assert closed.json()["status"] == "closed"
    assert (
        api_as("dianli")
        .post(f"/api/v1/surveys/{open_round.pk}/close", {"version": 9}, content_type="application/json")
        .status_code
        == 403
    )


def test_a_resident_withdraws_consent_and_can_no_longer_answer_online(city, open_round) -> None:  # type: ignore[no-untyped-def]
    from huanxin.residents.api import resident_token
    from huanxin.residents.services import consent_record

    household = Household.objects.filter(estate=open_round.estate).earliest("pk")
    consent_record(household=household)
    resident = Client(HTTP_HOST="127.0.0.1", HTTP_X_RESIDENT_TOKEN=resident_token(household))
    assert (
        resident.post(
            "/api/v1/resident/survey/answer", {"agrees": True}, content_type="application/json"
        ).status_code
        == 201
    )
    assert resident.delete("/api/v1/resident/consent").status_code == 204
    refused = resident.post(
        "/api/v1/resident/survey/answer", {"agrees": False}, content_type="application/json"
    )
    assert refused.status_code == 409 and "个人信息告知书" in refused.json()["error"]["message"]
