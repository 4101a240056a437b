"""The home page: the summary of a region node, switching to nodes inside the jurisdiction."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_city_drills_down_to_a_district(login, make_estate) -> None:  # type: ignore[no-untyped-def]
    make_estate("老街小区", households=40, year_built=1988)
    make_estate("零阳小区", community="430821001001", households=70, year_built=1990)
    client = login("city")
    city_page = client.get("/").content.decode()
    assert 'href="?region=430802"' in city_page and 'href="?region=430821"' in city_page
    district = client.get("/?region=430821")
    page = district.content.decode()
    assert "总览 · 慈利县" in page
    assert district.context["summary"]["old_households"] == 70
    assert 'href="?region=430800"' in page  # the way back up


def test_a_district_cannot_switch_outside_its_jurisdiction(login, city) -> None:  # type: ignore[no-untyped-def]
    client = login("yongding")
    assert client.get("/?region=430821").status_code == 404
    assert client.get("/?region=430800").status_code == 404
    assert client.get("/?region=garbage").status_code == 404
    assert client.get("/?region=430802004").status_code == 200
