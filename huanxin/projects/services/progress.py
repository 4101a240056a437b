"""The schedule and its milestones, and dated progress reports (one, a day's form, or a weekly sheet)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypedDict

from django.db import transaction
from django.db.models import Max, Min
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from huanxin.core import clock
from huanxin.core.audit import audit_record
from huanxin.core.errors import Forbidden, Invalid, Refused
from huanxin.core.http import get_visible_or_404
from huanxin.core.spreadsheets import read_tables
from huanxin.core.validation import stamp_history
from huanxin.estates.ledger import LedgerError
from huanxin.projects import rules
from huanxin.projects.models import (
    Milestone,
    PhotoStage,
    ProgressReport,
    Project,
    ProjectItem,
)
from huanxin.projects.progress_sheet import read_progress
from huanxin.projects.querysets import (
    construction_started_on,
    project_progress,
)
from huanxin.projects.services.common import locked_project, require_reporter
from huanxin.projects.services.photos import photo_add


def progress_report(
    *,
    by: Any,
    item_id: int,
    on: dt.date,
    quantity_done: Decimal,
    note: str = "",
    correction_reason: str = "",
) -> ProgressReport:
    """A contractor reports for its own projects only (by scope: it sees only their estates).
    Quantities are cumulative: a figure that would make the item's progress fall is refused unless
    it is a correction with its reason, which counts once the supervisor confirms it."""
    if not (by.can("projects", "change") or by.can("projects", "own_progress")):
        raise Forbidden(_("您的角色不能填报进度"))
    with transaction.atomic():
        item = get_visible_or_404(
            ProjectItem.objects.select_related("project", "project__estate__region"), by, pk=item_id
        )
        # the project row is the lock: two reports at once must not each compute the cached
        # progress without the other's
        project = (
            Project.objects.select_for_update(of=("self",))
            .select_related("estate__region")
            .get(pk=item.project_id)
        )
        require_reporter(by, project)
        if project.state not in (rules.CONSTRUCTION, rules.AWAITING_ACCEPTANCE):
            raise Refused(_("项目不在施工阶段，不能填报进度"))
        if quantity_done < 0 or quantity_done > item.quantity * Decimal("1.2"):
            raise Invalid(
                _("累计完成量应在0到设计工程量的120%之间"),
                details=[{"field": "quantity_done", "message": str(quantity_done)}],
            )
        if on > clock.today():
            raise Invalid(_("不能填报未来日期的进度"), details=[{"field": "on", "message": on.isoformat()}])
        started = construction_started_on(project)
        if started is not None and on < started:
            raise Invalid(
                _("进度日期不能早于开工日期%(start)s") % {"start": started.isoformat()},
                details=[{"field": "on", "message": on.isoformat()}],
            )
        correction_reason = correction_reason.strip()[:255]
        before, after = reported_around(item, on)
        goes_back = rules.progress_goes_back(quantity_done, before.quantity_done if before else None, after)
        if goes_back and not correction_reason:
            raise Invalid(
                going_back_message(item, quantity_done, before, after),
                details=[{"field": "quantity_done", "message": str(quantity_done)}],
            )
        report = ProgressReport.objects.create(
            item=item,
            on=on,
            quantity_done=quantity_done,
            note=note.strip()[:255],
            reported_by=by if getattr(by, "pk", None) else None,
            correction_reason=correction_reason if goes_back else "",
        )
        _progress_refresh(project)
        audit_record(
            action="project.progress_correction" if report.correction_reason else "project.progress",
            actor=by,
            target=project,
            region_code=project.estate.region.code,
            detail={"report": report.pk},
        )
    return report


def reported_around(item: ProjectItem, on: dt.date) -> tuple[ProgressReport | None, Decimal | None]:
    """The counted report in force on `on` (the latest on or before it), and the smallest
    quantity counted after it: a new figure for `on` must lie between them."""
    counted = ProgressReport.objects.filter(item=item).counted()
    before = counted.filter(on__lte=on).order_by("-on", "-id").first()
    after = counted.filter(on__gt=on).aggregate(least=Min("quantity_done"))["least"]
    return before, after


def going_back_message(
    item: ProjectItem, quantity: Decimal, before: ProgressReport | None, after: Decimal | None
) -> str:
    figure = f"{quantity.normalize():f}{item.unit}"
    if before is not None and quantity < before.quantity_done:
        return _(
            "%(item)s累计完成量%(figure)s低于%(on)s已填报的%(before)s；"
            "如属更正，请勾选更正并写明原因，由监理单位确认后生效"
        ) % {
            "item": item.item.name,
            "figure": figure,
            "on": before.on.isoformat(),
            "before": f"{before.quantity_done.normalize():f}{item.unit}",
        }
    return _(
        "%(item)s累计完成量%(figure)s高于此日之后已填报的%(after)s；"
        "如属更正，请写明原因，由监理单位确认后生效"
    ) % {"item": item.item.name, "figure": figure, "after": f"{(after or 0):f}{item.unit}"}


def progress_correction_confirm(*, by: Any, report_id: int) -> ProgressReport:
    """The supervisor confirms a correction, which then counts — for the day it was measured, as
    any report does. A correction the supervision organization made itself, or one on a project
    without a supervisor, is confirmed by the district; nobody confirms their own organization's."""
    with transaction.atomic():
        report = get_visible_or_404(
            ProgressReport.objects.select_related(
                "item__project__estate__region", "item__item", "reported_by"
            ),
            by,
            pk=report_id,
        )
        project = (
            Project.objects.select_for_update(of=("self",))
            .select_related("estate__region")
            .get(pk=report.item.project_id)
        )
        report = ProgressReport.objects.select_for_update().get(pk=report.pk)
        if not report.correction_reason:
            raise Refused(_("这不是一条更正，无须确认"))
        if report.confirmed_on is not None:
            raise Refused(_("这条更正已于%(on)s确认") % {"on": report.confirmed_on.isoformat()})
        if project.state not in (rules.CONSTRUCTION, rules.AWAITING_ACCEPTANCE):
            raise Refused(_("项目不在施工阶段，不能确认更正"))
        if not may_confirm(by, project, report):
            raise Forbidden(
                _(
                    "更正由本项目的监理单位确认（监理单位自己的更正、或未指定监理单位的，由区县确认）；"
                    "不能确认本单位填报的更正"
                )
            )
        report.confirmed_by = by
        report.confirmed_on = clock.today()
        report.save(update_fields=["confirmed_by", "confirmed_on"])
        _progress_refresh(project)
        audit_record(
            action="project.progress_confirm",
            actor=by,
            target=project,
            region_code=project.estate.region.code,
            detail={"report": report.pk},
        )
    return report


