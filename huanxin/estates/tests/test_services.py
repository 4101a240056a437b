"""Writes to the registry: codes, versions, jurisdiction after the write, history, audit."""

from decimal import Decimal

import pytest

from huanxin.core.errors import Invalid, NotFound, OutsideJurisdiction, StaleEdit
from huanxin.core.models import AuditEvent
from huanxin.estates import services
from huanxin.estates.models import Estate
from huanxin.regions.models import Region

pytestmark = pytest.mark.django_db


def test_codes_are_the_community_code_and_the_next_serial(make_estate) -> None:  # type: ignore[no-untyped-def]
    first = make_estate("甲小区")
    second = make_estate("乙小区")
    assert first.code == "430802004001-001"
    assert second.code == "430802004001-002"


def test_an_estate_must_belong_to_a_community(city) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Invalid):
        services.estate_create(
            by=city["yongding"],
            changes={
                "name": "x",
                "region": Region.objects.get(code="430802004000"),
                "households": 1,
                "floor_area_m2": Decimal(1),
            },
        )


def test_a_district_cannot_create_an_estate_in_another_district(city) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(OutsideJurisdiction):
        services.estate_create(
            by=city["yongding"],
            changes={
                "name": "越界小区",
                "region": Region.objects.get(code="430821001001"),
                "households": 10,
                "floor_area_m2": Decimal(100),
            },
        )
    assert not Estate.objects.filter(name="越界小区").exists()


def test_an_edit_bumps_the_version_and_keeps_history_with_who(city, make_estate) -> None:  # type: ignore[no-untyped-def]
    estate = make_estate()
    updated = services.estate_update(
        by=city["yongding"], estate_id=estate.pk, version=estate.version, changes={"households": 120}
    )
    assert updated.version == estate.version + 1
    newest = updated.history.first()
    assert newest.households == 120
    assert newest.history_change_reason == "编辑小区信息"
    assert AuditEvent.objects.filter(action="estate.update", object_id=str(estate.pk)).exists()


def test_a_stale_edit_is_refused_and_changes_nothing(city, make_estate) -> None:  # type: ignore[no-untyped-def]
    estate = make_estate()
    services.estate_update(
        by=city["yongding"], estate_id=estate.pk, version=estate.version, changes={"households": 90}
    )
    with pytest.raises(StaleEdit) as refused:
        services.estate_update(
            by=city["guanliping"], estate_id=estate.pk, version=estate.version, changes={"households": 80}
        )
    assert "已被他人修改" in refused.value.message
    assert Estate.objects.get(pk=estate.pk).households == 90


def test_an_estate_cannot_be_moved_out_of_the_jurisdiction(city, make_estate) -> None:  # type: ignore[no-untyped-def]
    estate = make_estate()
    with pytest.raises(OutsideJurisdiction):
        services.estate_update(
            by=city["yongding"],
            estate_id=estate.pk,
            version=estate.version,
            changes={"region": Region.objects.get(code="430821001001")},
        )
    assert Estate.objects.get(pk=estate.pk).region.code == "430802004001"


def test_yongding_cannot_change_a_cili_estate(city, make_estate) -> None:  # type: ignore[no-untyped-def]
    estate = make_estate(community="430821001001")
    with pytest.raises(NotFound):
        services.estate_update(
            by=city["yongding"], estate_id=estate.pk, version=estate.version, changes={"name": "x"}
        )


def test_a_community_worker_edits_facts_only_in_their_community(city, make_estate) -> None:  # type: ignore[no-untyped-def]
    own = make_estate(community="430802004001")
    other = make_estate(community="430802004002")
    services.estate_update(
        by=city["shequ"], estate_id=own.pk, version=own.version, changes={"notes": "已入户核实"}
    )
    with pytest.raises(NotFound):
        services.estate_update(
            by=city["shequ"], estate_id=other.pk, version=other.version, changes={"notes": "x"}
        )


def test_the_assessment_records_each_item_and_guards_the_version(city, make_estate) -> None:  # type: ignore[no-untyped-def]
    from huanxin.catalog.models import MenuItem

    estate = make_estate()
    roads = MenuItem.objects.get(code="B06")
    services.assessment_set(
        by=city["shequ"],
        estate_id=estate.pk,
        version=estate.version,
        entries={roads.pk: ("hazardous", "路面塌陷")},
    )
    assert estate.assessments.get(item=roads).severity == "hazardous"
    with pytest.raises(StaleEdit):
        services.assessment_set(
            by=city["shequ"], estate_id=estate.pk, version=estate.version, entries={roads.pk: ("none", "")}
        )
    with pytest.raises(Invalid):
        services.assessment_set(
            by=city["shequ"],
            estate_id=estate.pk,
            version=estate.version + 1,
            entries={roads.pk: ("terrible", "")},
        )


def test_the_service_refuses_counted_figures_from_a_community_worker(city, make_estate) -> None:  # type: ignore[no-untyped-def]
    from huanxin.core.errors import Forbidden

    estate = make_estate()
    with pytest.raises(Forbidden) as refused:
        services.estate_update(
            by=city["shequ"], estate_id=estate.pk, version=estate.version, changes={"households": 999}
        )
    assert "户数" in refused.value.message
