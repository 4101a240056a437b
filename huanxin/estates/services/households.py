"""Households: the roster entered by hand, one by one or imported from a community's sheet."""

from __future__ import annotations

from typing import Any, TypedDict

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from huanxin.core.audit import audit_record
from huanxin.core.errors import Forbidden, Invalid
from huanxin.core.history import history_copy_rows
from huanxin.core.http import get_visible_or_404
from huanxin.core.spreadsheets import read_tables
from huanxin.core.validation import full_clean_or_invalid, stamp_history
from huanxin.estates.models import (
    Estate,
    Household,
)
from huanxin.estates.roster import building_name, read_roster, room_name, unit_name
from huanxin.estates.services.facts import buildings_add


def household_roster_add(*, by: Any, estate_id: int, rows: list[HouseholdRow]) -> int:
    """A community's household roster (personal data: names and phones; never logged)."""
    with transaction.atomic():
        estate = get_visible_or_404(Estate.objects.all(), by, pk=estate_id)
        buildings = {building.name: building for building in estate.buildings.all()}
        households = []
        for index, row in enumerate(rows, start=1):
            building = buildings.get(row["building"])
            if building is None:
                raise Invalid(_("第%(n)d户：小区没有楼栋“%(name)s”") % {"n": index, "name": row["building"]})
            values = {key: value for key, value in row.items() if key != "building"}
            households.append(Household(estate=estate, building=building, **values))
        created = Household.objects.bulk_create(households)
        history_copy_rows(Household, [h.pk for h in created], kind="+", by=by, reason="录入住户名册")
        audit_record(
            action="household.roster",
            actor=by,
            target=estate,
            region_code=estate.region.code,
            detail={"count": len(created)},
        )
    return len(created)


class HouseholdRow(TypedDict, total=False):
    building: str  # the building's name within the estate
    unit: str
    room: str
    floor_area_m2: Any
    owner_name: str
    owner_phone: str


def roster_size_check(size: int) -> None:
    """A roster has its own limit (HUANXIN_ROSTER_MAX_MB), far below a ledger's: the page checks
    the upload's size before reading it into memory, the service checks the bytes it is given."""
    limit = settings.HUANXIN_ROSTER_MAX_BYTES
    if size > limit:
        raise Invalid(
            _("住户名册文件过大（%(size).1f MB），上限为 %(limit)s MB，请分批导入或删去无关的工作表")
            % {"size": size / 2**20, "limit": f"{limit / 2**20:g}"}
        )


def household_roster_import(*, by: Any, estate_id: int, file_name: str, content: bytes) -> dict[str, Any]:
    """A community's roster file: new households added, changed names, phones or areas updated,
    buildings created as needed. Any error: nothing is written, and every error is returned."""
    if not by.can("estates", "edit_facts"):
        raise Forbidden(_("您的角色不能录入住户名册"))
    roster_size_check(len(content))
    parsed = read_roster(read_tables(name=file_name, content=content))
    if parsed.errors:
        return {
            "errors": [error.as_dict() for error in parsed.errors],
            "created": 0,
            "updated": 0,
            "unchanged": 0,
        }
    with transaction.atomic():
        estate = get_visible_or_404(Estate.objects.select_for_update(of=("self",)), by, pk=estate_id)
        buildings = {building.name: building for building in estate.buildings.all()}
        missing = sorted({row.values["building"] for row in parsed.rows} - set(buildings))
        if missing:
            for building in buildings_add(
                by=by, estate_id=estate.pk, buildings=[{"name": name} for name in missing]
            ):
                buildings[building.name] = building
        existing = {(h.building_id, h.unit, h.room): h for h in Household.objects.filter(estate=estate)}
        created, changed = [], []
        for row in parsed.rows:
            building = buildings[row.values["building"]]
            key = (building.pk, row.values["unit"], row.values["room"])
            values = {
                field: row.values.get(field)
                for field in ("floor_area_m2", "owner_name", "owner_phone")
                if row.values.get(field) not in (None, "")
            }
            household = existing.get(key)
            if household is None:
                created.append(
                    Household(estate=estate, building=building, unit=key[1], room=key[2], **values)
                )
            elif any(getattr(household, field) != value for field, value in values.items()):
                for field, value in values.items():
                    setattr(household, field, value)
                changed.append(household)
        Household.objects.bulk_create(created)
        Household.objects.bulk_update(changed, ["floor_area_m2", "owner_name", "owner_phone"])
        history_copy_rows(Household, [h.pk for h in created], kind="+", by=by, reason="导入住户名册")
        history_copy_rows(Household, [h.pk for h in changed], kind="~", by=by, reason="导入住户名册")
        counts = {
            "created": len(created),
            "updated": len(changed),
            "unchanged": len(parsed.rows) - len(created) - len(changed),
        }
        audit_record(
            action="household.roster_import",
            actor=by,
            target=estate,
            region_code=estate.region.code,
            detail=counts,
        )
    return {"errors": [], **counts}


def household_add(*, by: Any, estate_id: int, row: HouseholdRow) -> Household:
    """One household entered by hand on the estate page (the roster import does many)."""
    if not by.can("estates", "edit_facts"):
        raise Forbidden(_("您的角色不能录入住户名册"))
    with transaction.atomic():
        estate = get_visible_or_404(Estate.objects.all(), by, pk=estate_id)
        # Spelled as the roster import spells them: "3" is 3栋, "2单元" is unit 2.
        name = building_name(row["building"])
        building = estate.buildings.filter(name=name).first()
        if building is None:
            building = buildings_add(by=by, estate_id=estate.pk, buildings=[{"name": name}])[0]
        values = {key: value for key, value in row.items() if key != "building"}
        values["unit"] = unit_name(values.get("unit", "1"))
        values["room"] = room_name(values.get("room", ""))
        household = Household(estate=estate, building=building, **values)
        full_clean_or_invalid(household)
        stamp_history(household, by=by, reason="录入住户")
        household.save()
        audit_record(action="household.create", actor=by, target=estate, region_code=estate.region.code)
    return household
