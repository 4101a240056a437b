"""A contractor's or an owners' committee's home: its own projects, each with the work waiting
for it there (report progress, upload photos, look at the design vote, sign the acceptance) —
not a district dashboard of money it has no business with."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from huanxin.accounts.models import StaffRequest, User
from huanxin.accounts.permissions import Role
from huanxin.core.access import page
from huanxin.core.http import requested_as_of
from huanxin.projects import rules
from huanxin.projects.as_of import attach_then
from huanxin.projects.models import Project
from huanxin.projects.querysets import acceptance_lines, parties_of, projects_for
from huanxin.projects.views.common import REPORTING, may_report


@dataclass
class Task:
    key: str  # "progress", "photos", "vote", "sign"
    label: str
    tab: str
    waiting: bool = False  # the project waits for this user here (shown first, highlighted)


@dataclass
class MyProject:
    project: Project
    tasks: list[Task] = field(default_factory=list)

    def url(self, task: Task) -> str:
        return f"{reverse('projects:detail', args=[self.project.pk])}?tab={task.tab}"


def tasks_for(user: User, project: Project) -> list[Task]:
    """What this user can do on this project today, the work waiting for it marked."""
    tasks = []
    if may_report(user, project) and project.state != rules.CANCELLED:
        tasks.append(Task("progress", _("填报进度"), "progress", waiting=project.state in REPORTING))
        tasks.append(Task("photos", _("施工照片"), "photos"))
    if Role.OWNERS_COMMITTEE in user.roles:
        voting = project.state == rules.PUBLICITY
        tasks.append(
            Task("vote", _("设计方案表决") if voting else _("设计方案与表决结果"), "residents", voting)
        )
    parties = parties_of(user, project)
    if parties:
        unsigned = project.state == rules.AWAITING_ACCEPTANCE and any(
            not line.signed for line in acceptance_lines(project) if line.party in parties
        )
        tasks.append(Task("sign", _("竣工验收签字"), "acceptance", unsigned))
    return sorted(tasks, key=lambda task: not task.waiting)


@page("projects", ("view", "own_progress", "sign_acceptance"))
def my_projects(request: StaffRequest) -> HttpResponse:
    """`?task=vote|sign`: the projects with that work; where there is exactly one, its tab."""
    user = request.user
    if user.scope.estate_ids is None:  # offices have the dashboard and the full list
        return redirect("projects:list")
    projects = (
        projects_for(user)
        .select_related("estate", "estate__region", "plan_entry__plan")
        .order_by("-plan_entry__plan__year", "name")
    )
    rows = [MyProject(project, tasks_for(user, project)) for project in projects]
    task = request.GET.get("task", "")
    if task:
        rows = [row for row in rows if any(t.key == task for t in row.tasks)]
        if len(rows) == 1:
            return redirect(rows[0].url(next(t for t in rows[0].tasks if t.key == task)))
    return render(request, "projects/mine.html", {"rows": rows, "task": task})


@page("projects", ("view", "own_progress", "sign_acceptance"))
def estate_projects(request: StaffRequest, estate_pk: int) -> HttpResponse:
    """The estate page's line of its projects (the estates app does not import this one): each
    with its year, state and progress, as of the page's day."""
    as_of = requested_as_of(request.GET)
    projects = list(
        projects_for(request.user)
        .filter(estate_id=estate_pk)
        .select_related("plan_entry__plan")
        .order_by("plan_entry__plan__year")
    )
    rows = [project for project in attach_then(projects, as_of) if project.state_then is not None]  # type: ignore[attr-defined]
    return render(
        request,
        "projects/partials/estate_projects.html",
        {"rows": rows, "as_of": as_of, "states": rules.STATES},
    )
