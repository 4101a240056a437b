"""SPEC 5.1's exclusion flags are defined once (estates/rules.py); every place that lists them
reads that definition, so the form, the API, the list filter and eligibility agree."""

from typing import get_type_hints

import pytest

from huanxin.estates.forms import ESTATE_FIELDS
from huanxin.estates.models import Estate
from huanxin.estates.rules import EXCLUSION_FLAGS
from huanxin.estates.services import EstateChanges
from huanxin.planning import rules as planning_rules

pytestmark = pytest.mark.django_db


def test_every_place_that_lists_the_flags_lists_the_same_ones() -> None:
    for flag, label in EXCLUSION_FLAGS.items():
        assert str(Estate._meta.get_field(flag).verbose_name) == str(label)  # type: ignore[union-attr]
        assert flag in ESTATE_FIELDS
        assert get_type_hints(EstateChanges)[flag] is bool
    assert planning_rules.EXCLUSIONS is EXCLUSION_FLAGS
    assert set(planning_rules.EligibilityConfig().exclusions) == set(EXCLUSION_FLAGS)


def test_the_api_reads_and_writes_each_flag(api_as, make_estate) -> None:  # type: ignore[no-untyped-def]
    estate = make_estate("棚改小区")
    client = api_as("yongding")
    for flag in EXCLUSION_FLAGS:
        before = client.get(f"/api/v1/estates/{estate.pk}").json()
        assert before[flag] is False
        response = client.patch(
            f"/api/v1/estates/{estate.pk}",
            {"version": before["version"], flag: True},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        assert response.json()[flag] is True
    estate.refresh_from_db()
    assert all(getattr(estate, flag) for flag in EXCLUSION_FLAGS)
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert set(EXCLUSION_FLAGS) <= set(schema["EstateOut"]["properties"])
    assert schema["EstateOut"]["properties"]["urban_village"]["description"] == "城中村"


def test_the_list_filter_and_the_badges_name_each_flag(login, make_estate) -> None:  # type: ignore[no-untyped-def]
    make_estate("城中村小区", urban_village=True)
    make_estate("普通小区")
    client = login("yongding")
    page = client.get("/estates/?flag=urban_village").content.decode()
    assert "城中村小区" in page and "普通小区" not in page
    assert "城中村</span>" in page
    page = client.get("/estates/?flag=any").content.decode()
    assert "城中村小区" in page and "普通小区" not in page
    for label in EXCLUSION_FLAGS.values():
        assert str(label) in page  # the filter's choices
