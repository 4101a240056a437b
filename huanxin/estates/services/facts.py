"""Estates and their facts: create and update (within the jurisdiction, optimistic locking),
buildings, ties to organizations, the condition assessment."""

from __future__ import annotations

from typing import Any, TypedDict

from django.db import transaction
from django.utils.translation import gettext as _

from huanxin.accounts.permissions import FACT_FIELDS
from huanxin.catalog.querysets import menu_readable_by
from huanxin.core.audit import audit_record
from huanxin.core.errors import Forbidden, Invalid, OutsideJurisdiction, StaleEdit
from huanxin.core.history import history_copy_rows
from huanxin.core.http import get_visible_or_404
from huanxin.core.validation import full_clean_or_invalid, stamp_history
from huanxin.core.versioning import bump_version
from huanxin.estates import rules
from huanxin.estates.models import (
    Building,
    ConditionAssessment,
    Estate,
    EstateTie,
    Severity,
)
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
    # The keys of rules.EXCLUSION_FLAGS (a type cannot be built from a mapping; a test keeps
    # these in step with it).
    in_shantytown_plan: bool
    planned_demolition: bool
    self_built_area: bool
    urban_village: bool
    notes: str


def _require_current(region: Region) -> None:
    """A community the division table no longer lists takes no new estate (those already in it
    stay, and can still be edited)."""
    if region.retired_on is not None:
        raise Invalid(
            _("%(name)s已于%(day)s撤销，不能再登记小区")
            % {"name": region.name, "day": region.retired_on.isoformat()},
            details=[{"field": "region", "message": _("该社区已撤销")}],
        )


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


def _check_fact_fields(by: Any, changed: dict[str, Any]) -> None:
    """A community worker corrects facts on the ground; the figures that statistics and
    eligibility count (households, area, year, flags, region) are the district's to change."""
    if by.can("estates", "change"):
        return
    refused = sorted(set(changed) - FACT_FIELDS)
    if refused:
        labels = "、".join(
            str(getattr(Estate._meta.get_field(name), "verbose_name", name)) for name in refused
        )
        raise Forbidden(_("您的角色不能修改：%(fields)s") % {"fields": labels})


def estate_create(*, by: Any, changes: EstateChanges, code: str = "", reason: str = "") -> Estate:
    region = changes.get("region")
    if region is None:
        raise Invalid(_("请选择所属社区"), details=[{"field": "region", "message": _("必填")}])
    _require_community(region)
    _require_current(region)
    with transaction.atomic():
        # Lock the community itself: with no estate yet there would be no row to lock, and two
        # creations would take the same serial.
        Region.objects.select_for_update().filter(pk=region.pk).exists()
        if not code:
            siblings = list(Estate.objects.filter(region=region).values_list("code", flat=True))
            code = rules.estate_code(region.code, rules.next_serial(siblings))
        elif not code.startswith(region.code + "-") or not rules.CODE_PATTERN.match(code):
            raise Invalid(_("小区编码应为所属社区代码-3位序号"), details=[{"field": "code", "message": code}])
        estate = Estate(code=code, **changes)
        full_clean_or_invalid(estate)
        stamp_history(estate, by=by, reason=reason or "新建小区")
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
        estate = get_visible_or_404(Estate.objects.select_for_update(of=("self",)), by, pk=estate_id)
        if estate.version != version:
            raise StaleEdit(_("该小区已被他人修改，请刷新后重试"))
        changed = {field: value for field, value in changes.items() if getattr(estate, field) != value}
        if not changed:
            return estate
        _check_fact_fields(by, changed)
        if "region" in changed:
            _require_current(changes["region"])
        for field, value in changed.items():
            setattr(estate, field, value)
        bump_version(estate)
        full_clean_or_invalid(estate)
        stamp_history(estate, by=by, reason=reason or "编辑小区信息")
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


class BuildingFacts(TypedDict, total=False):
    name: str
    floors: int | None
    units: int | None
    households: int | None
    structure: str
    year_built: int | None


def buildings_add(*, by: Any, estate_id: int, buildings: list[BuildingFacts]) -> list[Building]:
    """Add an estate's buildings in one go (a survey of the estate, or the demo)."""
    with transaction.atomic():
        estate = get_visible_or_404(Estate.objects.all(), by, pk=estate_id)
        rows = [Building(estate=estate, **facts) for facts in buildings]
        for row in rows:
            full_clean_or_invalid(row, exclude=["estate"])
        created = Building.objects.bulk_create(rows)
        history_copy_rows(Building, [b.pk for b in created], kind="+", by=by, reason="录入楼栋")
        audit_record(
            action="building.create",
            actor=by,
            target=estate,
            region_code=estate.region.code,
            detail={"count": len(created)},
        )
    return created


def estate_tie_add(*, by: Any, estate_id: int, organization: Any, kind: str) -> EstateTie:
    """Tie an organization to an estate (its owners' committee; contractors from step 5)."""
    with transaction.atomic():
        estate = get_visible_or_404(Estate.objects.all(), by, pk=estate_id)
        tie, created = EstateTie.objects.get_or_create(organization=organization, estate=estate, kind=kind)
        if created:
            audit_record(
                action="estate.tie",
                actor=by,
                target=estate,
                region_code=estate.region.code,
                detail={"organization": organization.pk, "kind": kind},
            )
    return tie


def estate_tie_remove(*, by: Any, estate_id: int, organization_id: int, kind: str) -> int:
    """Untie an organization from an estate (a contractor replaced): it stops seeing the estate."""
    with transaction.atomic():
        estate = get_visible_or_404(Estate.objects.all(), by, pk=estate_id)
        removed, _detail = EstateTie.objects.filter(
            organization_id=organization_id, estate=estate, kind=kind
        ).delete()
        if removed:
            audit_record(
                action="estate.untie",
                actor=by,
                target=estate,
                region_code=estate.region.code,
                detail={"organization": organization_id, "kind": kind},
            )
    return removed


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
        estate = get_visible_or_404(Estate.objects.select_for_update(of=("self",)), by, pk=estate_id)
        if estate.version != version:
            raise StaleEdit(_("该小区已被他人修改，请刷新后重试"))
        items = menu_readable_by(by).menu_for(estate.region.code).active().in_bulk(list(entries))
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
            stamp_history(current, by=by, reason="现状评估")
            full_clean_or_invalid(current)
            current.save()
        bump_version(estate)
        stamp_history(estate, by=by, reason="现状评估")
        estate.save(update_fields=["version"])
        audit_record(action="estate.assess", actor=by, target=estate, region_code=estate.region.code)
    return estate
