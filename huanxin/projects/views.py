"""Project pages: the list (filters, totals) and the project with its tabs and next actions —
an action a guard refuses is shown disabled with the reason (UI.md)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huanxin.accounts.models import StaffRequest
from huanxin.core import clock
from huanxin.core.access import page
from huanxin.core.errors import HuanxinError
from huanxin.core.http import get_visible_or_404, posted_version
from huanxin.projects import rules, services
from huanxin.projects.models import ProgressReport, ProjectTransition
from huanxin.projects.querysets import item_progress, project_progress, projects_for
from huanxin.regions import rules as region_rules

TABS = ("overview", "items", "progress", "history")


@page("projects", ("view", "own_progress"))
def project_list(request: StaffRequest) -> HttpResponse:
    projects = projects_for(request.user)
    state = request.GET.get("state", "")
    if state in rules.STATES:
        projects = projects.filter(state=state)
    year = request.GET.get("year", "")
    if year.isdigit():
        projects = projects.filter(plan_entry__plan__year=int(year))
    region = request.GET.get("region", "").strip()
    if region:
        try:
            projects = projects.filter(
                estate__region__code__startswith=region_rules.significant_prefix(region)
            )
        except ValueError:
            messages.warning(request, _("区划代码应为6、9或12位数字"))
    if request.GET.get("late") == "1":
        projects = projects.filter(planned_end__lt=clock.today()).exclude(
            state__in=[*rules.COMPLETED, rules.CANCELLED]
        )
    totals = projects.order_by().aggregate(
        households=Sum("plan_entry__households"), cost=Sum("estimated_cost_yuan")
    )
    page_obj = Paginator(projects.order_by("estate__code"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/list.html",
        {
            "page_obj": page_obj,
            "totals": totals,
            "states": rules.STATES.items(),
            "state": state,
            "year": year,
            "count": projects.count(),
        },
    )


@page("projects", ("view", "own_progress"))
def project_detail(request: StaffRequest, pk: int) -> HttpResponse:
    project = get_visible_or_404(
        projects_for(request.user).select_related("builder", "supervisor", "designer"), request.user, pk=pk
    )
    tab = request.GET.get("tab", "overview")
    tab = tab if tab in TABS else "overview"
    actions = [
        (state, rules.STATES[state], services.transition_refusals(project, state))
        for state in rules.next_states(project.state, project.resume_to or None)
    ]
    items = item_progress(project)
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "tab": tab,
            "states": rules.STATES,
            "actions": actions,
            "can_transition": request.user.can("projects", "change"),
            "progress": project_progress(project),
            "items": items,
            "budget": sum((item.budget_yuan for item, _done in items), 0),
            "reports": ProgressReport.objects.filter(item__project=project)
            .select_related("item__item", "reported_by")
            .order_by("-on", "-id")[:100],
            "transitions": ProjectTransition.objects.filter(project=project)
            .select_related("by")
            .order_by("on", "id"),
        },
    )


@page("projects", "change")
@require_POST
def project_transition(request: StaffRequest, pk: int) -> HttpResponse:
    try:
        services.project_transition(
            by=request.user,
            project_id=pk,
            version=posted_version(request),
            to_state=request.POST.get("to_state", ""),
            note=request.POST.get("note", ""),
        )
    except HuanxinError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("项目状态已变更"))
    return redirect("projects:detail", pk=pk)
