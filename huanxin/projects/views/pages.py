"""The project list (filters, totals, export), the project page with its tabs, and the public notice board.
An action a guard refuses is shown disabled with the reason (UI.md)."""

from __future__ import annotations

import datetime as dt
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
    requested_as_of,
)
from huanxin.core.spreadsheets import export_title, write_xlsx
from huanxin.estates.models import ManagementMode
from huanxin.projects import exports, rules, services
from huanxin.projects.as_of import RowsThen, attach_then, closed_on_by, design_then, milestones_then
from huanxin.projects.filtersets import filter_projects
from huanxin.projects.models import (
    FeedbackCategory,
    Handover,
    ProgressReport,
    Project,
    ProjectTransition,
    Satisfaction,
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
    last_reports,
    paper_vote_of,
    parties_of,
    photo_board,
    photos_waiting,
    project_progress,
    projects_for,
    publicity_ends_on,
    representatives_of,
    satisfaction_counts,
    satisfaction_levels,
    with_feedback_counts,
    with_flags,
)
from huanxin.projects.services.progress import may_confirm, may_mark_milestone
from huanxin.projects.views.common import (
    EDITABLE_DESIGN,
    HIDDEN_HISTORY,
    PAPER_VOTE_FIELDS,
    REPORTING,
    TABS,
    contractors,
    may_report,
)


def _filtered(request: StaffRequest, as_of: dt.date | None) -> Any:
    """The list's projects as filtered by the query string (the page, its export), on `as_of`."""
    params = request.GET.copy()
    if params.get("late") == "1":  # the page's checkbox
        params["late"] = "true"
    return filter_projects(with_feedback_counts(with_flags(projects_for(request.user)), as_of), params, as_of)


@page("projects", ("view", "own_progress", "sign_acceptance"))
def project_list(request: StaffRequest) -> HttpResponse:
    as_of = requested_as_of(request.GET)
    projects, filterset = _filtered(request, as_of)
    for field, errors in filterset.errors.items():
        messages.warning(request, f"{filterset.form.fields[field].label}：{'；'.join(errors)}")
    state = request.GET.get("state", "")
    year = request.GET.get("year", "")
    contractor = request.GET.get("contractor", "")
    totals = projects.order_by().aggregate(
        households=Sum("plan_entry__households"), cost=Sum("estimated_cost_yuan")
    )
    page_obj = Paginator(RowsThen(projects, as_of), 50).get_page(request.GET.get("page"))  # type: ignore[arg-type, var-annotated]
    return render(
        request,
        "projects/list.html",
        {
            "as_of": as_of,
            "page_obj": page_obj,
            "totals": totals,
            "states": rules.STATES.items(),
            "states_by_key": rules.STATES,
            "state": state,
            "year": year,
            "contractor": contractor,
            "contractors": contractors(),
            "count": projects.count(),
        },
    )


