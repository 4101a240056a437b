import pytest

pytestmark = pytest.mark.django_db


def test_children_of_a_district_are_its_streets_in_short_form(api_as) -> None:  # type: ignore[no-untyped-def]
    body = api_as("yongding").get("/api/v1/regions?parent=430802").json()
    names = [item["name"] for item in body["items"]]
    assert "官黎坪街道" in names and "永定街道" in names
    assert body["count"] == len(body["items"]) == 6
    street = next(item for item in body["items"] if item["name"] == "官黎坪街道")
    assert street == {
        "code": "430802004",
        "full_code": "430802004000",
        "name": "官黎坪街道",
        "level": "street",
    }


def test_the_full_code_works_as_well_as_the_short_one(api_as) -> None:  # type: ignore[no-untyped-def]
    client = api_as("city")
    assert (
        client.get("/api/v1/regions?parent=430800000000").json()
        == client.get("/api/v1/regions?parent=430800").json()
    )
    counties = client.get("/api/v1/regions?parent=430800").json()["items"]
    assert [c["code"] for c in counties] == ["430802", "430811", "430821", "430822"]


def test_without_parent_the_top_of_the_tree(api_as) -> None:  # type: ignore[no-untyped-def]
    top = api_as("city").get("/api/v1/regions").json()["items"]
    assert [(r["name"], r["code"], r["level"]) for r in top] == [("中华人民共和国", "000000", "nation")]
    below = api_as("city").get("/api/v1/regions?parent=000000").json()["items"]
    assert [r["name"] for r in below] == ["湖南省"]


def test_unknown_and_malformed_codes_get_the_error_envelope(api_as) -> None:  # type: ignore[no-untyped-def]
    client = api_as("city")
    missing = client.get("/api/v1/regions?parent=439999")
    assert missing.status_code == 404
    assert "439999" in missing.json()["error"]["message"]
    malformed = client.get("/api/v1/regions?parent=43x")
    assert malformed.status_code == 400
    assert malformed.json()["error"]["code"] == "invalid"


def test_regions_need_a_login(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/regions", HTTP_HOST="127.0.0.1")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