def may_confirm(user: Any, project: Project, report: ProgressReport) -> bool:
    """The project's supervisor confirms a correction; the district confirms where there is no
    supervisor, or where the correction is the supervisor's own. Nobody confirms a correction
    entered by their own organization (or by themselves)."""
    organization_id = getattr(user, "organization_id", None)
    reporter = report.reported_by
    if reporter is not None and (
        reporter.pk == getattr(user, "pk", None)
        or (reporter.organization_id is not None and reporter.organization_id == organization_id)
    ):
        return False
    supervisor = project.supervisor_id
    by_supervisor = reporter is not None and supervisor is not None and reporter.organization_id == supervisor
    if supervisor is not None and not by_supervisor:
        return bool(user.can("projects", "own_progress")) and organization_id == supervisor
    return bool(user.can("projects", "change"))


def _progress_refresh(project: Project) -> None:
    """Keep the project's latest progress and forecast end in step with its reports. The forecast
    extrapolates the pace measured by the latest report, so that it reads the same on any later
    day until the next report (and the same as the project read as of a past day)."""
    today = clock.today()
    share = project_progress(project, today)
    start = construction_started_on(project)
    measured = (
        ProgressReport.objects.filter(item__project=project, on__lte=today)
        .counted()
        .aggregate(last=Max("on"))["last"]
    )
    forecast = rules.forecast_end(start, measured, share) if start and measured else None
    Project.objects.filter(pk=project.pk).update(progress_share=share, forecast_end=forecast)


