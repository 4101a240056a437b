"""The ledger import (台账导入): plan the rows against the registry, check in the worker when the
file is large, preview, confirm, apply all or nothing."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from huanxin.core import clock
from huanxin.core.audit import audit_record
from huanxin.core.errors import HuanxinError, Invalid, OutsideJurisdiction, Refused, StaleEdit
from huanxin.core.history import history_copy_rows
from huanxin.core.spreadsheets import cell_text, read_tables
from huanxin.estates import rules
from huanxin.estates.ledger import COLUMNS as LEDGER_COLUMNS
from huanxin.estates.ledger import REQUIRED_FOR_NEW, LedgerError, LedgerRow, ParsedLedger, read_ledger
from huanxin.estates.models import (
    Estate,
    LedgerImport,
)
from huanxin.regions.models import Region
from huanxin.regions.rules import Level

logger = logging.getLogger(__name__)

LEDGER_REASON = "台账导入"  # stored in history as data, in the program's language


REGION_SUFFIXES = (
    "居民委员会",
    "居委会",
    "社区",
    "街道办事处",
    "街道",
    "办事处",
    "乡",
    "镇",
    "区",
    "县",
    "市",
)


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


def _region_key(name: str) -> str:
    """官黎坪街道 and 官黎坪 name the same street; 永定区 and 永定 the same district."""
    folded = cell_text(name).replace(" ", "")
    stripped = True
    while stripped:  # 岩塔社区居委会 → 岩塔社区 → 岩塔
        stripped = False
        for suffix in REGION_SUFFIXES:
            if folded.endswith(suffix) and len(folded) > len(suffix):
                folded, stripped = folded[: -len(suffix)], True
                break
    return folded


@dataclass
class PlannedCreate:
    row: LedgerRow
    region: Region
    code: str
    values: dict[str, Any]


@dataclass
class PlannedUpdate:
    row: LedgerRow
    estate: Estate
    changes: dict[str, tuple[Any, Any]]  # field → (before, after)


@dataclass
class LedgerPlan:
    creates: list[PlannedCreate] = field(default_factory=list)
    updates: list[PlannedUpdate] = field(default_factory=list)
    unchanged: int = 0
    errors: list[LedgerError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        """What the plan would write; a confirm applies only the plan that was previewed."""
        digest = hashlib.sha256()
        for create in self.creates:
            digest.update(repr((create.region.code, create.code, sorted(create.values.items()))).encode())
        for update in self.updates:
            digest.update(
                repr((update.estate.pk, update.estate.version, sorted(update.changes.items()))).encode()
            )
        return digest.hexdigest()

    def summary(self) -> dict[str, int]:
        return {
            "created": len(self.creates),
            "updated": len(self.updates),
            "unchanged": self.unchanged,
            "errors": len(self.errors),
        }


class _RegionNames:
    """Districts, streets and communities by name, inside the importer's jurisdiction."""

    def __init__(self, by: Any, root: Region | None) -> None:
        regions = Region.objects.visible_to(by)
        if root is not None:
            regions = regions.subtree(root.code)
        self.districts: dict[str, Region] = {}
        self.streets: dict[tuple[int, str], Region] = {}
        self.communities: dict[tuple[int, str], Region] = {}
        for region in regions.filter(level__in=[Level.COUNTY, Level.STREET, Level.COMMUNITY]):
            key = _region_key(region.name)
            if region.level == Level.COUNTY:
                self.districts[key] = region
            elif region.level == Level.STREET:
                self.streets[(region.parent_id or 0, key)] = region
            else:
                self.communities[(region.parent_id or 0, key)] = region

    def resolve(self, row: LedgerRow) -> tuple[Region | None, LedgerError | None]:
        values = row.values
        district = self.districts.get(_region_key(values["district"]))
        if district is None:
            return None, self._error(row, "district", _("区县不存在或不在您的辖区内"))
        street = self.streets.get((district.pk, _region_key(values["street"])))
        if street is None:
            return None, self._error(
                row,
                "street",
                _("%(district)s没有这个街道（乡镇），或不在您的辖区内") % {"district": district.name},
            )
        community = self.communities.get((street.pk, _region_key(values["community"])))
        if community is None:
            return None, self._error(
                row, "community", _("%(street)s没有这个社区，或不在您的辖区内") % {"street": street.name}
            )
        return community, None

    @staticmethod
    def _error(row: LedgerRow, key: str, reason: str) -> LedgerError:
        return LedgerError(
            row.sheet, row.row, row.headers.get(key, key), str(row.values.get(key, "")), reason
        )


