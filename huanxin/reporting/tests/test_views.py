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


def test_the_dashboard_reads_any_past_day(login, make_estate, settings) -> None:  # type: ignore[no-untyped-def]
    """An estate registered on 1 Sept is not in the figures of 31 Aug; the day is kept when
    drilling down, and a future day is refused."""
    import datetime as dt

    from huanxin.core import clock

    with clock.pinned(dt.date(2020, 8, 1)):
        make_estate("老街小区", households=40, year_built=1988)
    make_estate("新登记小区", households=60, year_built=1992)  # today: 1 Sept 2020
    client = login("city")
    assert client.get("/").context["summary"]["old_households"] == 100
    before = client.get("/?as_of=2020-08-31")
    assert before.context["summary"]["old_households"] == 40
    page = before.content.decode()
    assert "2020-08-31 当日结束时的情况" in page
    assert 'href="?as_of=2020-08-31&amp;region=430802"' in page  # drilling down keeps the day
    assert client.get("/?as_of=2020-09-02").status_code == 400
    assert client.get("/?as_of=2020-02-30").status_code == 400


def test_a_contractor_asking_for_a_district_without_its_estates_gets_not_found(
    city, make_estate, api_as, login
) -> None:  # type: ignore[no-untyped-def]
    from huanxin.estates.models import EstateTie
    from huanxin.estates.services import estate_tie_add

    estate = make_estate("建工在建小区")  # in 永定区
    builder = city["shigong"]
    estate_tie_add(
        by=city["yongding"],
        estate_id=estate.pk,
        organization=builder.organization,
        kind=EstateTie.Kind.CONTRACTOR,
    )
    builder.__dict__.pop("scope", None)
    contractor = api_as("shigong")
    assert contractor.get("/api/v1/stats/summary?region=430802").status_code == 200
    assert (
        contractor.get("/api/v1/stats/summary?region=430821").status_code == 404
    )  # 慈利县: none of its estates
    page = login("shigong").get("/?region=430821")  # its home is its own projects: no district's figures
    assert page.status_code == 302 and page["Location"] == "/projects/mine/"
    assert api_as("yongding").get("/api/v1/stats/summary?region=430821").status_code == 404
