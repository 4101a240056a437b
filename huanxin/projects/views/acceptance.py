"""Acceptance: signatures, the paper record, representatives, handover, the record as PDF."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huanxin.accounts.models import StaffRequest
from huanxin.core.access import page
from huanxin.core.errors import HuanxinError, Invalid
from huanxin.core.http import (
    get_visible_or_404,
    parse_id,
    posted_version,
)
from huanxin.projects import documents, rules, services
from huanxin.projects.querysets import (
    households_of,
    projects_for,
)
from huanxin.projects.views.common import form_date, run_on_tab, tab_redirect
from huanxin.residents import services as resident_services


@page("projects", "sign_acceptance")
@require_POST
def acceptance_sign(request: StaffRequest, pk: int) -> HttpResponse:
    return run_on_tab(
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
    return run_on_tab(
        request,
        pk,
        "acceptance",
        _("纸质验收记录已补录"),
        lambda: services.acceptance_paper_record(
            by=request.user,
            project_id=pk,
            archive_number=request.POST.get("archive_number", ""),
            signed_on=form_date(request.POST.get("signed_on", ""), _("签字日期")),
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
            elected_on=form_date(request.POST.get("elected_on", ""), _("推选日期")),
            note=request.POST.get("note", ""),
        )

    return run_on_tab(request, pk, "acceptance", _("已登记居民代表"), call)


@page("projects", ("change", "answer_feedback"))
@require_POST
def representative_remove(request: StaffRequest, pk: int, representative_pk: int) -> HttpResponse:
    get_visible_or_404(projects_for(request.user), request.user, pk=pk)
    return run_on_tab(
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
    return run_on_tab(
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
        return tab_redirect(pk, "acceptance")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(project.name + '竣工验收记录.pdf')}"
    return response
