"""The menu: 21 default items, editable by the admin and the city, retired when in use."""

from decimal import Decimal

import pytest

from huanxin.catalog import services
from huanxin.catalog.models import Category, MenuItem
from huanxin.core.errors import NotFound, StaleEdit
from huanxin.estates.models import ConditionAssessment

pytestmark = pytest.mark.django_db


def test_the_default_menu_has_three_categories_and_21_items(city) -> None:  # type: ignore[no-untyped-def]
    items = MenuItem.objects.filter(owner__code="430800000000")
    assert items.count() == 21
    assert {item.category for item in items} == set(Category.values)
    assert items.filter(category=Category.BASIC).count() == 10
    assert items.get(code="I05").min_floors == 4


def test_an_unused_item_is_deleted(city) -> None:  # type: ignore[no-untyped-def]
    item = MenuItem.objects.get(code="E04")
    assert services.menu_item_remove(by=city["city"], item_id=item.pk) == "deleted"
    assert not MenuItem.objects.filter(pk=item.pk).exists()


def test_an_item_in_use_is_retired_not_deleted(city, make_estate) -> None:  # type: ignore[no-untyped-def]
    item = MenuItem.objects.get(code="B02")
    ConditionAssessment.objects.create(estate=make_estate(), item=item, severity="major")
    assert services.menu_item_remove(by=city["city"], item_id=item.pk) == "retired"
    item.refresh_from_db()
    assert item.retired
    assert item.history.first().history_change_reason == "停用（已被引用，不可删除）"


def test_a_district_cannot_edit_the_city_menu(city) -> None:  # type: ignore[no-untyped-def]
    item = MenuItem.objects.get(code="B01")
    with pytest.raises(NotFound):
        services.menu_item_update(
            by=city["yongding"], item_id=item.pk, version=item.version, changes={"name": "x"}
        )


def test_a_stale_menu_edit_is_refused(city) -> None:  # type: ignore[no-untyped-def]
    item = MenuItem.objects.get(code="B01")
    services.menu_item_update(
        by=city["city"], item_id=item.pk, version=item.version, changes={"unit_cost_max": Decimal("3600")}
    )
    with pytest.raises(StaleEdit):
        services.menu_item_update(
            by=city["city"], item_id=item.pk, version=item.version, changes={"name": "y"}
        )
    assert MenuItem.objects.get(pk=item.pk).unit_cost_max == Decimal("3600.00")