def project_schedule_set(
    *,
    by: Any,
    project_id: int,
    version: int,
    planned_start: dt.date | None,
    planned_end: dt.date | None,
    contact_phone: str = "",
    milestones: list[MilestoneRow] | None = None,
) -> Project:
    """Planned dates and the public phone; with `milestones`, those too, in the same transaction."""
    if not by.can("projects", "change"):
        raise Forbidden(_("您的角色不能修改项目工期"))
    if planned_start and planned_end and planned_end < planned_start:
        raise Invalid(
            _("计划竣工日期不能早于计划开工日期"),
            details=[{"field": "planned_end", "message": planned_end.isoformat()}],
        )
    with transaction.atomic():
        project = locked_project(by, project_id, version)
        project.planned_start = planned_start
        project.planned_end = planned_end
        project.contact_phone = contact_phone.strip()[:32]
        project.version += 1
        stamp_history(project, by=by, reason="修改工期")
        project.save()
        audit_record(
            action="project.schedule", actor=by, target=project, region_code=project.estate.region.code
        )
        if milestones is not None:
            project = milestones_set(by=by, project_id=project.pk, version=project.version, rows=milestones)
    return project


class MilestoneRow(TypedDict):
    name: str
    due_on: dt.date
    done_on: dt.date | None


def milestones_set(*, by: Any, project_id: int, version: int, rows: list[MilestoneRow]) -> Project:
    """The schedule's milestones, replaced as a whole (the page edits them as one table)."""
    if not by.can("projects", "change"):
        raise Forbidden(_("您的角色不能修改进度节点"))
    today = clock.today()
    problems = [
        {"field": f"rows[{index}]", "message": message}
        for index, row in enumerate(rows)
        for message in ([_("节点名称为空")] if not row["name"].strip() else [])
        + ([_("完成日期不能晚于今天")] if row["done_on"] and row["done_on"] > today else [])
    ]
    if problems:
        raise Invalid(_("进度节点有误"), details=problems)
    with transaction.atomic():
        project = locked_project(by, project_id, version)
        # each row's removal and creation goes into its history: a past day reads the schedule then
        Milestone.objects.filter(project=project).delete()
        bulk_create_with_history(
            [
                Milestone(
                    project=project,
                    name=row["name"].strip()[:64],
                    due_on=row["due_on"],
                    done_on=row["done_on"],
                )
                for row in rows
            ],
            Milestone,
            default_user=by if getattr(by, "pk", None) else None,
            default_change_reason="修改进度节点",
            default_date=clock.now(),
        )
        project.version += 1
        stamp_history(project, by=by, reason="修改进度节点")
        project.save(update_fields=["version"])
        audit_record(
            action="project.milestones",
            actor=by,
            target=project,
            region_code=project.estate.region.code,
            detail={"milestones": len(rows)},
        )
    return project


def may_mark_milestone(user: Any, project: Project, name: str) -> bool:
    """Whether `user` (a reporter of the project) may mark this milestone reached."""
    if not rules.is_completion_milestone(name) or user.can("projects", "change"):
        return True
    supervisor = project.supervisor_id
    return supervisor is not None and getattr(user, "organization_id", None) == supervisor


