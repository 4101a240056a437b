"""Design and lifecycle actions: transitions, the item editor, re-approval, organizations, joining, the
schedule."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huanxin.accounts.models import Organization, StaffRequest
from huanxin.core.access import page
from huanxin.core.errors import Invalid
from huanxin.core.http import (
    parse_id,
    posted_version,
)
from huanxin.projects import services
from huanxin.projects.views.common import form_date, form_date_or_none, form_decimal, run_on_tab


@page("projects", "change")
@require_POST
def project_transition(request: StaffRequest, pk: int) -> HttpResponse:
    return run_on_tab(
        request,
        pk,
        request.POST.get("tab", "overview"),
        _("项目状态已变更"),
        lambda: services.project_transition(
            by=request.user,
            project_id=pk,
            version=posted_version(request),
            to_state=request.POST.get("to_state", ""),
            note=request.POST.get("note", ""),
        ),
    )


@page("projects", "change")
@require_POST
def project_items(request: StaffRequest, pk: int) -> HttpResponse:
    def call() -> Any:
        rows: list[services.ItemRow] = []
        for key in request.POST:
            if not key.startswith("quantity_") or not request.POST[key].strip():
                continue
            item_id = key.removeprefix("quantity_")
            if parse_id(item_id) is None:
                raise Invalid(_("改造内容无效：%(key)s") % {"key": key[:40]})
            rows.append(
                {
                    "item_id": int(item_id),
                    "quantity": form_decimal(request.POST[key], _("工程量")),
                    "unit_cost_yuan": form_decimal(request.POST.get(f"cost_{item_id}", ""), _("单价")),
                }
            )
        return services.project_items_set(
            by=request.user, project_id=pk, version=posted_version(request), rows=rows
        )

    return run_on_tab(request, pk, "items", _("设计改造内容已保存"), call)


@page("projects", "change")
@require_POST
def project_basic_reason(request: StaffRequest, pk: int) -> HttpResponse:
    """Why a basic problem of the condition assessment is left out of the design; empty clears it."""
    item_id = parse_id(request.POST.get("item"))
    reason = request.POST.get("reason", "")
    return run_on_tab(
        request,
        pk,
        "items",
        _("已保存未纳入设计的理由") if reason.strip() else _("已撤回未纳入设计的理由"),
        lambda: services.basic_gap_reason_set(
            by=request.user,
            project_id=pk,
            version=posted_version(request),
            item_id=item_id or 0,
            reason=reason,
        ),
    )


@page("plans", "approve")
@require_POST
def project_reapprove(request: StaffRequest, pk: int) -> HttpResponse:
    return run_on_tab(
        request,
        pk,
        "items",
        _("已重新批准设计预算"),
        lambda: services.project_reapprove(by=request.user, project_id=pk, version=posted_version(request)),
    )


@page("projects", "change")
@require_POST
def project_schedule(request: StaffRequest, pk: int) -> HttpResponse:
    def call() -> Any:
        names = request.POST.getlist("milestone_name")
        dues = request.POST.getlist("milestone_due")
        dones = request.POST.getlist("milestone_done")
        if not len(names) == len(dues) == len(dones):
            raise Invalid(_("进度节点表不完整，请刷新后重试"))
        # everything parsed before anything is saved: a bad date changes nothing
        rows: list[services.MilestoneRow] = [
            {
                "name": name,
                "due_on": form_date(due, _("计划日期")),
                "done_on": form_date_or_none(done, _("完成日期")),
            }
            for name, due, done in zip(names, dues, dones, strict=True)
            if name.strip() or due.strip()
        ]
        return services.project_schedule_set(
            by=request.user,
            project_id=pk,
            version=posted_version(request),
            planned_start=form_date_or_none(request.POST.get("planned_start", ""), _("计划开工")),
            planned_end=form_date_or_none(request.POST.get("planned_end", ""), _("计划竣工")),
            contact_phone=request.POST.get("contact_phone", ""),
            milestones=rows,
        )

    return run_on_tab(request, pk, "overview", _("工期和进度节点已保存"), call)


@page("projects", "change")
@require_POST
def project_organizations(request: StaffRequest, pk: int) -> HttpResponse:
    """The design, construction and supervision organizations chosen (after the tender)."""

    def call() -> Any:
        chosen = {}
        for field in ("designer", "builder", "supervisor"):
            organization_id = parse_id(request.POST.get(field))
            if organization_id is not None:
                chosen[field] = Organization.objects.filter(pk=organization_id).first()
                if chosen[field] is None:
                    raise Invalid(_("所选单位不存在"))
        return services.project_assign(
            by=request.user, project_id=pk, version=posted_version(request), **chosen
        )

    return run_on_tab(request, pk, "overview", _("参建单位已保存"), call)


@page("projects", "change")
@require_POST
def project_join(request: StaffRequest, pk: int) -> HttpResponse:
    """联片改造: an adjacent estate's project joins this one."""
    other = parse_id(request.POST.get("other"))
    return run_on_tab(
        request,
        pk,
        "overview",
        _("已联合相邻小区联片实施"),
        lambda: services.project_join(
            by=request.user, project_id=pk, version=posted_version(request), other_id=other or 0
        ),
    )