def ledger_plan(*, by: Any, parsed: ParsedLedger, root: Region | None = None) -> LedgerPlan:
    """What importing the parsed file would create, change and leave alone — and every error.
    Matching (SPEC 4.2): by code, else by community + name or alias."""
    plan = LedgerPlan(errors=list(parsed.errors), notices=list(parsed.notices))
    names = _RegionNames(by, root)
    estates = Estate.objects.visible_to(by)
    if root is not None:
        estates = estates.filter(region__code__startswith=root.prefix)
    by_code: dict[str, Estate] = {}
    by_name: dict[tuple[int, str], list[Estate]] = {}
    for estate in estates.select_related("region"):
        by_code[estate.code] = estate
        for name in {estate.name, *estate.alias_list}:
            by_name.setdefault((estate.region_id, name), []).append(estate)
    seen: dict[object, int] = {}
    matched: dict[int, int] = {}  # estate id → the row that matched it
    for row in parsed.rows:
        community, error = names.resolve(row)
        if error is not None:
            plan.errors.append(error)
            continue
        assert community is not None
        code = row.values.get("code", "")
        identity: object = code or (community.pk, row.values["name"])
        if identity in seen:
            plan.errors.append(
                _row_error(
                    row, "name" if not code else "code", _("与第%(row)d行重复") % {"row": seen[identity]}
                )
            )
            continue
        seen[identity] = row.row
        match, error = _match(row, community, code, by_code, by_name)
        if error is not None:
            plan.errors.append(error)
            continue
        values = {key: value for key, value in row.values.items() if key in UPDATABLE}
        if match is None:
            missing = [key for key in REQUIRED_FOR_NEW if key not in values]
            for key in missing:
                plan.errors.append(
                    LedgerError(row.sheet, row.row, row.headers.get(key, key), "", _("新增小区必须填写此项"))
                )
            if not missing:
                plan.creates.append(PlannedCreate(row=row, region=community, code=code, values=values))
            continue
        if match.pk in matched:
            plan.errors.append(
                _row_error(row, "name", _("与第%(row)d行是同一个小区") % {"row": matched[match.pk]})
            )
            continue
        matched[match.pk] = row.row
        changes = {
            key: (getattr(match, key), value) for key, value in values.items() if getattr(match, key) != value
        }
        if match.region_id != community.pk:
            changes["region"] = (match.region, community)
        if changes:
            plan.updates.append(PlannedUpdate(row=row, estate=match, changes=changes))
        else:
            plan.unchanged += 1
    return plan


def _row_error(row: LedgerRow, key: str, reason: str) -> LedgerError:
    return LedgerError(row.sheet, row.row, row.headers.get(key, key), str(row.values.get(key, "")), reason)


def _match(
    row: LedgerRow,
    community: Region,
    code: str,
    by_code: dict[str, Estate],
    by_name: dict[tuple[int, str], list[Estate]],
) -> tuple[Estate | None, LedgerError | None]:
    if code:
        if code in by_code:
            return by_code[code], None
        if not code.startswith(community.code + "-"):
            return None, _row_error(row, "code", _("编码与所填社区不一致"))
        if Estate.objects.filter(code=code).exists():
            return None, _row_error(row, "code", _("该编码的小区不在您的辖区内"))
        return None, None
    candidates = by_name.get((community.pk, row.values["name"]), [])
    if len(candidates) > 1:
        return None, _row_error(row, "name", _("社区内有多个同名小区，请填写小区编码"))
    return (candidates[0] if candidates else None), None


