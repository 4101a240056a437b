"""A reprinted slip shuts out whoever proved the household under the old one: the phone page's
session and the API's resident token alike."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, RequestFactory

from huanxin.residents.services import access_codes_issue, resident_link_for
from huanxin.residents.sessions import resident_household, resident_sign_in

pytestmark = pytest.mark.django_db


def test_a_reprinted_slip_ends_the_sessions_and_tokens_signed_under_the_old_one(city, roster_estate) -> None:  # type: ignore[no-untyped-def]
    codes = dict(access_codes_issue(by=city["shequ"], estate_id=roster_estate.pk))
    household = next(iter(codes))
    link = resident_link_for(roster_estate).token
    token = (
        Client(HTTP_HOST="127.0.0.1")
        .post(
            f"/api/v1/resident/{link}/identify",
            {"household_id": household.pk, "code": codes[household]},
            content_type="application/json",
        )
        .json()["token"]
    )
    resident = Client(HTTP_HOST="127.0.0.1", HTTP_X_RESIDENT_TOKEN=token)
    request = RequestFactory().get("/")
    request.session = SessionStore()
    resident_sign_in(request, household)
    assert resident_household(request, roster_estate) == household
    assert (
        resident.post(
            "/api/v1/resident/consent", {"agree": True}, content_type="application/json"
        ).status_code
        == 204
    )

    other = next(h for h in codes if h != household)
    neighbour = RequestFactory().get("/")
    neighbour.session = SessionStore()
    resident_sign_in(neighbour, other)

    access_codes_issue(by=city["shequ"], estate_id=roster_estate.pk, household_ids=[household.pk])

    assert resident_household(request, roster_estate) is None
    assert (
        resident.post(
            "/api/v1/resident/consent", {"agree": True}, content_type="application/json"
        ).status_code
        == 401
    )
    assert resident_household(neighbour, roster_estate) == other  # a neighbour's slip was not reprinted
