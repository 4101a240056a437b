"""What several services share: the locked project at a version, a transition recorded, who may
report on a project, the resident's own project."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from huanxin.core import clock
from huanxin.core.errors import Forbidden, NotFound, StaleEdit
from huanxin.core.http import get_visible_or_404
from huanxin.estates.models import Household
from huanxin.projects.models import (
    Project,
    ProjectTransition,
)


def locked_project(by: Any, project_id: int, version: int) -> Project:
    project = get_visible_or_404(Project.objects.select_for_update(of=("self",)), by, pk=project_id)
    if project.version != version:
        raise StaleEdit(_("该项目已被他人修改，请刷新后重试"))
    return project


def transition_record(project: Project, *, from_state: str, to_state: str, by: Any, note: str) -> None:
    """The project's new state from today: the transition in force until now ends today."""
    today = clock.today()
    ProjectTransition.objects.filter(project=project, until__isnull=True).update(until=today)
    ProjectTransition.objects.create(
        project=project,
        from_state=from_state,
        to_state=to_state,
        on=today,
        by=by if getattr(by, "pk", None) else None,
        note=note,
    )


def require_reporter(by: Any, project: Project) -> None:
    """Progress is reported by staff who may change projects, or by the project's own
    builder or supervisor — never by another contractor."""
    if by.can("projects", "change"):
        return
    if not by.can("projects", "own_progress"):
        raise Forbidden(_("您的角色不能填报进度"))
    if getattr(by, "organization_id", None) not in (project.builder_id, project.supervisor_id):
        raise Forbidden(_("只能填报本单位承建或监理的项目"))


def resident_project(household: Household, project_id: int) -> Project:
    """The household's own estate's project, locked: residents reach no other."""
    project = (
        Project.objects.select_for_update(of=("self",))
        .select_related("estate__region")
        .filter(pk=project_id)
        .filter(Q(estate_id=household.estate_id) | Q(joined__estate_id=household.estate_id))
        .first()
    )
    if project is None:
        raise NotFound()
    return project
