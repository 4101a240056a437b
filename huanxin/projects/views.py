"""Project pages: the list (filters, totals) and the project with its tabs and next actions —
an action a guard refuses is shown disabled with the reason (UI.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huanxin.accounts.models import Organization, StaffRequest
from huanxin.catalog.querysets import menu_readable_by
from huanxin.core import clock
from huanxin.core.access import page, public_page
from huanxin.core.audit import audit_record
from huanxin.core.errors import HuanxinError, Invalid, NotFound
from huanxin.core.history import history_of
from huanxin.core.http import (
    get_visible_or_404,
    parse_date,
    parse_decimal,
    parse_id,
    posted_version,
    run_and_report,
)
from huanxin.core.spreadsheets import write_xlsx
from huanxin.estates.models import ManagementMode
from huanxin.projects import documents, exports, progress_sheet, rules, services
from huanxin.projects.filtersets import filter_projects
from huanxin.projects.models import (
    FeedbackCategory,
    Handover,
    PaperVote,
    ProgressReport,
    Project,
    ProjectPhoto,
    ProjectTransition,
)
from huanxin.projects.querysets import (
    acceptance_lines,
    combined_estimate,
    config_for,
    coverage_for,
    design_vote_result,
    feedback_for,
    has_owners_committee,
    households_of,
    item_progress,
    join_candidates,
    parties_of,
    photo_board,
    project_progress,
    projects_for,
    publicity_ends_on,
    representatives_of,
    satisfaction_counts,
    satisfaction_levels,
    with_feedback_counts,
    with_flags,
)
from huanxin.residents import services as resident_services

TABS = ("overview", "items", "progress", "residents", "photos", "feedback", "acceptance", "history")
EDITABLE_DESIGN = (rules.APPROVED, rules.DESIGN)
# bookkeeping the history tab leaves out: the version, and the progress cache every report moves
CONTRACTOR_KINDS = ("design", "construction", "supervision")
HIDDEN_HISTORY = frozenset({"version", "progress_share", "forecast_end"})
REPORTING = (rules.CONSTRUCTION, rules.AWAITING_ACCEPTANCE)


def _tab(pk: int, tab: str) -> HttpResponse:
    return redirect(f"{reverse('projects:detail', args=[pk])}?tab={tab}")


def _contractors() -> Any:
    return Organization.objects.filter(
        kind__in=[Organization.Kind.DESIGN, Organization.Kind.CONSTRUCTION, Organization.Kind.SUPERVISION]
    ).order_by("kind", "name")


def _filtered(request: StaffRequest) -> Any:
    """The list's projects as filtered by the query string (the page, its export)."""
    params = request.GET.copy()
    if params.get("late") == "1":  # the page's checkbox
        params["late"] = "true"
    return filter_projects(with_feedback_counts(with_flags(projects_for(request.user))), params)


@page("projects", ("view", "own_progress", "sign_acceptance"))
def project_list(request: StaffRequest) -> HttpResponse:
    projects, filterset = _filtered(request)
    for field, errors in filterset.errors.items():
        messages.warning(request, f"{filterset.form.fields[field].label}：{'；'.join(errors)}")
    state = request.GET.get("state", "")
    year = request.GET.get("year", "")
    contractor = request.GET.get("contractor", "")
    totals = projects.order_by().aggregate(
        households=Sum("plan_entry__households"), cost=Sum("estimated_cost_yuan")
    )
    page_obj = Paginator(projects, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/list.html",
        {
            "page_obj": page_obj,
            "totals": totals,
            "states": rules.STATES.items(),
            "state": state,
            "year": year,
            "contractor": contractor,
            "contractors": _contractors(),
            "count": projects.count(),
        },
    )


