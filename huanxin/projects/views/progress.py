"""Progress: a day's form, the weekly sheet and its template, milestones reached."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huanxin.accounts.models import StaffRequest
from huanxin.core import clock
from huanxin.core.access import page
from huanxin.core.errors import HuanxinError, Invalid
from huanxin.core.http import (
    get_visible_or_404,
    parse_id,
)
from huanxin.projects import progress_sheet, services
from huanxin.projects.querysets import (
    projects_for,
)
from huanxin.projects.views.common import MAX_SHEET_BYTES, form_date, form_decimal, run_on_tab, tab_redirect


@page("projects", ("change", "own_progress"))
@require_POST
def progress_add(request: StaffRequest, pk: int) -> HttpResponse:
    def call() -> Any:
        filled = {
            key.removeprefix("done_"): request.POST.get(key, "").strip()
            for key in request.POST
            if key.startswith("done_")
        }
        quantities = {
            int(item_id): form_decimal(value, _("累计完成量"))
            for item_id, value in filled.items()
            if parse_id(item_id) is not None and value
        }
        uploads = request.FILES.getlist("photos")
        if any(upload.size and upload.size > settings.HUANXIN_PHOTO_MAX_BYTES for upload in uploads):
            raise Invalid(_("照片不能超过 %(n)d MB") % {"n": settings.HUANXIN_PHOTO_MAX_BYTES // 2**20})
        return services.progress_reports_add(
            by=request.user,
            project_id=pk,
            on=form_date(request.POST.get("on", ""), _("日期")),
            quantities=quantities,
            note=request.POST.get("note", ""),
            correction_reason=request.POST.get("correction_reason", "")
            if request.POST.get("correction")
            else "",
            photos=tuple(upload.read() for upload in uploads[: services.MAX_REPORT_PHOTOS + 1]),
        )

    return run_on_tab(request, pk, "progress", _("进度已填报"), call)


@page("projects", ("change", "own_progress"))
@require_POST
def progress_upload(request: StaffRequest, pk: int) -> HttpResponse:
    project = get_visible_or_404(projects_for(request.user), request.user, pk=pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择进度表文件"))
        return tab_redirect(pk, "progress")
    if upload.size and upload.size > MAX_SHEET_BYTES:
        messages.error(request, _("文件过大（不能超过5MB）"))
        return tab_redirect(pk, "progress")
    try:
        result = services.progress_upload(
            by=request.user, project_id=pk, file_name=upload.name or "progress", content=upload.read()
        )
    except HuanxinError as error:
        result = {"errors": [{"sheet": "", "row": None, "column": "", "value": "", "reason": error.message}]}
    if result["errors"]:
        return render(
            request,
            "projects/progress_errors.html",
            {"project": project, "errors": result["errors"]},
            status=400,
        )
    messages.success(request, _("进度表已导入：%(n)d 条进度报告") % {"n": result["reports"]})
    return tab_redirect(pk, "progress")


@page("projects", ("change", "own_progress"))
def progress_template(request: StaffRequest, pk: int) -> HttpResponse:
    project = get_visible_or_404(projects_for(request.user), request.user, pk=pk)
    response = HttpResponse(
        progress_sheet.progress_template(project, today=clock.today()),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(project.name + '进度周报.xlsx')}"
    return response


@page("projects", ("change", "own_progress"))
@require_POST
def milestone_done(request: StaffRequest, pk: int, milestone_pk: int) -> HttpResponse:
    get_visible_or_404(projects_for(request.user), request.user, pk=pk)
    return run_on_tab(
        request,
        pk,
        "overview",
        _("节点已标记完成"),
        lambda: services.milestone_done(
            by=request.user,
            milestone_id=milestone_pk,
            done_on=form_date(request.POST.get("done_on", ""), _("完成日期")),
        ),
    )


@page("projects", ("change", "own_progress"))
@require_POST
def progress_confirm(request: StaffRequest, pk: int, report_pk: int) -> HttpResponse:
    return run_on_tab(
        request,
        pk,
        "progress",
        _("更正已确认"),
        lambda: services.progress_correction_confirm(by=request.user, report_id=report_pk),
    )
