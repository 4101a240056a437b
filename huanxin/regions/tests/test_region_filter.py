"""The region filter of the list pages: the user's own districts, streets and communities by name,
bounded to two levels below the user's node, still taking a code from the URL."""

import re

import pytest

from huanxin.regions.filters import region_groups
from huanxin.regions.models import Region

pytestmark = pytest.mark.django_db

LIST_PAGES = ["/estates/", "/surveys/", "/planning/pool/", "/projects/"]


def region_select(page: str) -> str:
    match = re.search(r'<select[^>]*id="id_region".*?</select>', page, flags=re.S)
    assert match, "no region dropdown"
    return match.group(0)


def test_the_city_chooses_districts_and_streets_by_name_not_communities(login, city) -> None:  # type: ignore[no-untyped-def]
    select = region_select(login("city").get("/estates/").content.decode())
    assert '<optgroup label="永定区">' in select and '<optgroup label="慈利县">' in select
    assert '<option value="430802">永定区（全部）</option>' in select
    assert '<option value="430802004">官黎坪街道</option>' in select
    assert "官黎坪居委会" not in select  # communities only from the district down
    streets = Region.objects.filter(level__in=["county", "street"]).count()
    assert select.count("<option") == streets + 1  # and "全部辖区"


def test_a_district_chooses_its_own_streets_and_communities(login, city) -> None:  # type: ignore[no-untyped-def]
    select = region_select(login("yongding").get("/estates/").content.decode())
    assert '<optgroup label="官黎坪街道">' in select
    assert '<option value="430802004001">官黎坪居委会</option>' in select
    assert "慈利" not in select


def test_a_bookmarked_community_code_still_filters_and_shows_its_name(login, make_estate) -> None:  # type: ignore[no-untyped-def]
    make_estate("官黎坪小区", community="430802004001")
    make_estate("零阳小区", community="430821001001")
    page = login("city").get("/estates/?region=430802004001").content.decode()
    assert "官黎坪小区" in page and "零阳小区" not in page
    assert '<option value="430802004001" selected>官黎坪居委会</option>' in region_select(page)
    page = login("city").get("/estates/?region=430802").content.decode()
    assert '<option value="430802" selected>永定区（全部）</option>' in region_select(page)


def test_every_list_page_offers_the_same_dropdown_and_filters_by_it(login, open_round, make_estate) -> None:  # type: ignore[no-untyped-def]
    client = login("city")
    for url in LIST_PAGES:
        assert '<option value="430802004">官黎坪街道</option>' in region_select(
            client.get(url).content.decode()
        ), url
    assert open_round.title in client.get("/surveys/?region=430802").content.decode()
    assert open_round.title not in client.get("/surveys/?region=430821").content.decode()
    assert client.get("/projects/?region=nonsense").status_code == 200


def test_the_dropdown_stays_bounded_for_everyone(city) -> None:  # type: ignore[no-untyped-def]
    communities = {region.short_code for region in Region.objects.filter(level="community")}
    for name in ("admin", "city"):  # one province and one city: districts and streets
        offered = {option.value for group in region_groups(city[name]) for option in group.options}
        assert offered and not offered & communities, name
    assert region_groups(city["shequ"]) == []  # a community's worker has nothing below to choose
    assert region_groups(city["yeweihui"]) == []