@page("projects", ("view", "own_progress", "sign_acceptance"))
def project_detail(request: StaffRequest, pk: int) -> HttpResponse:
    user = request.user
    project = get_visible_or_404(
        with_flags(projects_for(user).select_related("builder", "supervisor", "designer")), user, pk=pk
    )
    tab = request.GET.get("tab", "overview")
    tab = tab if tab in TABS else "overview"
    actions = [
        (state, rules.STATES[state], services.transition_refusals(project, state))
        for state in rules.next_states(project.state, project.resume_to or None)
        if state != rules.HANDED_OVER  # handed over through its own form, with the management mode
    ]
    items = item_progress(project)
    budget = sum((item.budget_yuan for item, _done in items), Decimal(0))
    config = config_for(project.estate.region.code)
    today = clock.today()
    context: dict[str, Any] = {
        "project": project,
        "tab": tab,
        "states": rules.STATES,
        "actions": actions,
        "can_change": user.can("projects", "change"),
        "can_see_money": user.can("money", "view"),
        "today": today,
        "progress": project_progress(project),
        "items": items,
        "budget": budget,
        "needs_reapproval": rules.needs_reapproval(
            budget, combined_estimate(project), config.reapproval_margin, project.reapproved_budget_yuan
        ),
        "can_reapprove": user.can("plans", "approve"),
        "milestones": [
            (m, rules.milestone_late(m.due_on, m.done_on, today)) for m in project.milestones.all()
        ],
        "can_report": _may_report(user, project),
    }
    if tab == "overview":
        context["joined"] = project.joined.select_related("estate")
        if (
            user.can("projects", "change")
            and project.joined_into_id is None
            and project.state in EDITABLE_DESIGN
        ):
            context["join_candidates"] = join_candidates(project)
    if tab == "overview" and user.can("projects", "change"):
        context["organizations"] = {
            kind: Organization.objects.filter(kind=kind).order_by("name")
            for kind in (
                Organization.Kind.DESIGN,
                Organization.Kind.CONSTRUCTION,
                Organization.Kind.SUPERVISION,
            )
        }
        context["org_fields"] = [
            ("designer", Organization.Kind.DESIGN, _("设计单位"), project.designer_id),
            ("builder", Organization.Kind.CONSTRUCTION, _("施工单位"), project.builder_id),
            ("supervisor", Organization.Kind.SUPERVISION, _("监理单位"), project.supervisor_id),
        ]
    if tab == "items" and project.state in EDITABLE_DESIGN and user.can("projects", "change"):
        chosen = {item.item_id: item for item, _done in items}
        context["menu"] = [
            (entry, chosen.get(entry.pk))
            for entry in menu_readable_by(user).menu_for(project.estate.region.code).active()
        ]
    if tab == "progress":
        context["can_report"] = project.state in REPORTING and context["can_report"]
        context["reports"] = (
            ProgressReport.objects.filter(item__project=project)
            .select_related("item__item", "reported_by")
            .order_by("-on", "-id")[:100]
        )
    if tab == "acceptance":
        personal = user.sees_personal_data(project.estate.region.code)
        context |= {
            "lines": acceptance_lines(project, personal=personal),
            "personal": personal,
            "my_parties": [rules.PARTIES[p] for p in parties_of(user, project)],
            "awaiting": project.state == rules.AWAITING_ACCEPTANCE,
            "needs_representatives": not has_owners_committee(project),
            "representatives": representatives_of(project),
            "households": households_of(user, project)
            if user.can("projects", "change") or user.can("projects", "answer_feedback")
            else [],
            "handover": Handover.objects.filter(project=project).first(),
            "modes": [(v, label) for v, label in ManagementMode.choices if v != ManagementMode.NONE],
            "handover_refusals": services.transition_refusals(project, rules.HANDED_OVER)
            if project.state == rules.ACCEPTED
            else [],
            "parties": rules.parties_required(has_owners_committee(project)),
            "party_labels": rules.PARTIES,
        }
    if tab in ("items", "residents"):
        context["coverage"] = coverage_for(project)
    if tab == "residents":
        context |= {
            "vote": design_vote_result(project),
            "paper_vote": PaperVote.objects.filter(project=project).first(),
            "publicity_ends": publicity_ends_on(project),
            "satisfaction": satisfaction_counts(project),
            "satisfied_share": rules.satisfied_share(satisfaction_levels(project)),
            "config": config,
        }
    if tab == "photos":
        context["pairs"], context["photos"] = photo_board(project)
        context["can_report_photos"] = project.state != rules.CANCELLED and _may_report(user, project)
    if tab == "feedback":
        context |= {
            "feedback_rows": feedback_for(user)
            .filter(project=project)
            .select_related("household__building", "entered_by")
            .prefetch_related("photos"),
            "categories": FeedbackCategory.choices,
            "can_enter_feedback": user.can("projects", "answer_feedback") or user.can("projects", "change"),
            "personal": user.sees_personal_data(project.estate.region.code),
        }
    if tab in ("feedback", "acceptance") and context.get("personal"):  # as the estate page does
        audit_record(
            action="personal_data.view",
            actor=user,
            target=project,
            region_code=project.estate.region.code,
            request=request,
            detail={"page": f"project.{tab}"},
        )
    if tab == "history":
        context["transitions"] = (
            ProjectTransition.objects.filter(project=project).select_related("by").order_by("on", "id")
        )
        context["changes"] = history_of(project, hidden=HIDDEN_HISTORY)
    return render(request, "projects/detail.html", context)