@page("projects", ("view", "own_progress", "sign_acceptance"))
def project_detail(request: StaffRequest, pk: int) -> HttpResponse:
    """The project with its tabs, live or at the end of a past day (`?as_of=`): then the page
    shows the state, design, progress, milestones, signatures, votes, ratings, photos, feedback
    and history of that day, and no actions."""
    user = request.user
    as_of = requested_as_of(request.GET)
    project = get_visible_or_404(
        with_flags(projects_for(user).select_related("builder", "supervisor", "designer")), user, pk=pk
    )
    [project] = attach_then([project], as_of)
    if as_of is not None and project.state_then is None:  # type: ignore[attr-defined]
        raise NotFound(_("%(day)s时本项目尚未立项") % {"day": as_of.isoformat()})
    live = as_of is None
    tab = request.GET.get("tab", "overview")
    tab = tab if tab in TABS else "overview"
    actions = (
        [
            (state, rules.STATES[state], services.transition_refusals(project, state))
            for state in rules.next_states(project.state, project.resume_to or None)
            if state != rules.HANDED_OVER  # handed over through its own form, with the management mode
        ]
        if live
        else []
    )
    revision, items = design_then(project, as_of)
    budget = sum((line.budget_yuan for line in items), Decimal(0))
    config = config_for(project.estate.region.code)
    on = as_of or clock.today()
    closed_on = closed_on_by(project, on)
    context: dict[str, Any] = {
        "project": project,
        "as_of": as_of,
        "state_then": project.state_then,  # type: ignore[attr-defined]
        "tab": tab,
        "tabs": list(TABS.items()),  # pairs: in a template, `TABS.items` would read its "items" tab
        "paper_vote_fields": PAPER_VOTE_FIELDS,
        "satisfaction_choices": Satisfaction.choices,
        "states": rules.STATES,
        "actions": actions,
        "can_change": live and user.can("projects", "change"),
        "can_see_money": user.can("money", "view"),
        "progress": project.progress_then,  # type: ignore[attr-defined]
        "forecast_end": project.forecast_then,  # type: ignore[attr-defined]
        "items": items,
        "revision": revision,
        "budget": budget,
        "needs_reapproval": live
        and rules.needs_reapproval(
            budget, combined_estimate(project), config.reapproval_margin, project.reapproved_budget_yuan
        ),
        "can_reapprove": user.can("plans", "approve"),
        "milestones": [
            (
                m,
                m.done_on if m.done_on and m.done_on <= on else None,
                rules.milestone_status(m.due_on, m.done_on, on, closed_on),
                live and may_report(user, project) and may_mark_milestone(user, project, m.name),
            )
            for m in milestones_then([project.pk], as_of)
        ],
        "milestone_labels": rules.MILESTONE_STATUS,
        "can_report": live and may_report(user, project),
    }
    # the header's count of flagged photos the public cannot see until an officer reviews them
    context["photos_waiting"] = photos_waiting(project).count() if live else 0
    if tab == "overview":
        context["joined"] = project.joined.select_related("estate")
        if (
            live
            and user.can("projects", "change")
            and project.joined_into_id is None
            and project.state in EDITABLE_DESIGN
        ):
            context["join_candidates"] = join_candidates(project)
    if tab == "overview" and live and user.can("projects", "change"):
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
    if tab == "items" and live and project.state in EDITABLE_DESIGN and user.can("projects", "change"):
        chosen = {line.item.item_id: line.item for line in items if line.item is not None}
        context["menu"] = [
            (entry, chosen.get(entry.pk))
            for entry in menu_readable_by(user).menu_for(project.estate.region.code).active()
        ]
    if tab == "progress":
        context["can_report"] = project.state in REPORTING and context["can_report"]
        last = last_reports(project)
        context["report_rows"] = [
            (line.item, line.done, last.get(line.item.pk)) for line in items if line.item is not None
        ]
        reports = ProgressReport.objects.filter(item__project=project)
        if as_of is not None:
            reports = reports.filter(on__lte=as_of)
        shown = list(
            reports.select_related("item__item", "reported_by", "confirmed_by").order_by("-on", "-id")[:100]
        )
        context["reports"] = shown
        context["confirmable"] = {
            report.pk
            for report in shown
            if live
            and report.correction_reason
            and report.confirmed_on is None
            and may_confirm(user, project, report)
        }
    if tab == "acceptance":
        personal = user.sees_personal_data(project.estate.region.code)
        context |= {
            "lines": acceptance_lines(project, personal=personal, as_of=as_of),
            "personal": personal,
            "my_parties": [str(rules.PARTIES[p]) for p in parties_of(user, project)] if live else [],
            "awaiting": live and project.state == rules.AWAITING_ACCEPTANCE,
            "needs_representatives": not has_owners_committee(project),
            "representatives": representatives_of(project),
            "households": households_of(user, project)
            if live and (user.can("projects", "change") or user.can("projects", "answer_feedback"))
            else [],
            "handover": Handover.objects.filter(project=project, on__lte=on).first(),
            "modes": [(v, label) for v, label in ManagementMode.choices if v != ManagementMode.NONE],
            "handover_refusals": services.transition_refusals(project, rules.HANDED_OVER)
            if live and project.state == rules.ACCEPTED
            else [],
            "parties": rules.parties_required(has_owners_committee(project)),
            "party_labels": rules.PARTIES,
        }
    if tab in ("items", "residents"):  # the design of the day against the answers of the day
        context["coverage"] = coverage_for(project, as_of)
    if tab == "items":  # the assessment, design and reasons of the day
        context["basic"] = basic_review(project, as_of)
        context["basic_guard"] = config.basic_coverage_guard
        context["basic_editable"] = (
            live
            and user.can("projects", "change")
            and project.state in EDITABLE_DESIGN
            and not project.joined_into_id
        )
    if tab == "residents":
        context |= {
            "vote": design_vote_result(project, as_of),
            "paper_vote": paper_vote_of(project, as_of),
            "publicity_ends": publicity_ends_on(project, as_of),
            "satisfaction": satisfaction_counts(project, as_of),
            "satisfied_share": rules.satisfied_share(satisfaction_levels(project, as_of)),
            "config": config,
        }
    if tab == "photos":
        context["pairs"], context["photos"] = photo_board(project, as_of)
        context["can_report_photos"] = live and project.state != rules.CANCELLED and may_report(user, project)
        context["waiting_photos"] = photos_waiting(project) if live else []
    if tab == "feedback":
        rows = list(
            feedback_for(user)
            .filter(project=project, received_on__lte=on)
            .select_related("household__building", "entered_by")
            .prefetch_related("photos")
        )
        for row in rows:  # an answer given after the day is not shown as of the day
            row.answered_then = row.answered_on is not None and row.answered_on <= on  # type: ignore[attr-defined]
            row.overdue_then = rules.feedback_overdue(row.due_on, row.answered_on, on)  # type: ignore[attr-defined]
        context |= {
            "feedback_rows": rows,
            "categories": FeedbackCategory.choices,
            "can_enter_feedback": live
            and (user.can("projects", "answer_feedback") or user.can("projects", "change")),
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
            ProjectTransition.objects.filter(project=project, on__lte=on)
            .select_related("by")
            .order_by("on", "id")
        )
        context["changes"] = history_of(
            project, hidden=HIDDEN_HISTORY, until=clock.end_of(as_of) if as_of is not None else None
        )
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
    pairs, photos = photo_board(project, public=True)
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
    as_of = requested_as_of(request.GET)
    projects, filterset = _filtered(request, as_of)
    audit_record(
        action="project.export",
        actor=request.user,
        request=request,
        detail={"rows": projects.count(), "filters": request.GET.urlencode()},
    )
    rows = attach_then(projects.select_related("builder", "supervisor"), as_of)
    title = export_title(_("改造项目"), filterset.form, as_of or clock.today())
    content = write_xlsx([exports.project_sheet(rows, title)])
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"改造项目{as_of.isoformat() if as_of else ''}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
