"""Personal data is never kept by a cache: API answers, pages and downloads say no-store."""

import pytest

pytestmark = pytest.mark.django_db


def test_personal_data_and_downloads_are_not_stored_by_caches(api_as, login, make_estate) -> None:  # type: ignore[no-untyped-def]
    estate = make_estate()
    households = api_as("shequ").get(f"/api/v1/estates/{estate.pk}/households")
    assert households.status_code == 200 and households["Cache-Control"] == "no-store"
    export = login("city").get("/estates/export.xlsx")
    assert export.status_code == 200 and "attachment" in export["Content-Disposition"]
    assert export["Cache-Control"] == "no-store"
    page = login("shequ").get(f"/estates/{estate.pk}/?tab=buildings")
    assert page["Cache-Control"] == "no-store"
    refused = api_as("shequ").get("/api/v1/estates/99999999")
    assert refused.status_code == 404 and refused["Cache-Control"] == "no-store"