def ledger_apply(*, by: Any, plan: LedgerPlan, reason: str = LEDGER_REASON) -> dict[str, int]:
    """Write the plan in one transaction: all of it or, on any refusal, nothing."""
    if plan.errors:
        raise Invalid(_("台账有 %(n)d 处错误，未导入任何数据") % {"n": len(plan.errors)})
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
        changed_fields: set[str] = {"version"}
        updated = []
        for update in plan.updates:
            estate = locked[update.estate.pk]
            for key, (_before, after) in update.changes.items():
                setattr(estate, key, after)
                changed_fields.add(key)
            estate.version += 1
            updated.append(estate)
        if updated:
            Estate.objects.bulk_update(updated, sorted(changed_fields), batch_size=2000)
            history_copy_rows(Estate, [estate.pk for estate in updated], kind="~", by=by, reason=reason)
        written = [estate.pk for estate in (*created, *updated)]
        visible = Estate.objects.visible_to(by).filter(pk__in=written).count()
        if visible != len(written):
            raise OutsideJurisdiction(_("不能把小区导入或移出本辖区"))
        counts = {"created": len(created), "updated": len(updated), "unchanged": plan.unchanged}
        audit_record(action="estate.import", actor=by, detail=counts)
    return counts


def _create_planned(creates: list[PlannedCreate], by: Any, reason: str) -> list[Estate]:
    if not creates:
        return []
    communities = {create.region.pk for create in creates}
    list(Region.objects.select_for_update().filter(pk__in=communities))  # serials: see estate_create
    taken: dict[int, list[str]] = {}
    for region_id, code in Estate.objects.filter(region_id__in=communities).values_list("region_id", "code"):
        taken.setdefault(region_id, []).append(code)
    estates = []
    for create in creates:
        codes = taken.setdefault(create.region.pk, [])
        code = create.code or rules.estate_code(create.region.code, rules.next_serial(codes))
        codes.append(code)
        estates.append(Estate(code=code, region=create.region, **create.values))
    created = Estate.objects.bulk_create(estates, batch_size=2000)
    history_copy_rows(Estate, [estate.pk for estate in created], kind="+", by=by, reason=reason)
    return created


def ledger_read(*, file_name: str, content: bytes, progress: Any = None) -> ParsedLedger:
    return read_ledger(
        read_tables(name=file_name, content=content), this_year=clock.today().year, progress=progress
    )


