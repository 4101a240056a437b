import pytest

from huanxin.catalog.models import MenuItem

pytestmark = pytest.mark.django_db


def test_every_signed_in_role_reads_the_city_menu(login) -> None:  # type: ignore[no-untyped-def]
    page = login("shequ").get("/catalog/")
    assert page.status_code == 200
    assert "加装电梯" in page.content.decode()
    assert "/catalog/" + str(MenuItem.objects.get(code="I05").pk) + "/edit/" not in page.content.decode()


def test_the_city_edits_an_item_with_its_version(login) -> None:  # type: ignore[no-untyped-def]
    item = MenuItem.objects.get(code="B06")
    client = login("city")
    response = client.post(
        f"/catalog/{item.pk}/edit/",
        {
            "code": "B06",
            "category": "basic",
            "name": "道路修复与硬化（含透水铺装）",
            "unit": "㎡",
            "unit_cost_min": "120",
            "unit_cost_max": "280",
            "min_floors": "",
            "description": "",
            "version": item.version,
        },
    )
    assert response.status_code == 302
    assert MenuItem.objects.get(pk=item.pk).name == "道路修复与硬化（含透水铺装）"


def test_a_district_officer_may_not_open_the_editor(login) -> None:  # type: ignore[no-untyped-def]
    item = MenuItem.objects.get(code="B06")
    assert login("yongding").get(f"/catalog/{item.pk}/edit/").status_code == 403


def test_the_api_lists_active_items(api_as) -> None:  # type: ignore[no-untyped-def]
    body = api_as("yongding").get("/api/v1/catalog?limit=100").json()
    assert body["count"] == 21
    assert body["items"][0]["code"] == "B01"


def test_a_duplicate_code_is_a_form_error_not_a_crash(login) -> None:  # type: ignore[no-untyped-def]
    response = login("city").post(
        "/catalog/new/",
        {
            "code": "B01",
            "category": "basic",
            "name": "重复",
            "unit": "户",
            "unit_cost_min": "",
            "unit_cost_max": "",
            "min_floors": "",
            "description": "",
        },
    )
    assert response.status_code == 200
    assert MenuItem.objects.filter(code="B01").count() == 1
    assert "菜单中已有相同编号的项目" in response.content.decode()


def test_the_administrator_adds_an_item_to_the_city_menu(login) -> None:  # type: ignore[no-untyped-def]
    response = login("admin").post(
        "/catalog/new/",
        {
            "code": "E05",
            "category": "enhancement",
            "name": "海绵设施",
            "unit": "㎡",
            "unit_cost_min": "100",
            "unit_cost_max": "300",
            "min_floors": "",
            "description": "",
        },
    )
    assert response.status_code == 302
    assert MenuItem.objects.get(code="E05").owner.name == "张家界市"


def test_a_retired_item_can_be_brought_back(login) -> None:  # type: ignore[no-untyped-def]
    item = MenuItem.objects.get(code="B06")
    MenuItem.objects.filter(pk=item.pk).update(retired=True)
    item.refresh_from_db()
    data = {
        "code": "B06",
        "category": "basic",
        "name": item.name,
        "unit": "㎡",
        "unit_cost_min": "120",
        "unit_cost_max": "260",
        "min_floors": "",
        "description": "",
        "version": item.version,
    }
    assert login("city").post(f"/catalog/{item.pk}/edit/", data).status_code == 302
    assert not MenuItem.objects.get(pk=item.pk).retired


def test_a_stale_menu_save_offers_a_reload(login) -> None:  # type: ignore[no-untyped-def]
    item = MenuItem.objects.get(code="B06")
    data = {
        "code": "B06",
        "category": "basic",
        "name": "改过",
        "unit": "㎡",
        "unit_cost_min": "120",
        "unit_cost_max": "260",
        "min_floors": "",
        "description": "",
        "version": item.version - 1 or 99,
    }
    page = login("city").post(f"/catalog/{item.pk}/edit/", data).content.decode()
    assert "已被他人修改" in page and "重新载入最新版本" in page
    assert MenuItem.objects.get(pk=item.pk).name != "改过"
