"""The project list (filters, totals, export), the project page with its tabs, and the public notice board.
An action a guard refuses is shown disabled with the reason (UI.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from huanxin.accounts.models import Organization, StaffRequest
from huanxin.catalog.querysets import menu_readable_by
from huanxin.core import clock
from huanxin.core.access import page, public_page
from huanxin.core.audit import audit_record
from huanxin.core.errors import NotFound
from huanxin.core.history import history_of
from huanxin.core.http import (
    get_visible_or_404,
)
from huanxin.core.spreadsheets import write_xlsx
from huanxin.estates.models import ManagementMode
from huanxin.projects import exports, rules, services
from huanxin.projects.filtersets import filter_projects
from huanxin.projects.models import (
    FeedbackCategory,
    Handover,
    PaperVote,
    ProgressReport,
    Project,
    ProjectTransition,
)
from huanxin.projects.querysets import (
    acceptance_lines,
    basic_review,
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
from huanxin.projects.views.common import (
    EDITABLE_DESIGN,
    HIDDEN_HISTORY,
    REPORTING,
    TABS,
    contractors,
    may_report,
)


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
            "contractors": contractors(),
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
        "can_report": may_report(user, project),
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
    if tab == "items":
        context["basic"] = basic_review(project)
        context["basic_guard"] = config.basic_coverage_guard
        context["basic_editable"] = (
            user.can("projects", "change") and project.state in EDITABLE_DESIGN and not project.joined_into_id
        )
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
        context["can_report_photos"] = project.state != rules.CANCELLED and may_report(user, project)
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
            "basic": basic_review(project),
            "vote": design_vote_result(project) if project.state == rules.PUBLICITY else None,
            "publicity_ends": publicity_ends_on(project),
            "pairs": pairs,
            "photos": photos,
        },
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