def ledger_import_start(
    *, by: Any, file_name: str, content: bytes, root: Region | None = None
) -> LedgerImport:
    if len(content) > settings.HUANXIN_IMPORT_MAX_BYTES:
        raise Invalid(
            _("文件过大（%(size)d MB），上限为 %(limit)d MB")
            % {"size": len(content) // 2**20, "limit": settings.HUANXIN_IMPORT_MAX_BYTES // 2**20}
        )
    if not content:
        raise Invalid(_("文件是空的"))
    job = LedgerImport.objects.create(created_by=by, file_name=file_name[:255], content=content, root=root)
    audit_record(action="estate.import.upload", actor=by, target=job, detail={"bytes": len(content)})
    return job


def ledger_import_runs_in_background(job: LedgerImport) -> bool:
    return len(job.content) > settings.HUANXIN_IMPORT_INLINE_BYTES


def _job_progress(job_id: Any) -> Any:
    def report(rows: int) -> None:
        LedgerImport.objects.filter(pk=job_id).update(processed_rows=rows)

    return report


def ledger_import_check(*, job_id: Any) -> LedgerImport:
    """Read, validate and plan; keep the preview and every error for the page."""
    job = LedgerImport.objects.select_related("created_by", "root").get(pk=job_id)
    job.status = LedgerImport.Status.CHECKING
    job.save(update_fields=["status", "updated_at"])
    try:
        parsed = ledger_read(
            file_name=job.file_name, content=bytes(job.content), progress=_job_progress(job.pk)
        )
        plan = ledger_plan(by=job.created_by, parsed=parsed, root=job.root)
    except Invalid as error:
        plan = LedgerPlan(errors=[LedgerError("", None, "", "", error.message)])
        parsed = ParsedLedger()
    except Exception as error:  # never left "checking": the job ends failed, with its reason
        logger.exception("ledger import %s: reading failed (%s)", job.pk, type(error).__name__)
        job.status, job.finished_at = LedgerImport.Status.FAILED, clock.now()
        job.failure = _("读取文件时出错，文件可能已损坏；请另存为 xlsx 后重新上传")
        job.save(update_fields=["status", "failure", "finished_at", "updated_at"])
        return job
    job.total_rows = job.processed_rows = len(parsed.rows)
    job.errors = [error.as_dict() for error in plan.errors]
    job.notices = plan.notices
    job.summary = plan.summary()
    job.preview = _preview(plan)
    job.fingerprint = plan.fingerprint
    job.status = LedgerImport.Status.INVALID if plan.errors else LedgerImport.Status.READY
    job.save()
    return job


PREVIEW_LIMIT = 500


def _preview(plan: LedgerPlan) -> dict[str, Any]:
    """What the page lists before the confirm: the first rows of each kind, readable."""
    labels = {column.key: column.label for column in LEDGER_COLUMNS}
    labels["region"] = str(_("所属社区"))
    return {
        "creates": [
            {
                "sheet": c.row.sheet,
                "row": c.row.row,
                "name": c.values.get("name", ""),
                "community": c.region.name,
            }
            for c in plan.creates[:PREVIEW_LIMIT]
        ],
        "updates": [
            {
                "sheet": u.row.sheet,
                "row": u.row.row,
                "estate_id": u.estate.pk,
                "name": u.estate.name,
                "changes": [
                    {"field": labels.get(key, key), "before": _shown(before), "after": _shown(after)}
                    for key, (before, after) in u.changes.items()
                ],
            }
            for u in plan.updates[:PREVIEW_LIMIT]
        ],
    }


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    return str(value)


def ledger_import_confirm(*, by: Any, job_id: Any) -> LedgerImport:
    with transaction.atomic():
        job = LedgerImport.objects.select_for_update().get(pk=job_id, created_by=by)
        if job.status != LedgerImport.Status.READY:
            raise Refused(_("该文件当前不能导入（状态：%(status)s）") % {"status": job.get_status_display()})
        job.status = LedgerImport.Status.APPLYING
        job.save(update_fields=["status", "updated_at"])
    audit_record(action="estate.import.confirm", actor=by, target=job)
    return job


def ledger_import_run(*, job_id: Any) -> LedgerImport:
    """Apply a confirmed file. The plan is made again from the stored file and must be the one
    that was previewed; a run killed half-way wrote nothing and can simply run again."""
    with transaction.atomic():
        # The job row is the lock: a second worker (or a second click on 重新执行) waits here,
        # then finds the job done and leaves it alone.
        job = (
            LedgerImport.objects.select_for_update(of=("self",))
            .select_related("created_by", "root")
            .get(pk=job_id)
        )
        if job.status not in (LedgerImport.Status.APPLYING, LedgerImport.Status.FAILED):
            return job
        try:
            parsed = ledger_read(file_name=job.file_name, content=bytes(job.content))
            plan = ledger_plan(by=job.created_by, parsed=parsed, root=job.root)
            if plan.fingerprint != job.fingerprint:
                raise StaleEdit(_("自预览以来，台账数据已被修改，请重新上传预览"))
            with transaction.atomic():  # a savepoint: a refusal undoes the writes, not the job's status
                counts = ledger_apply(by=job.created_by, plan=plan)
        except HuanxinError as error:
            job.status, job.failure = LedgerImport.Status.FAILED, error.message
        except Exception as error:  # the savepoint undid the writes; the job says why it stopped
            logger.exception("ledger import %s: applying failed (%s)", job.pk, type(error).__name__)
            job.status, job.failure = LedgerImport.Status.FAILED, _("导入时出错，未写入任何数据；请重新上传")
        else:
            job.status, job.summary, job.failure = LedgerImport.Status.DONE, {**job.summary, **counts}, ""
            job.processed_rows = job.total_rows
        job.finished_at = clock.now()
        job.save()
    return job


def ledger_import_abandoned(*, job_id: Any) -> None:
    """The worker checking or applying the file stopped for good: the job ends failed, with a
    reason the uploader can act on (an apply that stopped wrote nothing)."""
    LedgerImport.objects.filter(
        pk=job_id,
        status__in=(LedgerImport.Status.PENDING, LedgerImport.Status.CHECKING, LedgerImport.Status.APPLYING),
    ).update(
        status=LedgerImport.Status.FAILED,
        failure=_("后台任务中断（处理该文件的进程已停止），请重新上传"),
        finished_at=clock.now(),
        updated_at=clock.now(),
    )
