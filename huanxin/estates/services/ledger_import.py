"""The ledger import (台账导入): plan the rows against the registry — what they create, change
and leave alone, what looks wrong, which new estate is probably an old one — then apply the
plan all or nothing. The job around it (upload, check in the worker, preview, confirm) is
`ledger_jobs`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from huanxin.core import clock
from huanxin.core.audit import audit_record
from huanxin.core.bulk import bulk_write_objects
from huanxin.core.errors import Invalid, OutsideJurisdiction, StaleEdit
from huanxin.core.history import history_copy_rows
from huanxin.estates import rules
from huanxin.estates.ledger import LedgerError, LedgerRow, ParsedLedger
from huanxin.estates.ledger_checks import doubts_about, likeness_key
from huanxin.estates.ledger_columns import COLUMNS_BY_KEY, REQUIRED_FOR_NEW
from huanxin.estates.models import Estate
from huanxin.estates.services.ledger_estimates import ESTIMATE_FIELDS, EstimateReader, estimates_write
from huanxin.estates.services.ledger_places import LedgerPlaces
from huanxin.regions.models import Region

LEDGER_REASON = "台账导入"  # stored in history as data, in the program's language
MISSING_ROWS_SHOWN = 10

UPDATABLE = [
    "name",
    "aliases",
    "address",
    "year_built",
    "building_count",
    "households",
    "floor_area_m2",
    "property_right_unit",
    "management_mode",
    "latitude",
    "longitude",
    "notes",
]


@dataclass
class PlannedCreate:
    row: LedgerRow
    region: Region
    code: str
    values: dict[str, Any]
    estimate: dict[str, Any] = field(default_factory=dict)  # from a plan table's columns


@dataclass
class PlannedUpdate:
    row: LedgerRow
    estate: Estate
    changes: dict[str, tuple[Any, Any]]  # field → (before, after); the estimate's fields too

    @property
    def estimate(self) -> dict[str, Any]:
        return {key: after for key, (_before, after) in self.changes.items() if key in ESTIMATE_FIELDS}


@dataclass
class LikelyDuplicate:
    """A new row whose name differs from an estate of its community only by brackets, building
    ranges or suffixes: the officer says whether it is that estate ("same") or a new one."""

    create: PlannedCreate
    estate: Estate

    @property
    def key(self) -> str:
        return row_key(self.create.row)


def row_key(row: LedgerRow) -> str:
    """A row's name in the officer's decisions: the sheet and the row Excel shows."""
    return f"{row.sheet}!{row.row}"


SAME, NEW = "same", "new"


@dataclass
class LedgerPlan:
    creates: list[PlannedCreate] = field(default_factory=list)
    updates: list[PlannedUpdate] = field(default_factory=list)
    unchanged: int = 0
    errors: list[LedgerError] = field(default_factory=list)
    warnings: list[LedgerError] = field(default_factory=list)  # confirmed by the officer, not errors
    duplicates: list[LikelyDuplicate] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    estimates: EstimateReader = field(default_factory=lambda: EstimateReader([]))

    @property
    def fingerprint(self) -> str:
        """What the plan would write before any decision; a confirm applies only the plan that
        was previewed."""
        digest = hashlib.sha256()
        for create in self.creates:
            digest.update(
                repr(
                    (
                        create.region.code,
                        create.code,
                        sorted(create.values.items()),
                        sorted(create.estimate.items()),
                    )
                ).encode()
            )
        for update in self.updates:
            digest.update(
                repr((update.estate.pk, update.estate.version, sorted(update.changes.items()))).encode()
            )
        for duplicate in self.duplicates:
            digest.update(repr((duplicate.key, duplicate.estate.pk)).encode())
        return digest.hexdigest()

    def summary(self) -> dict[str, int]:
        return {
            "created": len(self.creates),
            "updated": len(self.updates),
            "unchanged": self.unchanged,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "duplicates": len(self.duplicates),
        }

    def decide(self, decisions: dict[str, str]) -> None:
        """The officer's answer for each likely duplicate: "same" turns its row into an update
        of that estate (the file's name kept as an alias), "new" leaves it a new estate. Every
        one must be answered."""
        undecided = [d.create.row.row for d in self.duplicates if decisions.get(d.key) not in (SAME, NEW)]
        if undecided:
            raise Invalid(
                _("请先确认第%(rows)s行是已有小区还是新小区") % {"rows": "、".join(map(str, undecided[:10]))}
            )
        for duplicate in self.duplicates:
            if decisions[duplicate.key] != SAME:
                continue
            self.creates.remove(duplicate.create)
            values = dict(duplicate.create.values)
            values["aliases"] = _with_alias(duplicate.estate, values.pop("name"), values.get("aliases"))
            changes = _changes(duplicate.estate, values) | self.estimates.changes(
                duplicate.estate, duplicate.create.estimate
            )
            if duplicate.estate.region_id != duplicate.create.region.pk:
                changes["region"] = (duplicate.estate.region, duplicate.create.region)
            if changes:
                self.updates.append(
                    PlannedUpdate(row=duplicate.create.row, estate=duplicate.estate, changes=changes)
                )
            else:
                self.unchanged += 1
        self.duplicates = []


def _with_alias(estate: Estate, name: str, aliases: str | None) -> str:
    known = [*estate.alias_list, *([aliases] if aliases else [])]
    if name != estate.name and name not in known:
        known.append(name)
    return "、".join(dict.fromkeys(known))


class _Registry:
    """The estates the importer may touch, by code, by community and name, and by community and
    likeness key: loaded once per file."""

    def __init__(self, by: Any, root: Region | None) -> None:
        estates = Estate.objects.visible_to(by)
        if root is not None:
            estates = estates.filter(region__code__startswith=root.prefix)
        self.by_code: dict[str, Estate] = {}
        self.by_name: dict[tuple[int, str], list[Estate]] = {}
        self.by_likeness: dict[tuple[int, str], list[Estate]] = {}
        self.ids: list[int] = []
        for estate in estates.select_related("region"):
            self.ids.append(estate.pk)
            self.by_code[estate.code] = estate
            for name in {estate.name, *estate.alias_list}:
                self.by_name.setdefault((estate.region_id, name), []).append(estate)
                self.by_likeness.setdefault((estate.region_id, likeness_key(name)), []).append(estate)


def ledger_plan(
    *, by: Any, parsed: ParsedLedger, root: Region | None = None, source: str = "", this_year: int = 0
) -> LedgerPlan:
    """What importing the parsed file would create, change and leave alone, every error, every
    doubt and every likely duplicate. Matching (SPEC 4.2): by code, else by community + name or
    alias. `source` ("2020-09-01 永定区台账.xlsx") is written before the notes the file adds."""
    this_year = this_year or clock.today().year
    plan = LedgerPlan(errors=list(parsed.errors), notices=list(parsed.notices))
    places = LedgerPlaces(by, root)
    registry = _Registry(by, root)
    plan.estimates = estimates = EstimateReader(list(registry.ids))
    seen: dict[object, int] = {}
    matched: dict[int, int] = {}  # estate id → the row that matched it
    missing_for_new: dict[str, list[LedgerRow]] = {}
    for row in parsed.rows:
        community: Region | None = None
        if names_a_place(row.values):  # else a code names the estate (ledger.missing_columns)
            community, error = places.resolve(row)
            if error is not None:
                plan.errors.append(error)
                continue
        code = row.values.get("code", "")
        identity: object = code or (community.pk if community else 0, row.values.get("name"))
        if identity in seen:
            plan.errors.append(
                row.error("name" if not code else "code", _("与第%(row)d行重复") % {"row": seen[identity]})
            )
            continue
        seen[identity] = row.row
        match, error = _match(row, community, code, registry)
        if error is not None:
            plan.errors.append(error)
            continue
        values = {key: value for key, value in row.values.items() if key in UPDATABLE}
        if match is None:
            assert community is not None  # a row without a place has a code that matched
            absent = [key for key in ("name", *REQUIRED_FOR_NEW) if key not in values]
            for key in absent:
                if key in parsed.columns:
                    plan.errors.append(row.error(key, _("新增小区必须填写此项")))
                else:
                    missing_for_new.setdefault(key, []).append(row)
            if absent:
                continue
            if "notes" in values:
                values["notes"] = _stamped(values["notes"], source)
            estimate = estimates.values(row, community)
            create = PlannedCreate(row=row, region=community, code=code, values=values, estimate=estimate)
            plan.creates.append(create)
            plan.warnings += _doubts(row, values, set(values), this_year)
            like = registry.by_likeness.get((community.pk, likeness_key(values["name"])), [])
            if len(like) == 1 and not code:
                plan.duplicates.append(LikelyDuplicate(create=create, estate=like[0]))
            continue
        if match.pk in matched:
            plan.errors.append(row.error("name", _("与第%(row)d行是同一个小区") % {"row": matched[match.pk]}))
            continue
        matched[match.pk] = row.row
        if "notes" in values:
            values["notes"] = _appended_notes(match.notes, values["notes"], source)
        changes = _changes(match, values) | estimates.changes(
            match, estimates.values(row, community or match.region)
        )
        if community is not None and match.region_id != community.pk:
            changes["region"] = (match.region, community)
        if changes:
            plan.updates.append(PlannedUpdate(row=row, estate=match, changes=changes))
            after = {key: getattr(match, key) for key in UPDATABLE} | values
            plan.warnings += _doubts(row, after, set(changes), this_year)
        else:
            plan.unchanged += 1
    for key, rows in missing_for_new.items():
        plan.errors.append(_missing_column_error(key, rows))
    plan.notices += estimates.unread
    return plan


def names_a_place(values: dict[str, Any]) -> bool:
    """The row says where its estate is: a district, and a street and community (or both in one)."""
    return "district" in values and ({"street", "community"} <= values.keys() or "street_community" in values)


def _changes(estate: Estate, values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {
        key: (getattr(estate, key), value) for key, value in values.items() if getattr(estate, key) != value
    }


def _doubts(row: LedgerRow, values: dict[str, Any], changed: set[str], this_year: int) -> list[LedgerError]:
    """The row's doubts about what it writes (a doubt about a value the row leaves alone is not
    this file's to raise)."""
    involved = {
        "floor_area_m2": {"floor_area_m2", "households"},
        "building_count": {"building_count", "households"},
    }
    return [
        row.error(doubt.field, doubt.reason)
        for doubt in doubts_about(values, this_year=this_year)
        if involved.get(doubt.field, {doubt.field}) & changed
    ]


def _stamped(note: str, source: str) -> str:
    return f"{source}：{note}" if source else note


def _appended_notes(existing: str, note: str, source: str) -> str:
    """Notes from a file add to the estate's notes, never replace them; a note already there
    (the file is an export coming back) adds nothing."""
    if note in existing:
        return existing
    line = _stamped(note, source)
    return f"{existing}\n{line}" if existing else line


def _missing_column_error(key: str, rows: list[LedgerRow]) -> LedgerError:
    label = COLUMNS_BY_KEY[key].label
    shown = "、".join(str(row.row) for row in rows[:MISSING_ROWS_SHOWN])
    more = "…" if len(rows) > MISSING_ROWS_SHOWN else ""
    return LedgerError(
        rows[0].sheet,
        None,
        label,
        "",
        _("文件没有“%(column)s”列，而第%(rows)s%(more)s行是新增小区，必须填写")
        % {"column": label, "rows": shown, "more": more},
    )


def _match(
    row: LedgerRow, community: Region | None, code: str, registry: _Registry
) -> tuple[Estate | None, LedgerError | None]:
    if code:
        if code in registry.by_code:
            return registry.by_code[code], None
        if community is None:
            return None, row.error("code", _("没有这个编码的小区；新增小区须填写区县、街道和社区"))
        if not code.startswith(community.code + "-"):
            return None, row.error("code", _("编码与所填社区不一致"))
        if Estate.objects.filter(code=code).exists():
            return None, row.error("code", _("该编码的小区不在您的辖区内"))
        return None, None
    assert community is not None
    candidates = registry.by_name.get((community.pk, row.values["name"]), [])
    if len(candidates) > 1:
        return None, row.error("name", _("社区内有多个同名小区，请填写小区编码"))
    return (candidates[0] if candidates else None), None


def ledger_apply(
    *,
    by: Any,
    plan: LedgerPlan,
    reason: str = LEDGER_REASON,
    warnings_accepted: bool = False,
    source: str = "",
) -> dict[str, int]:
    """Write the plan in one transaction: all of it or, on any refusal, nothing. Doubts must
    have been accepted and likely duplicates decided (`LedgerPlan.decide`)."""
    if plan.errors:
        raise Invalid(_("台账有 %(n)d 处错误，未导入任何数据") % {"n": len(plan.errors)})
    if plan.warnings and not warnings_accepted:
        raise Invalid(_("有 %(n)d 处数据需要核对，请确认无误后再导入") % {"n": len(plan.warnings)})
    if plan.duplicates:
        plan.decide({})  # refuses, naming the rows still to decide
    with transaction.atomic():
        locked = {
            estate.pk: estate
            for estate in Estate.objects.select_for_update().filter(
                pk__in=[u.estate.pk for u in plan.updates]
            )
        }
        for update in plan.updates:
            current = locked.get(update.estate.pk)
            if current is None or current.version != update.estate.version:
                raise StaleEdit(
                    _("自预览以来，“%(name)s”已被他人修改，请重新上传预览") % {"name": update.estate.name}
                )
        created = _create_planned(plan.creates, by, reason)
        updated = [locked[update.estate.pk] for update in plan.updates]
        _update_planned(plan.updates, locked, by, reason)
        estimated = estimates_write(
            [*zip(created, (c.estimate for c in plan.creates), strict=True)]
            + [(locked[u.estate.pk], u.estimate) for u in plan.updates],
            by=by,
            reason=reason,
            source=source,
        )
        written = [estate.pk for estate in (*created, *updated)]
        visible = Estate.objects.visible_to(by).filter(pk__in=written).count()
        if visible != len(written):
            raise OutsideJurisdiction(_("不能把小区导入或移出本辖区"))
        counts = {
            "created": len(created),
            "updated": len(updated),
            "unchanged": plan.unchanged,
            "estimates": estimated,
        }
        audit_record(action="estate.import", actor=by, detail=counts)
    return counts


def _update_planned(updates: list[PlannedUpdate], locked: dict[int, Estate], by: Any, reason: str) -> None:
    """The estates' own changes (a row that changes only the district's estimate leaves the
    estate, its version and its history alone)."""
    fields: set[str] = set()
    changed = []
    for update in updates:
        own = {key: after for key, (_before, after) in update.changes.items() if key not in ESTIMATE_FIELDS}
        if not own:
            continue
        estate = locked[update.estate.pk]
        for key, after in own.items():
            setattr(estate, key, after)
        estate.version += 1
        fields |= own.keys()
        changed.append(estate)
    if changed:
        Estate.objects.bulk_update(changed, sorted({*fields, "version"}), batch_size=2000)
        history_copy_rows(Estate, [estate.pk for estate in changed], kind="~", by=by, reason=reason)


def _create_planned(creates: list[PlannedCreate], by: Any, reason: str) -> list[Estate]:
    if not creates:
        return []
    communities = {create.region.pk for create in creates}
    list(Region.objects.select_for_update().filter(pk__in=communities))  # serials: see estate_create
    # The highest serial so far per community, carried forward: reading every sibling's code for
    # each new estate made a 100,000-row ledger quadratic.
    highest: dict[int, int] = {}
    for region_id, code in Estate.objects.filter(region_id__in=communities).values_list("region_id", "code"):
        highest[region_id] = max(highest.get(region_id, 0), rules.serial_of(code))
    estates = []
    for create in creates:
        region_id = create.region.pk
        if create.code:
            code = create.code
            highest[region_id] = max(highest.get(region_id, 0), rules.serial_of(code))
        else:
            highest[region_id] = highest.get(region_id, 0) + 1
            code = rules.estate_code(create.region.code, highest[region_id])
        estates.append(Estate(code=code, region=create.region, **create.values))
    bulk_write_objects(estates)
    ids = _ids_by_code([estate.code for estate in estates])
    for estate in estates:
        estate.pk = ids[estate.code]
    history_copy_rows(Estate, list(ids.values()), kind="+", by=by, reason=reason)
    return estates


def _ids_by_code(codes: list[str]) -> dict[str, int]:
    """The new estates' ids, read back by their unique codes in batches under SQLite's limit."""
    ids: dict[str, int] = {}
    for start in range(0, len(codes), 900):
        chunk = codes[start : start + 900]
        ids.update(Estate.objects.filter(code__in=chunk).values_list("code", "pk"))
    return ids
