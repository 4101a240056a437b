"""The estate pages: list with filters and totals, detail tabs, edit with versions, masking."""

import pytest

from huanxin.estates.models import Estate, Household

pytestmark = pytest.mark.django_db


@pytest.fixture
def estates(make_estate):  # type: ignore[no-untyped-def]
    return {
        "old": make_estate("老街小区", year_built=1988, households=40),
        "newer": make_estate("新城花园", year_built=2008, households=300),
        "cili": make_estate("零阳小区", community="430821001001", households=70),
    }


def test_the_list_shows_only_the_jurisdiction_with_totals(login, estates) -> None:  # type: ignore[no-untyped-def]
    page = login("yongding").get("/estates/").content.decode()
    assert "老街小区" in page and "新城花园" in page
    assert "零阳小区" not in page
    assert "合计 2 个小区" in page
    assert "340" in page  # 40 + 300 households


def test_filters_live_in_the_url(login, estates) -> None:  # type: ignore[no-untyped-def]
    client = login("city")
    page = client.get("/estates/?old=true").content.decode()
    assert "老街小区" in page and "新城花园" not in page
    page = client.get("/estates/?q=零阳").content.decode()
    assert "零阳小区" in page and "老街小区" not in page
    page = client.get("/estates/?region=430821").content.decode()
    assert "零阳小区" in page and "老街小区" not in page
    page = client.get("/estates/?households_min=100").content.decode()
    assert "新城花园" in page and "老街小区" not in page


def test_an_empty_list_says_what_to_do(login, city) -> None:  # type: ignore[no-untyped-def]
    assert "没有符合条件的小区" in login("yongding").get("/estates/").content.decode()


def test_a_cili_estate_is_a_404_for_yongding(login, estates) -> None:  # type: ignore[no-untyped-def]
    client = login("yongding")
    assert client.get(f"/estates/{estates['cili'].pk}/").status_code == 404
    assert client.get(f"/estates/{estates['cili'].pk}/edit/").status_code == 404
    assert client.get("/estates/999999/").status_code == 404


def test_each_tab_of_the_detail_page_opens(login, estates) -> None:  # type: ignore[no-untyped-def]
    client = login("yongding")
    for tab in ("info", "buildings", "assessment", "history"):
        page = client.get(f"/estates/{estates['old'].pk}/?tab={tab}")
        assert page.status_code == 200, tab
    assert "屋面防水" in client.get(f"/estates/{estates['old'].pk}/?tab=assessment").content.decode()


