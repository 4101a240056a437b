"""A community imports its household roster: new households added, changes updated, errors all
at once and nothing written."""

import io
from typing import Any

import pytest

from huanxin.estates.models import Household
from huanxin.estates.tests.ledger_files import csv_bytes, xlsx

pytestmark = pytest.mark.django_db

HEADER: list[Any] = ["楼号", "单元", "房号", "建筑面积（㎡）", "户主", "手机号"]


def upload(client, estate, content: bytes, name: str = "名册.xlsx"):  # type: ignore[no-untyped-def]
    file = io.BytesIO(content)
    file.name = name
    return client.post(f"/estates/{estate.pk}/roster/", {"file": file}, follow=True)


def test_a_roster_adds_households_and_buildings(login, make_estate) -> None:  # type: ignore[no-untyped-def]
    estate = make_estate("老街小区", households=3)
    rows = [
        HEADER,
        [1, "1单元", "101室", 78.5, "张建国", "13812345678"],
        [1, 1, 102, "80㎡", "李秀英", ""],
        ["2号楼", 1, 201, "", "", ""],
    ]
    page = upload(login("shequ"), estate, xlsx(rows, title="老街小区住户名册")).content.decode()
    assert "新增 3 户" in page
    households = {(h.building.name, h.unit, h.room): h for h in Household.objects.filter(estate=estate)}
    assert set(households) == {("1栋", "1", "101"), ("1栋", "1", "102"), ("2号楼", "1", "201")}
    assert households[("1栋", "1", "101")].owner_phone == "13812345678"
    assert str(households[("1栋", "1", "102")].floor_area_m2) == "80.00"
    assert households[("1栋", "1", "101")].history.get().history_change_reason == "导入住户名册"


def test_importing_again_updates_only_what_changed(login, make_estate) -> None:  # type: ignore[no-untyped-def]
    estate = make_estate("老街小区", households=2)
    client = login("shequ")
    upload(
        client,
        estate,
        csv_bytes([HEADER, [1, 1, 101, 78.5, "张建国", "13812345678"], [1, 1, 102, 80, "李秀英", ""]]),
        "名册.csv",
    )
    page = upload(
        client,
        estate,
        csv_bytes([HEADER, [1, 1, 101, 78.5, "张建国", "13900000000"], [1, 1, 102, 80, "李秀英", ""]]),
        "名册.csv",
    ).content.decode()
    assert "新增 0 户，更新 1 户，1 户无变化" in page
    assert Household.objects.get(room="101").owner_phone == "13900000000"


def test_errors_are_listed_and_nothing_is_written(login, make_estate) -> None:  # type: ignore[no-untyped-def]
    estate = make_estate("老街小区")
    rows = [
        HEADER,
        [1, 1, 101, 78.5, "张建国", "12345"],
        ["", 1, 102, 80, "李秀英", ""],
        [1, 1, 103, 60, "王芳", ""],
        [1, 1, 103, 60, "重复", ""],
    ]
    response = upload(login("shequ"), estate, xlsx(rows))
    page = response.content.decode()
    assert response.status_code == 400
    assert "电话号码格式不正确" in page and "必填项为空" in page and "与第4行是同一户" in page
    assert not Household.objects.exists()


def test_a_roster_over_its_own_size_limit_is_refused_naming_the_limit(login, make_estate, settings) -> None:  # type: ignore[no-untyped-def]
    estate = make_estate("老街小区")
    content = xlsx([HEADER, *([1, 1, 100 + n, 78.5, "张建国", ""] for n in range(200))])
    settings.HUANXIN_IMPORT_MAX_BYTES = 50 * 2**20  # the ledger's limit does not apply to a roster
    settings.HUANXIN_ROSTER_MAX_BYTES = len(content) - 1
    response = upload(login("shequ"), estate, content)
    assert response.status_code == 400
    assert "住户名册文件过大" in response.content.decode() and "上限为" in response.content.decode()
    assert not Household.objects.exists()
    settings.HUANXIN_ROSTER_MAX_BYTES = 2**20
    response = upload(login("shequ"), estate, content)
    assert Household.objects.count() == 200


def test_the_size_message_names_the_limit_in_megabytes() -> None:
    from huanxin.core.errors import Invalid
    from huanxin.estates.services import roster_size_check

    with pytest.raises(Invalid) as refused:
        roster_size_check(6 * 2**20)
    assert refused.value.message == "住户名册文件过大（6.0 MB），上限为 5 MB，请分批导入或删去无关的工作表"


def test_a_department_cannot_import_a_roster(login, make_estate) -> None:  # type: ignore[no-untyped-def]
    estate = make_estate("老街小区")
    assert upload(login("dianli"), estate, xlsx([HEADER, [1, 1, 101, 78.5, "张建国", ""]])).status_code == 403


def test_a_community_worker_enters_one_household_by_hand(login, make_estate) -> None:  # type: ignore[no-untyped-def]
    estate = make_estate("老街小区")
    client = login("shequ")
    page = client.post(
        f"/estates/{estate.pk}/households/new/",
        {
            "building": "3栋",
            "unit": "2",
            "room": "301",
            "floor_area_m2": "76.5",
            "owner_name": "赵敏",
            "owner_phone": "13912345678",
        },
        follow=True,
    )
    assert "已录入该户" in page.content.decode()
    household = Household.objects.get(estate=estate)
    assert (household.building.name, household.unit, household.room) == ("3栋", "2", "301")
    bad = client.post(
        f"/estates/{estate.pk}/households/new/",
        {"building": "3栋", "unit": "2", "room": "302", "owner_phone": "12"},
        follow=True,
    )
    assert "电话号码格式不正确" in bad.content.decode()
    assert Household.objects.count() == 1


def test_a_household_entered_by_hand_is_spelled_as_the_import_spells_it(login, make_estate) -> None:  # type: ignore[no-untyped-def]
    estate = make_estate("老街小区")
    client = login("shequ")
    client.post(f"/estates/{estate.pk}/households/new/", {"building": "3", "unit": "2单元", "room": "301室"})
    upload(client, estate, xlsx([HEADER, [3, 2, 302, 70, "钱芳", ""]]))
    assert sorted((h.building.name, h.unit, h.room) for h in Household.objects.filter(estate=estate)) == [
        ("3栋", "2", "301"),
        ("3栋", "2", "302"),
    ]
    assert estate.buildings.count() == 1
