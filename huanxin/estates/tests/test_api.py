"""The estates API: filters shared with the page, constant query counts, versions, scoping."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huanxin.estates.models import Estate

pytestmark = pytest.mark.django_db


def test_list_paginates_with_items_and_count(api_as, make_estate) -> None:  # type: ignore[no-untyped-def]
    for n in range(3):
        make_estate(f"小区{n}")
    body = api_as("yongding").get("/api/v1/estates?limit=2&offset=1").json()
    assert body["count"] == 3
    assert [item["name"] for item in body["items"]] == ["小区1", "小区2"]
    assert body["items"][0]["district"] == "永定区"
    assert body["items"][0]["street"] == "官黎坪街道"


def test_list_query_count_does_not_grow_with_rows(api_as, make_estate) -> None:  # type: ignore[no-untyped-def]
    client = api_as("city")
    client.get("/api/v1/estates")  # the token's first use records itself once

    def queries_for(rows: int) -> int:
        Estate.objects.all().delete()
        for n in range(rows):
            make_estate(f"小区{n}")
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/estates?limit=500").json()["count"] == rows
        return len(captured)

    # The token, the count and one page of rows with their community, street and district.
    assert queries_for(10) == queries_for(100) == 3


def test_the_page_and_the_api_apply_the_same_filters(api_as, login, make_estate) -> None:  # type: ignore[no-untyped-def]
    make_estate("老街小区", year_built=1988)
    make_estate("新城花园", year_built=2008)
    api_names = [e["name"] for e in api_as("yongding").get("/api/v1/estates?old=true").json()["items"]]
    page = login("yongding").get("/estates/?old=true").content.decode()
    assert api_names == ["老街小区"]
    assert "老街小区" in page and "新城花园" not in page


def test_invalid_filters_get_a_400_naming_them(api_as, city) -> None:  # type: ignore[no-untyped-def]
    response = api_as("yongding").get("/api/v1/estates?flag=nonsense")
    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["field"] == "flag"
    assert api_as("yongding").get("/api/v1/estates?year_min=abc").status_code == 400


def test_yongding_sees_nothing_of_cili_by_id_or_by_list(api_as, make_estate) -> None:  # type: ignore[no-untyped-def]
    cili_estate = make_estate("零阳小区", community="430821001001")
    client = api_as("yongding")
    assert client.get("/api/v1/estates").json()["count"] == 0
    assert client.get("/api/v1/estates?region=430821").json()["count"] == 0
    missing = client.get(f"/api/v1/estates/{cili_estate.pk}")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    change = client.patch(
        f"/api/v1/estates/{cili_estate.pk}", {"version": 1, "name": "改名"}, content_type="application/json"
    )
    assert change.status_code == 404
    assert Estate.objects.get(pk=cili_estate.pk).name == "零阳小区"


def test_create_and_update_with_version(api_as, city) -> None:  # type: ignore[no-untyped-def]
    client = api_as("yongding")
    created = client.post(
        "/api/v1/estates",
        {
            "name": "接口小区",
            "region": "430802004001",
            "households": 64,
            "floor_area_m2": "7040.50",
            "year_built": 1997,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    estate = created.json()
    assert estate["code"] == "430802004001-001" and estate["version"] == 1
    updated = client.patch(
        f"/api/v1/estates/{estate['id']}", {"version": 1, "households": 66}, content_type="application/json"
    )
    assert updated.status_code == 200
    assert updated.json()["households"] == 66 and updated.json()["version"] == 2
    stale = client.patch(
        f"/api/v1/estates/{estate['id']}", {"version": 1, "households": 70}, content_type="application/json"
    )
    assert stale.status_code == 409
    assert stale.json()["error"]["message"] == "该小区已被他人修改，请刷新后重试"
    assert Estate.objects.get(pk=estate["id"]).households == 66


def test_bad_input_names_the_field_and_writes_nothing(api_as, city) -> None:  # type: ignore[no-untyped-def]
    client = api_as("yongding")
    outside = client.post(
        "/api/v1/estates",
        {"name": "越界", "region": "430821001001", "households": 1, "floor_area_m2": "1"},
        content_type="application/json",
    )
    assert outside.status_code == 400
    assert outside.json()["error"]["details"][0]["field"] == "region"
    negative = client.post(
        "/api/v1/estates",
        {"name": "负数", "region": "430802004001", "households": -3, "floor_area_m2": "1"},
        content_type="application/json",
    )
    assert negative.status_code == 400
    assert "households" in negative.json()["error"]["details"][0]["field"]
    future = client.post(
        "/api/v1/estates",
        {"name": "未来", "region": "430802004001", "households": 3, "floor_area_m2": "1", "year_built": 3000},
        content_type="application/json",
    )
    assert future.status_code == 400
    assert future.json()["error"]["details"][0]["field"] == "year_built"
    assert not Estate.objects.exists()


def test_roles_without_change_cannot_create(api_as, city) -> None:  # type: ignore[no-untyped-def]
    response = api_as("dianli").post(
        "/api/v1/estates",
        {"name": "x", "region": "430802004001", "households": 1, "floor_area_m2": "1"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_the_owners_committee_sees_only_its_own_estate(api_as, make_estate, city) -> None:  # type: ignore[no-untyped-def]
    from huanxin.accounts.models import Organization
    from huanxin.estates.models import EstateTie

    own = make_estate("市委二号院")
    make_estate("隔壁小区")
    EstateTie.objects.create(
        organization=Organization.objects.get(name="市委二号院业主委员会"),
        estate=own,
        kind="owners_committee",
    )
    names = [e["name"] for e in api_as("yeweihui").get("/api/v1/estates").json()["items"]]
    assert names == ["市委二号院"]


def test_an_unknown_api_path_answers_the_envelope(api_as, city) -> None:  # type: ignore[no-untyped-def]
    response = api_as("yongding").get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_an_unreadable_body_is_a_400_in_chinese(api_as, city) -> None:  # type: ignore[no-untyped-def]
    response = api_as("yongding").post("/api/v1/estates", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.json()["error"]["message"]


def test_a_malformed_region_filter_is_a_400(api_as, city) -> None:  # type: ignore[no-untyped-def]
    response = api_as("yongding").get("/api/v1/estates?region=abc")
    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["field"] == "region"


def test_input_errors_name_the_field_in_chinese(api_as, city) -> None:  # type: ignore[no-untyped-def]
    response = api_as("yongding").post(
        "/api/v1/estates",
        {"name": "x", "region": "430802004001", "households": -1},
        content_type="application/json",
    )
    details = {d["field"]: d["message"] for d in response.json()["error"]["details"]}
    assert details == {"households": "不能小于 0", "floor_area_m2": "必填"}
    listed = api_as("yongding").get("/api/v1/estates?year_min=abc").json()["error"]["details"]
    assert listed == [{"field": "year_min", "message": "应为整数"}]


def test_a_retired_community_takes_no_new_estate_but_keeps_its_own(api_as, make_estate) -> None:  # type: ignore[no-untyped-def]
    from huanxin.regions.models import Region

    kept = make_estate("老社区小区", community="430802004001")
    Region.objects.filter(code="430802004001").update(retired_on="2024-01-01")
    client = api_as("yongding")
    refused = client.post(
        "/api/v1/estates",
        {"name": "新小区", "region": "430802004001", "households": 5, "floor_area_m2": "500"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["details"][0] == {"field": "region", "message": "该社区已撤销"}
    moved = client.patch(
        f"/api/v1/estates/{make_estate('别处小区', community='430802004002').pk}",
        {"version": 1, "region": "430802004001"},
        content_type="application/json",
    )
    assert moved.status_code == 400
    edited = client.patch(
        f"/api/v1/estates/{kept.pk}", {"version": 1, "households": 101}, content_type="application/json"
    )
    assert edited.status_code == 200 and edited.json()["households"] == 101
    assert Estate.objects.count() == 2


def test_after_reads_every_estate_page_by_page_on_the_code_index(api_as, make_estate) -> None:  # type: ignore[no-untyped-def]
    made = sorted(make_estate(f"翻页小区{n}").code for n in range(7))
    client = api_as("yongding")
    seen: list[str] = []
    after = ""
    while True:
        page = client.get("/api/v1/estates", {"limit": 3, **({"after": after} if after else {})})
        assert page.status_code == 200, page.content
        codes = [item["code"] for item in page.json()["items"]]
        if not codes:
            break
        seen += codes
        after = codes[-1]
    assert seen == made
    mixed = client.get("/api/v1/estates", {"after": made[0], "sort": "-households"})
    assert mixed.status_code == 400 and mixed.json()["error"]["details"][0]["field"] == "after"
    malformed = client.get("/api/v1/estates", {"after": "430802' OR 1=1"})
    assert malformed.status_code == 400