def milestone_done(*, by: Any, milestone_id: int, done_on: dt.date) -> Milestone:
    """Staff, or the project's own builder or supervisor, mark a milestone reached; the completion
    (竣工) only the supervisor or the district."""
    with transaction.atomic():
        milestone = get_visible_or_404(
            Milestone.objects.select_related("project__estate__region"), by, pk=milestone_id
        )
        require_reporter(by, milestone.project)
        if not may_mark_milestone(by, milestone.project, milestone.name):
            raise Forbidden(_("竣工节点由监理单位或区县住建局确认，施工单位不能自行标记"))
        if done_on > clock.today():
            raise Invalid(
                _("完成日期不能晚于今天"), details=[{"field": "done_on", "message": done_on.isoformat()}]
            )
        milestone.done_on = done_on
        stamp_history(milestone, by=by, reason="节点完成")
        milestone.save(update_fields=["done_on"])
        audit_record(
            action="project.milestone_done",
            actor=by,
            target=milestone.project,
            region_code=milestone.project.estate.region.code,
            detail={"milestone": milestone.name},
        )
    return milestone


def progress_upload(*, by: Any, project_id: int, file_name: str, content: bytes) -> dict[str, Any]:
    """A builder's weekly sheet for one project: every row becomes a progress report, or — on any
    error — nothing is written and every error is returned."""
    project = get_visible_or_404(Project.objects.select_related("estate__region"), by, pk=project_id)
    require_reporter(by, project)
    if project.state not in (rules.CONSTRUCTION, rules.AWAITING_ACCEPTANCE):
        raise Refused(_("项目不在施工阶段，不能填报进度"))
    items = list(project.items.select_related("item"))
    parsed = read_progress(read_tables(name=file_name, content=content), items, today=clock.today())
    if parsed.errors:
        return {"errors": [error.as_dict() for error in parsed.errors], "reports": 0}
    errors = []
    with transaction.atomic():
        # in date order, so that a sheet of several weeks is checked as the weeks went
        for row in sorted(parsed.rows, key=lambda row: (row.on, row.row)):
            try:
                with transaction.atomic():
                    progress_report(
                        by=by,
                        item_id=row.item.pk,
                        on=row.on,
                        quantity_done=row.quantity_done,
                        note=row.note,
                        correction_reason=row.correction_reason,
                    )
            except Invalid as refused:
                errors.append(
                    LedgerError(row.sheet, row.row, "累计完成量", str(row.quantity_done), refused.message)
                )
        if errors:
            transaction.set_rollback(True)  # all rows or none
            return {
                "errors": [error.as_dict() for error in sorted(errors, key=lambda e: e.row or 0)],
                "reports": 0,
            }
    return {"errors": [], "reports": len(parsed.rows)}


def progress_reports_add(
    *,
    by: Any,
    project_id: int,
    on: dt.date,
    quantities: dict[int, Decimal],
    note: str = "",
    correction_reason: str = "",
    photos: tuple[bytes, ...] = (),
) -> int:
    """One day's report on several items of a project (the page's form), with the site photos
    that show it: all or none. Photos of a one-item report belong to that item."""
    if len(photos) > MAX_REPORT_PHOTOS:
        raise Invalid(_("每次最多上传%(n)d张照片") % {"n": MAX_REPORT_PHOTOS})
    with transaction.atomic():
        project = get_visible_or_404(Project.objects.select_related("estate__region"), by, pk=project_id)
        own = set(project.items.values_list("pk", flat=True))
        if not quantities or set(quantities) - own:
            raise Invalid(_("请填写本项目改造内容的累计完成量"))
        reports = [
            progress_report(
                by=by,
                item_id=item_id,
                on=on,
                quantity_done=quantity,
                note=note,
                correction_reason=correction_reason,
            )
            for item_id, quantity in quantities.items()
        ]
        only = reports[0] if len(reports) == 1 else None
        for content in photos:
            photo_add(
                project=project,
                content=content,
                stage=PhotoStage.DURING,
                by=by,
                item=only.item if only else None,
                report=only,
                caption=note,
            )
    return len(quantities)


MAX_REPORT_PHOTOS = 6
