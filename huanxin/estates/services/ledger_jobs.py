"""The ledger import as a job: the uploaded file kept in the database, checked (in the worker
when it is large), previewed with its errors, doubts and likely duplicates, confirmed by the
officer with their answers, then applied all or nothing by `ledger_import.ledger_apply`."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huanxin.core import clock
from huanxin.core.audit import audit_record
from huanxin.core.errors import HuanxinError, Invalid, Refused, StaleEdit
from huanxin.core.spreadsheets import read_tables
from huanxin.estates.ledger import LedgerError, ParsedLedger, read_ledger
from huanxin.estates.ledger_columns import COLUMNS as LEDGER_COLUMNS
from huanxin.estates.models import LedgerImport
from huanxin.estates.services.ledger_import import NEW, SAME, LedgerPlan, ledger_apply, ledger_plan
from huanxin.regions.models import Region

logger = logging.getLogger(__name__)

PREVIEW_LIMIT = 500


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


def job_source(job: LedgerImport) -> str:
    """How notes from the file are signed in the estates' notes: the upload's day and file."""
    return f"{timezone.localdate(job.created_at).isoformat()} {job.file_name}"


def _job_progress(job_id: Any) -> Any:
    def report(rows: int) -> None:
        LedgerImport.objects.filter(pk=job_id).update(processed_rows=rows)

    return report


def ledger_import_check(*, job_id: Any) -> LedgerImport:
    """Read, validate and plan; keep the preview, every error and every doubt for the page."""
    job = LedgerImport.objects.select_related("created_by", "root").get(pk=job_id)
    job.status = LedgerImport.Status.CHECKING
    job.save(update_fields=["status", "updated_at"])
    try:
        parsed = ledger_read(
            file_name=job.file_name, content=bytes(job.content), progress=_job_progress(job.pk)
        )
        plan = ledger_plan(by=job.created_by, parsed=parsed, root=job.root, source=job_source(job))
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
    job.warnings = [warning.as_dict() for warning in plan.warnings]
    job.notices = plan.notices
    job.summary = plan.summary()
    job.preview = _preview(plan)
    job.fingerprint = plan.fingerprint
    job.status = LedgerImport.Status.INVALID if plan.errors else LedgerImport.Status.READY
    job.save()
    return job


def _preview(plan: LedgerPlan) -> dict[str, Any]:
    """What the page lists before the confirm: the first rows of each kind, readable, and every
    likely duplicate beside the estate it resembles."""
    labels = {column.key: column.label for column in LEDGER_COLUMNS}
    labels["region"] = str(_("所属社区"))
    labels["cost_yuan"] = str(_("投资估算（元）"))
    labels["item_codes"] = str(_("对应菜单项目"))
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
        "duplicates": [
            {
                "key": d.key,
                "sheet": d.create.row.sheet,
                "row": d.create.row.row,
                "name": d.create.values.get("name", ""),
                "community": d.create.region.name,
                "estate_id": d.estate.pk,
                "estate_name": d.estate.name,
                "estate_code": d.estate.code,
                "estate_households": d.estate.households,
            }
            for d in plan.duplicates
        ],
    }


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    return str(value)


def ledger_import_confirm(
    *, by: Any, job_id: Any, decisions: dict[str, str] | None = None, warnings_accepted: bool = False
) -> LedgerImport:
    """The officer's go: every doubt looked at (`warnings_accepted`), every likely duplicate
    answered "same" or "new" (`decisions`, by row key). Refused, changing nothing, otherwise."""
    decisions = decisions or {}
    with transaction.atomic():
        job = LedgerImport.objects.select_for_update().get(pk=job_id, created_by=by)
        if job.status != LedgerImport.Status.READY:
            raise Refused(_("该文件当前不能导入（状态：%(status)s）") % {"status": job.get_status_display()})
        if job.warnings and not warnings_accepted:
            raise Invalid(_("请先核对提示的 %(n)d 处数据，并勾选“已核对”") % {"n": len(job.warnings)})
        duplicates = job.preview.get("duplicates", [])
        undecided = [d["row"] for d in duplicates if decisions.get(d["key"]) not in (SAME, NEW)]
        if undecided:
            raise Invalid(
                _("请先确认第%(rows)s行是已有小区还是新小区") % {"rows": "、".join(map(str, undecided[:10]))}
            )
        job.decisions = {d["key"]: decisions[d["key"]] for d in duplicates}
        job.warnings_accepted = bool(job.warnings)
        job.status = LedgerImport.Status.APPLYING
        job.save(update_fields=["status", "decisions", "warnings_accepted", "updated_at"])
    audit_record(
        action="estate.import.confirm",
        actor=by,
        target=job,
        detail={"warnings_accepted": job.warnings_accepted, "decisions": job.decisions},
    )
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
            plan = ledger_plan(by=job.created_by, parsed=parsed, root=job.root, source=job_source(job))
            if plan.fingerprint != job.fingerprint:
                raise StaleEdit(_("自预览以来，台账数据已被修改，请重新上传预览"))
            plan.decide(job.decisions)
            with transaction.atomic():  # a savepoint: a refusal undoes the writes, not the job's status
                counts = ledger_apply(
                    by=job.created_by,
                    plan=plan,
                    warnings_accepted=job.warnings_accepted,
                    source=job_source(job),
                )
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