def test_an_edit_is_saved_and_appears_in_the_history(login, estates) -> None:  # type: ignore[no-untyped-def]
    estate = estates["old"]
    client = login("yongding")
    form = client.get(f"/estates/{estate.pk}/edit/").context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "households": 44,
            "version": estate.version,
            "region": estate.region_id,
            "management_mode": "none",
            "name": "老街小区",
        }
    )
    response = client.post(f"/estates/{estate.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    history = client.get(f"/estates/{estate.pk}/?tab=history").content.decode()
    assert "户数" in history and "40" in history and "44" in history
    assert "永定区住建局 李科长" in history


def test_a_stale_edit_says_so_and_offers_a_reload(login, estates) -> None:  # type: ignore[no-untyped-def]
    estate = estates["old"]
    Estate.objects.filter(pk=estate.pk).update(version=estate.version + 1)
    response = login("yongding").post(
        f"/estates/{estate.pk}/edit/",
        {
            "name": "老街小区",
            "region": estate.region_id,
            "households": 41,
            "floor_area_m2": "100",
            "management_mode": "none",
            "version": estate.version,
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "该小区已被他人修改，请刷新后重试" in page
    assert "重新载入最新版本" in page
    assert Estate.objects.get(pk=estate.pk).households == 40


def test_names_and_phones_are_masked_for_a_department_liaison(login, estates) -> None:  # type: ignore[no-untyped-def]
    estate = estates["old"]
    building = estate.buildings.create(name="1栋", floors=6)
    Household.objects.create(
        estate=estate, building=building, unit="1", room="101", owner_name="张建国", owner_phone="13812345678"
    )
    masked = login("dianli").get(f"/estates/{estate.pk}/?tab=buildings").content.decode()
    assert "张**" in masked and "138****5678" in masked and "13812345678" not in masked
    unmasked = login("shequ").get(f"/estates/{estate.pk}/?tab=buildings").content.decode()
    assert "张建国" in unmasked and "13812345678" in unmasked


def test_a_community_worker_cannot_open_the_create_form(login, city) -> None:  # type: ignore[no-untyped-def]
    assert login("shequ").get("/estates/new/").status_code == 403


def test_a_community_worker_corrects_facts_but_not_the_counted_figures(login, estates) -> None:  # type: ignore[no-untyped-def]
    estate = estates["old"]
    client = login("shequ")
    form = client.get(f"/estates/{estate.pk}/edit/").context["form"]
    assert form.fields["households"].disabled and not form.fields["notes"].disabled
    data = {
        "name": "改名",
        "region": estate.region_id,
        "households": 999,
        "floor_area_m2": "1",
        "notes": "已入户核实",
        "management_mode": "community_custody",
        "version": estate.version,
    }
    assert client.post(f"/estates/{estate.pk}/edit/", data).status_code == 302
    estate.refresh_from_db()
    assert (estate.name, estate.households, estate.notes) == ("老街小区", 40, "已入户核实")
    assert estate.management_mode == "community_custody"


def test_a_garbage_version_on_the_assessment_is_refused_as_stale(login, estates) -> None:  # type: ignore[no-untyped-def]
    response = login("yongding").post(
        f"/estates/{estates['old'].pk}/assessment/", {"version": "abc"}, follow=True
    )
    assert response.status_code == 200
    assert "已被他人修改" in response.content.decode()


def test_the_buildings_tab_of_a_past_day_shows_the_buildings_and_roster_recorded_by_then(  # type: ignore[no-untyped-def]
    login, city, estates, settings
) -> None:
    import datetime as dt

    from huanxin.core import clock
    from huanxin.estates.services import buildings_add, household_roster_add

    estate, community = estates["old"], city["shequ"]
    facts = {"floors": 6, "units": 2, "households": 24, "structure": "砖混", "year_built": 1988}
    with clock.pinned(dt.date(2020, 9, 10)):
        buildings_add(by=community, estate_id=estate.pk, buildings=[{"name": "1栋", **facts}])  # type: ignore[typeddict-item]
    with clock.pinned(dt.date(2020, 9, 20)):
        household_roster_add(
            by=community,
            estate_id=estate.pk,
            rows=[
                {
                    "building": "1栋",
                    "unit": "1",
                    "room": "101",
                    "owner_name": "张建国",
                    "owner_phone": "13812345678",
                }
            ],
        )
        buildings_add(by=community, estate_id=estate.pk, buildings=[{"name": "2栋", **facts}])  # type: ignore[typeddict-item]
    settings.HUANXIN_TODAY = "2020-10-01"
    client = login("shequ")

    def tab(day: str) -> tuple[list[str], list[str]]:
        context = client.get(f"/estates/{estate.pk}/?tab=buildings&as_of={day}").context
        return [b.name for b in context["buildings"]], [h["address"] for h in context["households"]]

    assert tab("2020-09-09") == ([], [])
    assert tab("2020-09-10") == (["1栋"], [])
    assert tab("2020-09-20") == (["1栋", "2栋"], ["1栋1单元101"])
    live = client.get(f"/estates/{estate.pk}/?tab=buildings").context
    assert [h["name"] for h in live["households"]] == ["张建国"]


@pytest.mark.parametrize(("name", "error"), [("   ", "这个字段是必填项"), ("老街\u202e小区", "U+202E")])
def test_the_edit_page_refuses_a_blank_name_or_one_with_an_invisible_character(  # type: ignore[no-untyped-def]
    login, estates, name: str, error: str
) -> None:
    estate = estates["old"]
    response = login("yongding").post(
        f"/estates/{estate.pk}/edit/",
        {
            "name": name,
            "region": estate.region_id,
            "households": 41,
            "floor_area_m2": "100",
            "management_mode": "none",
            "notes": "楼道\x0b漏水",
            "version": estate.version,
        },
    )
    assert response.status_code == 200 and error in response.content.decode()
    estate.refresh_from_db()
    assert estate.name == "老街小区" and estate.households == 40


def test_control_characters_never_reach_a_stored_row(login, estates) -> None:  # type: ignore[no-untyped-def]
    estate = estates["old"]
    login("yongding").post(
        f"/estates/{estate.pk}/edit/",
        {
            "name": "老街小区",
            "region": estate.region_id,
            "households": 41,
            "floor_area_m2": "100",
            "management_mode": "none",
            "notes": "楼道\x0b漏水\n第二行\x01",
            "version": estate.version,
        },
    )
    estate.refresh_from_db()
    assert estate.households == 41 and estate.notes == "楼道漏水\n第二行"


def test_exports_write_whatever_old_data_holds(login, estates) -> None:  # type: ignore[no-untyped-def]
    """A name stored before input was cleaned (here written past every edge) breaks no export."""
    import io

    from openpyxl import load_workbook

    Estate.objects.filter(pk=estates["old"].pk).update(name="老街\x01小区", notes="=HYPERLINK(\x0b)")
    client = login("city")
    workbook = client.get("/estates/export.xlsx")
    assert workbook.status_code == 200
    cells = [
        cell
        for row in load_workbook(io.BytesIO(workbook.content)).active.iter_rows(values_only=True)
        for cell in row
    ]
    assert "老街小区" in cells and "=HYPERLINK()" in cells  # as text, not a formula
    csv = client.get("/estates/export.csv")
    assert csv.status_code == 200 and "老街小区" in csv.content.decode("utf-8-sig")
