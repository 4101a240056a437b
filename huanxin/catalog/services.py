"""Writes for the renovation menu. Items in use are retired, never deleted."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any, TypedDict

from django.db import transaction
from django.utils.translation import gettext as _

from huanxin.catalog.models import MenuItem
from huanxin.catalog.querysets import menu_editable_by
from huanxin.core.audit import audit_record
from huanxin.core.errors import OutsideJurisdiction
from huanxin.core.http import get_visible_or_404
from huanxin.core.validation import full_clean_or_invalid, stamp_history
from huanxin.core.versioning import bump_version, check_version
from huanxin.regions.models import Region

DEFAULT_MENU = Path(__file__).parent / "data" / "default_menu.csv"


class MenuItemChanges(TypedDict, total=False):
    code: str
    category: str
    name: str
    unit: str
    unit_cost_min: Decimal | None
    unit_cost_max: Decimal | None
    min_floors: int | None
    description: str
    retired: bool


def menu_load_defaults(*, owner: Region) -> int:
    """The 21 default items (DEMO.md) for a region node; existing codes are left as they are."""
    created = 0
    with DEFAULT_MENU.open(encoding="utf-8") as handle, transaction.atomic():
        for row in csv.DictReader(handle):
            _item, was_created = MenuItem.objects.get_or_create(
                owner=owner,
                code=row["code"],
                defaults={
                    "category": row["category"],
                    "name": row["name"],
                    "unit": row["unit"],
                    "unit_cost_min": Decimal(row["unit_cost_min"]),
                    "unit_cost_max": Decimal(row["unit_cost_max"]),
                    "min_floors": int(row["min_floors"]) if row["min_floors"] else None,
                },
            )
            created += was_created
    return created


def menu_item_create(*, by: Any, owner: Region, changes: MenuItemChanges) -> MenuItem:
    with transaction.atomic():
        item = MenuItem(owner=owner, **changes)
        full_clean_or_invalid(item)
        stamp_history(item, by=by, reason="新增菜单项")
        item.save()
        if not menu_editable_by(by).filter(pk=item.pk).exists():
            raise OutsideJurisdiction(_("只能在本辖区的菜单中新增项目"))
        audit_record(action="menu_item.create", actor=by, target=item, region_code=owner.code)
    return item


def menu_item_update(*, by: Any, item_id: int, version: int, changes: MenuItemChanges) -> MenuItem:
    with transaction.atomic():
        item = get_visible_or_404(menu_editable_by(by).select_for_update(of=("self",)), by, pk=item_id)
        check_version(item, version)
        for field, value in changes.items():
            setattr(item, field, value)
        bump_version(item)
        full_clean_or_invalid(item)
        stamp_history(item, by=by, reason="修改菜单项")
        item.save()
    return item


def menu_item_in_use(item: MenuItem) -> bool:
    """Whether any row anywhere refers to the item (history tables aside)."""
    for relation in item._meta.related_objects:
        model = relation.related_model
        if model._meta.app_label == "catalog" or model.__name__.startswith("Historical"):
            continue
        if model._default_manager.filter(**{relation.field.name: item}).exists():
            return True
    return False


def menu_item_remove(*, by: Any, item_id: int) -> str:
    """Delete an unused item; retire one in use so that past records keep their meaning.
    Returns "deleted" or "retired"."""
    with transaction.atomic():
        item = get_visible_or_404(menu_editable_by(by).select_for_update(of=("self",)), by, pk=item_id)
        if menu_item_in_use(item):
            item.retired = True
            bump_version(item)
            stamp_history(item, by=by, reason="停用（已被引用，不可删除）")
            item.save(update_fields=["retired", "version"])
            outcome = "retired"
        else:
            item.delete()
            outcome = "deleted"
        audit_record(action=f"menu_item.{outcome}", actor=by, detail={"code": item.code})
    return outcome
