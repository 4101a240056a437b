"""Every write to the estate registry: keyword-only, in a transaction, audited, scoped."""

from __future__ import annotations

from typing import Any, TypedDict

from django.db import transaction
from django.utils.translation import gettext as _

from huanxin.catalog.models import MenuItem
from huanxin.core.audit import audit_record
from huanxin.core.errors import Invalid, OutsideJurisdiction, StaleEdit
from huanxin.core.http import get_visible_or_404
from huanxin.core.versioning import bump_version
from huanxin.estates import rules
from huanxin.estates.models import Building, ConditionAssessment, Estate, Severity
from huanxin.regions.models import Region
from huanxin.regions.rules import Level


class EstateChanges(TypedDict, total=False):
    name: str
    aliases: str
    address: str
    region: Region
    latitude: Any
    longitude: Any
    year_built: int | None
    building_count: int | None
    households: int
    floor_area_m2: Any
    property_right_unit: str
    management_mode: str
    has_gas: bool | None
    has_heating: bool | None
    has_elevator: bool | None
    in_shantytown_plan: bool
    planned_demolition: bool
    self_built_area: bool
    urban_village: bool
    notes: str


def _require_community(region: Region) -> None:
    if region.level != Level.COMMUNITY:
        raise Invalid(
            _("小区必须属于一个社区"), details=[{"field": "region", "message": _("请选择社区一级的区划")}]
        )


def _ensure_still_visible(estate: Estate, by: Any) -> None:
    """After a write, inside the transaction: the writer must still see the estate, or the
    whole write rolls back (a district officer cannot move an estate to another district)."""
    if not Estate.objects.visible_to(by).filter(pk=estate.pk).exists():
        raise OutsideJurisdiction(_("不能把小区移出本辖区"))


def estate_create(*, by: Any, changes: EstateChanges, code: str = "", reason: str = "") -> Estate:
    region = changes.get("region")
    if region is None:
        raise Invalid(_("请选择所属社区"), details=[{"field": "region", "message": _("必填")}])
    _require_community(region)
    with transaction.atomic():
        if not code:
            # Lock the community's estates so that two creations do not take the same serial.
            siblings = list(
                Estate.objects.select_for_update().filter(region=region).values_list("code", flat=True)
            )
            code = rules.estate_code(region.code, rules.next_serial(siblings))
        estate = Estate(code=code, **changes)
        estate.full_clean()
        estate._change_reason = reason or _("新建小区")  # type: ignore[attr-defined]
        estate.save()
        _ensure_still_visible(estate, by)
        audit_record(action="estate.create", actor=by, target=estate, region_code=region.code)
    return estate


def estate_update(
    *, by: Any, estate_id: int, version: int, changes: EstateChanges, reason: str = ""
) -> Estate:
    """Apply an officer's edit; refuse it if someone saved a newer version first."""
    if "region" in changes:
        _require_community(changes["region"])
    with transaction.atomic():
        estate = get_visible_or_404(Estate.objects.select_for_update(), by, pk=estate_id)
        if estate.version != version:
            raise StaleEdit(_("该小区已被他人修改，请刷新后重试"))
        changed = {field: value for field, value in changes.items() if getattr(estate, field) != value}
        if not changed:
            return estate
        for field, value in changed.items():
            setattr(estate, field, value)
        bump_version(estate)
        estate.full_clean()
        estate._change_reason = reason or _("编辑小区信息")  # type: ignore[attr-defined]
        estate.save()
        _ensure_still_visible(estate, by)
        audit_record(
            action="estate.update",
            actor=by,
            target=estate,
            region_code=estate.region.code,
            detail={"fields": sorted(changed)},
        )
    return estate


def building_add(
    *,
    by: Any,
    estate_id: int,
    name: str,
    floors: int | None = None,
    units: int | None = None,
    households: int | None = None,
    structure: str = "",
    year_built: int | None = None,
) -> Building:
    with transaction.atomic():
        estate = get_visible_or_404(Estate.objects.all(), by, pk=estate_id)
        building = Building(
            estate=estate,
            name=name,
            floors=floors,
            units=units,
            households=households,
            structure=structure,
            year_built=year_built,
        )
        building.full_clean()
        building.save()
        audit_record(action="building.create", actor=by, target=building, region_code=estate.region.code)
    return building


def assessment_set(*, by: Any, estate_id: int, version: int, entries: dict[int, tuple[str, str]]) -> Estate:
    """Record the condition assessment: menu item id → (severity, note). The estate's version
    guards the whole sheet, so two surveyors do not overwrite each other's findings."""
    valid = set(Severity.values)
    bad = [item_id for item_id, (severity, _note) in entries.items() if severity not in valid]
    if bad:
        raise Invalid(
            _("问题程度无效"), details=[{"field": f"item_{item_id}", "message": _("无效")} for item_id in bad]
        )
    with transaction.atomic():
        estate = get_visible_or_404(Estate.objects.select_for_update(), by, pk=estate_id)
        if estate.version != version:
            raise StaleEdit(_("该小区已被他人修改，请刷新后重试"))
        items = MenuItem.objects.in_bulk(list(entries))
        if len(items) != len(entries):
            raise Invalid(_("改造内容不存在"))
        existing = {a.item_id: a for a in ConditionAssessment.objects.filter(estate=estate)}
        for item_id, (severity, note) in entries.items():
            current = existing.get(item_id)
            if current is None:
                if severity == Severity.NONE and not note:
                    continue
                current = ConditionAssessment(estate=estate, item=items[item_id])
            elif (current.severity, current.note) == (severity, note):
                continue
            current.severity, current.note = severity, note
            current._change_reason = _("现状评估")  # type: ignore[attr-defined]
            current.full_clean()
            current.save()
        bump_version(estate)
        estate._change_reason = _("现状评估")  # type: ignore[attr-defined]
        estate.save(update_fields=["version"])
        audit_record(action="estate.assess", actor=by, target=estate, region_code=estate.region.code)
    return estate