def _may_report(user: Any, project: Any) -> bool:
    return user.can("projects", "change") or (
        user.can("projects", "own_progress")
        and getattr(user, "organization_id", None) in (project.builder_id, project.supervisor_id)
    )


def _run(request: StaffRequest, pk: int, tab: str, success: str, call: Callable[[], Any]) -> HttpResponse:
    """Every form on the project page: call the service, say what happened, back to the tab."""
    run_and_report(request, call, success)
    return _tab(pk, tab)


@page("projects", "change")
@require_POST
def project_transition(request: StaffRequest, pk: int) -> HttpResponse:
    return _run(
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
                    "quantity": _decimal(request.POST[key], _("工程量")),
                    "unit_cost_yuan": _decimal(request.POST.get(f"cost_{item_id}", ""), _("单价")),
                }
            )
        return services.project_items_set(
            by=request.user, project_id=pk, version=posted_version(request), rows=rows
        )

    return _run(request, pk, "items", _("设计改造内容已保存"), call)


@page("plans", "approve")
@require_POST
def project_reapprove(request: StaffRequest, pk: int) -> HttpResponse:
    return _run(
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
                "due_on": _date(due, _("计划日期")),
                "done_on": _date_or_none(done, _("完成日期")),
            }
            for name, due, done in zip(names, dues, dones, strict=True)
            if name.strip() or due.strip()
        ]
        return services.project_schedule_set(
            by=request.user,
            project_id=pk,
            version=posted_version(request),
            planned_start=_date_or_none(request.POST.get("planned_start", ""), _("计划开工")),
            planned_end=_date_or_none(request.POST.get("planned_end", ""), _("计划竣工")),
            contact_phone=request.POST.get("contact_phone", ""),
            milestones=rows,
        )

    return _run(request, pk, "overview", _("工期和进度节点已保存"), call)


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
            int(item_id): _decimal(value, _("累计完成量"))
            for item_id, value in filled.items()
            if parse_id(item_id) is not None and value
        }
        uploads = request.FILES.getlist("photos")
        if any(upload.size and upload.size > settings.HUANXIN_PHOTO_MAX_BYTES for upload in uploads):
            raise Invalid(_("照片不能超过 %(n)d MB") % {"n": settings.HUANXIN_PHOTO_MAX_BYTES // 2**20})
        return services.progress_reports_add(
            by=request.user,
            project_id=pk,
            on=_date(request.POST.get("on", ""), _("日期")),
            quantities=quantities,
            note=request.POST.get("note", ""),
            photos=tuple(upload.read() for upload in uploads[: services.MAX_REPORT_PHOTOS + 1]),
        )

    return _run(request, pk, "progress", _("进度已填报"), call)


@page("projects", ("change", "own_progress"))
@require_POST
def progress_upload(request: StaffRequest, pk: int) -> HttpResponse:
    project = get_visible_or_404(projects_for(request.user), request.user, pk=pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择进度表文件"))
        return _tab(pk, "progress")
    if upload.size and upload.size > MAX_SHEET_BYTES:
        messages.error(request, _("文件过大（不能超过5MB）"))
        return _tab(pk, "progress")
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
    return _tab(pk, "progress")


@page("projects", ("change", "own_progress"))
def progress_template(request: StaffRequest, pk: int) -> HttpResponse:
    project = get_visible_or_404(projects_for(request.user), request.user, pk=pk)
    response = HttpResponse(
        progress_sheet.progress_template(project, today=clock.today()),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(project.name + '进度周报.xlsx')}"
    return response


@page("projects", "sign_acceptance")
@require_POST
def acceptance_sign(request: StaffRequest, pk: int) -> HttpResponse:
    return _run(
        request,
        pk,
        "acceptance",
        _("已签字"),
        lambda: services.acceptance_sign(
            by=request.user, project_id=pk, opinion=request.POST.get("opinion", "")
        ),
    )


@page("projects", "change")
@require_POST
def acceptance_paper(request: StaffRequest, pk: int) -> HttpResponse:
    return _run(
        request,
        pk,
        "acceptance",
        _("纸质验收记录已补录"),
        lambda: services.acceptance_paper_record(
            by=request.user,
            project_id=pk,
            archive_number=request.POST.get("archive_number", ""),
            signed_on=_date(request.POST.get("signed_on", ""), _("签字日期")),
            signers={party: request.POST.get(f"signer_{party}", "") for party in rules.PARTIES},
        ),
    )


@page("projects", ("change", "answer_feedback"))
@require_POST
def representative_add(request: StaffRequest, pk: int) -> HttpResponse:
    project = get_visible_or_404(projects_for(request.user), request.user, pk=pk)

    def call() -> Any:
        household_id = parse_id(request.POST.get("household"))
        if household_id is None or not households_of(request.user, project).filter(pk=household_id).exists():
            raise Invalid(_("请选择本小区的住户"))
        return resident_services.representative_add(
            by=request.user,
            household_id=household_id,
            elected_on=_date(request.POST.get("elected_on", ""), _("推选日期")),
            note=request.POST.get("note", ""),
        )

    return _run(request, pk, "acceptance", _("已登记居民代表"), call)


@page("projects", ("change", "answer_feedback"))
@require_POST
def representative_remove(request: StaffRequest, pk: int, representative_pk: int) -> HttpResponse:
    get_visible_or_404(projects_for(request.user), request.user, pk=pk)
    return _run(
        request,
        pk,
        "acceptance",
        _("已移除居民代表"),
        lambda: services.project_representative_remove(
            by=request.user, project_id=pk, representative_id=representative_pk
        ),
    )


@page("projects", "change")
@require_POST
def project_hand_over(request: StaffRequest, pk: int) -> HttpResponse:
    return _run(
        request,
        pk,
        "acceptance",
        _("项目已移交"),
        lambda: services.project_hand_over(
            by=request.user,
            project_id=pk,
            version=posted_version(request),
            management_mode=request.POST.get("management_mode", ""),
            manager=request.POST.get("manager", ""),
            note=request.POST.get("note", ""),
        ),
    )


@page("projects", ("view", "own_progress", "sign_acceptance"))
def acceptance_pdf(request: StaffRequest, pk: int) -> HttpResponse:
    """The acceptance record as the printed form (竣工验收记录表)."""
    project = get_visible_or_404(
        projects_for(request.user).select_related("builder", "supervisor", "designer"), request.user, pk=pk
    )
    try:
        content = documents.acceptance_pdf(
            project, personal=request.user.sees_personal_data(project.estate.region.code)
        )
    except HuanxinError as error:
        messages.error(request, error.message)
        return _tab(pk, "acceptance")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(project.name + '竣工验收记录.pdf')}"
    return response


MAX_SHEET_BYTES = 5 * 1024 * 1024


def _decimal(text: str, label: str) -> Decimal:
    return parse_decimal(text, label=label)


def _date(text: str, label: str) -> dt.date:
    return parse_date(text, label=label)


def _date_or_none(text: str, label: str) -> dt.date | None:
    return _date(text, label) if text.strip() else None


@public_page()
def project_public(request: HttpRequest, pk: int) -> HttpResponse:
    """The project's notice board (公示): what is done, where, by whom, for how much, how far
    along, whom to call. No personal data: organizations only, never a signer's or resident's name."""
    project = (
        Project.objects.select_related(
            "estate__region__parent__parent", "builder", "supervisor", "designer", "plan_entry__plan"
        )
        .exclude(state=rules.CANCELLED)
        .filter(pk=pk)
        .first()
    )
    if project is None:
        raise NotFound()
    if project.joined_into_id is not None:  # one notice board for the joint works
        return redirect("projects:public", pk=project.joined_into_id)
    items = item_progress(project)
    pairs, photos = photo_board(project)
    return render(
        request,
        "projects/public.html",
        {
            "project": project,
            "items": items,
            "budget": sum((item.budget_yuan for item, _done in items), Decimal(0)),
            "progress": project_progress(project),
            "milestones": project.milestones.all(),
            "signed_parties": [line.label for line in acceptance_lines(project) if line.signed],
            "handover": Handover.objects.filter(project=project).first(),
            "coverage": coverage_for(project),
            "vote": design_vote_result(project) if project.state == rules.PUBLICITY else None,
            "publicity_ends": publicity_ends_on(project),
            "pairs": pairs,
            "photos": photos,
        },
    )


@page("projects", ("change", "own_progress"))
@require_POST
def photo_upload(request: StaffRequest, pk: int) -> HttpResponse:
    upload = request.FILES.get("photo")

    def call() -> Any:
        if upload is None:
            raise Invalid(_("请选择照片"))
        if upload.size and upload.size > settings.HUANXIN_PHOTO_MAX_BYTES:
            raise Invalid(_("照片不能超过 %(n)d MB") % {"n": settings.HUANXIN_PHOTO_MAX_BYTES // 2**20})
        item = request.POST.get("item", "")
        photo = services.photo_upload(
            by=request.user,
            project_id=pk,
            content=upload.read(),
            stage=request.POST.get("stage", ""),
            item_id=parse_id(item),
            caption=request.POST.get("caption", ""),
        )
        if photo.flags:
            messages.warning(
                request, _("照片已上传，但有疑点：%(flags)s") % {"flags": "；".join(photo.flags)}
            )
        return photo

    return _run(request, pk, "photos", _("照片已上传"), call)


@page("projects", ("change", "answer_feedback"))
@require_POST
def feedback_enter(request: StaffRequest, pk: int) -> HttpResponse:
    """The community takes down a complaint from a resident who calls."""
    return _run(
        request,
        pk,
        "feedback",
        _("已登记投诉建议"),
        lambda: services.feedback_submit(
            by=request.user,
            project_id=pk,
            category=request.POST.get("category", ""),
            text=request.POST.get("text", ""),
        ),
    )


@page("projects", ("change", "answer_feedback", "own_progress"))
@require_POST
def feedback_answer(request: StaffRequest, pk: int, feedback_pk: int) -> HttpResponse:
    return _run(
        request,
        pk,
        "feedback",
        _("已答复"),
        lambda: services.feedback_answer(
            by=request.user, feedback_id=feedback_pk, answer=request.POST.get("answer", "")
        ),
    )


@page("projects", "change")
@require_POST
def paper_vote(request: StaffRequest, pk: int) -> HttpResponse:
    def call() -> Any:
        counts: services.PaperVoteCounts = {
            "heads_total": _whole(request.POST.get("heads_total", ""), _("业主总人数")),
            "heads_voted": _whole(request.POST.get("heads_voted", ""), _("参与表决人数")),
            "heads_yes": _whole(request.POST.get("heads_yes", ""), _("同意人数")),
            "area_total": _decimal(request.POST.get("area_total", ""), _("总面积")),
            "area_voted": _decimal(request.POST.get("area_voted", ""), _("参与表决面积")),
            "area_yes": _decimal(request.POST.get("area_yes", ""), _("同意面积")),
        }
        return services.paper_vote_record(
            by=request.user,
            project_id=pk,
            counts=counts,
            archive_number=request.POST.get("archive_number", ""),
            held_on=_date(request.POST.get("held_on", ""), _("表决日期")),
        )

    return _run(request, pk, "residents", _("表决结果已录入"), call)


PHOTO_FILES = {"original": "original", "public": "public_copy", "thumb": "thumbnail"}


@page("projects", ("view", "own_progress", "sign_acceptance"))
def photo_file(request: StaffRequest, pk: int, kind: str) -> FileResponse:
    """Staff see the photos of the projects they see; the original (with its metadata) only with
    a role that may change projects or report on them."""
    photo = get_visible_or_404(ProjectPhoto.objects.select_related("project"), request.user, pk=pk)
    if kind not in PHOTO_FILES:
        raise NotFound()
    if kind == "original" and not (
        request.user.can("projects", "change") or request.user.can("projects", "own_progress")
    ):
        raise NotFound()
    return _serve(getattr(photo, PHOTO_FILES[kind]))


@public_page()
def photo_public(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    """Public copies only (every metadata stripped), of the project's own photos: never the
    original, never a resident's feedback photo."""
    photo = (
        ProjectPhoto.objects.filter(pk=pk, feedback__isnull=True)
        .exclude(project__state=rules.CANCELLED)
        .first()
    )
    if photo is None or kind not in ("public", "thumb"):
        raise NotFound()
    return _serve(getattr(photo, PHOTO_FILES[kind]))


def _serve(field: Any) -> FileResponse:
    if not field or not default_storage.exists(field.name):
        raise NotFound()
    content_type = "image/png" if field.name.endswith(".png") else "image/jpeg"
    if field.name.endswith(".webp"):
        content_type = "image/webp"
    response = FileResponse(default_storage.open(field.name, "rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _whole(text: str, label: str) -> int:
    value = _decimal(text, label)
    if value != value.to_integral_value() or abs(value) > 10**9:
        raise Invalid(_("%(label)s应为整数：%(value)s") % {"label": label, "value": text[:20]})
    return int(value)


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

    return _run(request, pk, "overview", _("参建单位已保存"), call)


@page("projects", ("change", "own_progress"))
@require_POST
def milestone_done(request: StaffRequest, pk: int, milestone_pk: int) -> HttpResponse:
    get_visible_or_404(projects_for(request.user), request.user, pk=pk)
    return _run(
        request,
        pk,
        "overview",
        _("节点已标记完成"),
        lambda: services.milestone_done(
            by=request.user,
            milestone_id=milestone_pk,
            done_on=_date(request.POST.get("done_on", ""), _("完成日期")),
        ),
    )


@page("projects", ("view", "own_progress", "sign_acceptance"))
def project_export(request: StaffRequest) -> HttpResponse:
    """The list as the user filtered it, one click, as xlsx (no personal data in it)."""
    projects, _filterset = _filtered(request)
    audit_record(
        action="project.export",
        actor=request.user,
        request=request,
        detail={"rows": projects.count(), "filters": request.GET.urlencode()},
    )
    content = write_xlsx([exports.project_sheet(projects.select_related("builder", "supervisor"))])
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('改造项目.xlsx')}"
    return response


@page("projects", "change")
@require_POST
def project_join(request: StaffRequest, pk: int) -> HttpResponse:
    """联片改造: an adjacent estate's project joins this one."""
    other = parse_id(request.POST.get("other"))
    return _run(
        request,
        pk,
        "overview",
        _("已联合相邻小区联片实施"),
        lambda: services.project_join(
            by=request.user, project_id=pk, version=posted_version(request), other_id=other or 0
        ),
    )
