"""No 500 on any input: every number, date and text a request carries is bounded by its schema,
the OpenAPI document states each bound the server enforces, and the inputs that broke the server
once are 400s in the error envelope naming the field."""

from typing import Any

import pytest

from huanxin.api import api

pytestmark = pytest.mark.django_db

BOUNDED_STRING = ("maxLength", "enum", "format", "const", "pattern")


def unbounded(schema: dict[str, Any], where: str, components: dict[str, Any], seen: set[str]) -> list[str]:
    """Every integer or number without both ends, every string without a length or a form, in an
    input schema and the components it refers to."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return []
        seen.add(name)
        return unbounded(components[name], name, components, seen)
    found = []
    for key in ("anyOf", "oneOf", "allOf"):
        for part in schema.get(key, []):
            found += unbounded(part, where, components, seen)
    kind = schema.get("type")
    if kind in ("integer", "number"):
        has_low = "minimum" in schema or "exclusiveMinimum" in schema
        has_high = "maximum" in schema or "exclusiveMaximum" in schema
        if not (has_low and has_high):
            found.append(f"{where} ({kind})")
    if kind == "string" and not any(key in schema for key in BOUNDED_STRING):
        found.append(f"{where} (string)")
    if kind == "array":
        found += unbounded(schema.get("items", {}), f"{where}[]", components, seen)
    for name, part in schema.get("properties", {}).items():
        found += unbounded(part, f"{where}.{name}", components, seen)
    if isinstance(schema.get("additionalProperties"), dict):
        found += unbounded(schema["additionalProperties"], f"{where}{{}}", components, seen)
    return found


def test_every_input_of_the_openapi_document_is_bounded() -> None:
    document = api.get_openapi_schema()
    components = document.get("components", {}).get("schemas", {})
    found: list[str] = []
    seen: set[str] = set()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                found += unbounded(parameter["schema"], f"{where} ?{parameter['name']}", components, seen)
            for content in operation.get("requestBody", {}).get("content", {}).values():
                found += unbounded(content["schema"], f"{where} body", components, seen)
    assert found == []
    assert len(seen) > 20  # the walk reached the request bodies


HUGE = 10**20


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/estates?limit={HUGE}",
        f"/api/v1/estates?offset={HUGE}",
        "/api/v1/estates?limit=0",
        f"/api/v1/estates/{HUGE}",
        f"/api/v1/surveys?estate_id={HUGE}",
        f"/api/v1/projects?contractor={HUGE}",
        "/api/v1/projects?year=1800",
    ],
)
def test_numbers_past_their_bounds_in_a_query_or_a_path_are_400_naming_the_field(api_as, url: str) -> None:
    response = api_as("city").get(url)
    assert response.status_code == 400, response.content
    body = response.json()["error"]
    assert body["code"] and body["details"] and body["details"][0]["field"]


def test_an_estate_update_is_400_naming_each_field_out_of_its_bounds(api_as, make_estate) -> None:  # type: ignore[no-untyped-def]
    estate = make_estate()
    client = api_as("yongding")

    def patch(**fields: Any) -> Any:
        return client.patch(
            f"/api/v1/estates/{estate.pk}",
            {"version": estate.version, **fields},
            content_type="application/json",
        )

    cases: list[tuple[dict[str, Any], str]] = [
        ({"region": None}, "region"),
        ({"year_built": 1800}, "year_built"),
        ({"households": 100_001}, "households"),
        ({"latitude": 60}, "latitude"),  # north of China
        ({"longitude": -120}, "longitude"),
        ({"notes": "记" * 100_000}, "notes"),
        ({"floor_area_m2": 1e30}, "floor_area_m2"),
        ({"name": "  "}, "name"),
        ({"name": "市委\u202e院"}, "name"),
    ]
    for fields, field in cases:
        response = patch(**fields)
        assert response.status_code == 400, (fields, response.content)
        assert response.json()["error"]["details"][0]["field"] == field
    message = patch(name="市委\u202e院").json()["error"]["details"][0]["message"]
    assert "不可见字符（U+202E）" in message
    estate.refresh_from_db()
    assert estate.name == "测试小区" and estate.version == 1  # nothing changed


def test_a_survey_naming_a_20_digit_item_is_400(api_as, make_estate) -> None:  # type: ignore[no-untyped-def]
    estate = make_estate()
    response = api_as("yongding").post(
        "/api/v1/surveys",
        {
            "estate_id": estate.pk,
            "title": "需求调查",
            "opens_on": "2020-09-01",
            "closes_on": "2020-09-10",
            "item_ids": [HUGE],
        },
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["error"]["details"][0]["field"].startswith(
        "item_ids"
    )


@pytest.mark.parametrize("cost", [5e-324, 1e308])
def test_the_optimizer_refuses_a_denormal_or_huge_cost(api_as, cost: float) -> None:  # type: ignore[no-untyped-def]
    response = api_as("city").post(
        "/api/v1/planning/optimize",
        {
            "budget_yuan": 1_000_000,
            "candidates": [
                {"id": 1, "district": "永定区", "cost_yuan": cost, "households": 10, "priority": 1}
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["field"] == "candidates.0.cost_yuan"


def test_free_text_loses_its_control_characters_on_the_way_in(api_as, make_estate) -> None:  # type: ignore[no-untyped-def]
    estate = make_estate()
    response = api_as("yongding").patch(
        f"/api/v1/estates/{estate.pk}",
        {"version": estate.version, "notes": "第一行\x0b\n第二行\x01"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    estate.refresh_from_db()
    assert estate.notes == "第一行\n第二行"


def test_a_body_past_the_upload_limit_and_an_unknown_path_answer_in_the_envelope(api_as, make_estate) -> None:  # type: ignore[no-untyped-def]
    estate = make_estate()
    huge = api_as("yongding").patch(
        f"/api/v1/estates/{estate.pk}",
        {"version": estate.version, "notes": "记" * 1_000_000},  # 3 MB
        content_type="application/json",
    )
    assert huge.status_code == 400 and huge.json()["error"]["code"] == "invalid"
    missing = api_as("yongding").get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    wrong_method = api_as("yongding").delete(f"/api/v1/estates/{estate.pk}")
    assert wrong_method.status_code == 405 and "error" in wrong_method.json()
    malformed = api_as("yongding").patch(f"/api/v1/estates/{estate.pk}", "{", content_type="application/json")
    assert malformed.status_code == 400 and "JSON" in malformed.json()["error"]["message"]


def test_no_two_schemas_of_the_document_share_a_name() -> None:
    """Two classes named alike become one component, and one of them is then described wrong."""
    from collections import defaultdict

    from ninja import Schema

    modules: dict[str, set[str]] = defaultdict(set)
    pending = list(Schema.__subclasses__())
    while pending:
        schema = pending.pop()
        pending += schema.__subclasses__()
        if schema.__module__.startswith("huanxin."):
            modules[schema.__name__].add(schema.__module__)
    assert {name: found for name, found in modules.items() if len(found) > 1 and name != "Input"} == {}
