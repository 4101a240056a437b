"""Every write to projects: opening them from an approved plan, transitions through the
lifecycle with all guards, the design's items, organizations, progress reports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypedDict

from django.db import transaction
from django.utils.translation import gettext as _

from huanxin.accounts.models import Organization
from huanxin.catalog.models import MenuItem
from huanxin.core import clock
from huanxin.core.audit import audit_record
from huanxin.core.errors import Forbidden, Invalid, Refused, StaleEdit
from huanxin.core.http import get_visible_or_404
from huanxin.core.scoping import SYSTEM
from huanxin.core.validation import stamp_history
from huanxin.estates.models import EstateTie
from huanxin.estates.services import estate_tie_add
from huanxin.projects import guards, rules
from huanxin.projects.models import ProgressReport, Project, ProjectItem, ProjectTransition


def projects_open_for_plan(plan: Any, by: Any) -> None:
    """The follower of a plan's approval: one project per entry, in state 已立项."""
    user = by if getattr(by, "pk", None) else None
    for entry in plan.entries.select_related("estate"):
        if Project.objects.filter(plan_entry=entry).exists():
            continue
        project = Project.objects.create(
            plan_entry=entry,
            estate=entry.estate,
            name=f"{entry.estate.name}改造项目（{plan.year}年）",
            estimated_cost_yuan=entry.estimated_cost_yuan,
        )
        ProjectTransition.objects.create(
            project=project,
            to_state=rules.APPROVED,
            on=clock.today(),
            by=user,
            note=f"{plan.year}年度计划批准",
        )
    audit_record(action="projects.open", actor=by, target=plan, detail={"entries": plan.entries.count()})


def _locked(by: Any, project_id: int, version: int) -> Project:
    project = get_visible_or_404(Project.objects.select_for_update(of=("self",)), by, pk=project_id)
    if project.version != version:
        raise StaleEdit(_("该项目已被他人修改，请刷新后重试"))
    return project


def transition_refusals(project: Project, to_state: str) -> list[str]:
    """Why the project cannot move to `to_state` now; empty when it can."""
    allowed = rules.next_states(project.state, project.resume_to or None)
    if to_state not in allowed:
        return [
            _("不能从“%(a)s”变为“%(b)s”")
            % {"a": rules.STATES[project.state], "b": rules.STATES.get(to_state, to_state)}
        ]
    if to_state in (rules.SUSPENDED, rules.CANCELLED):
        return []
    return guards.refusals(project, to_state)


def project_transition(*, by: Any, project_id: int, version: int, to_state: str, note: str = "") -> Project:
    """One service call per transition: every guard runs, every refusal is named; of two
    concurrent transitions one wins and the other is refused as stale."""
    if not by.can("projects", "change"):
        raise Forbidden(_("您的角色不能变更项目状态"))
    if to_state == rules.CANCELLED and not note.strip():
        raise Invalid(_("终止项目须写明原因"), details=[{"field": "note", "message": _("必填")}])
    with transaction.atomic():
        project = _locked(by, project_id, version)
        refusals = transition_refusals(project, to_state)
        if refusals:
            raise Refused(
                "；".join(refusals), details=[{"field": None, "message": text} for text in refusals]
            )
        previous = project.state
        project.resume_to = previous if to_state == rules.SUSPENDED else ""
        project.state = to_state
        if to_state == rules.CANCELLED:
            project.cancel_reason = note.strip()
        project.version += 1
        stamp_history(project, by=by, reason=f"{rules.STATES[previous]}→{rules.STATES[to_state]}")
        project.save()
        ProjectTransition.objects.create(
            project=project,
            from_state=previous,
            to_state=to_state,
            on=clock.today(),
            by=by if getattr(by, "pk", None) else None,
            note=note.strip(),
        )
        audit_record(
            action="project.transition",
            actor=by,
            target=project,
            region_code=project.estate.region.code,
            detail={"from": previous, "to": to_state},
        )
    return project


class ItemRow(TypedDict):
    item_id: int
    quantity: Decimal
    unit_cost_yuan: Decimal


def project_items_set(*, by: Any, project_id: int, version: int, rows: list[ItemRow]) -> Project:
    """The design's items (before its publicity): their sum is the design budget."""
    if not by.can("projects", "change"):
        raise Forbidden(_("您的角色不能编制设计内容"))
    with transaction.atomic():
        project = _locked(by, project_id, version)
        if project.state not in (rules.APPROVED, rules.DESIGN):
            raise Refused(_("设计公示后不能再修改改造内容"))
        menu = MenuItem.objects.in_bulk([row["item_id"] for row in rows])
        bad = [
            row
            for row in rows
            if row["item_id"] not in menu or row["quantity"] <= 0 or row["unit_cost_yuan"] < 0
        ]
        if bad:
            raise Invalid(_("有 %(n)d 项改造内容无效（菜单中不存在，或工程量不是正数）") % {"n": len(bad)})
        ProjectItem.objects.filter(project=project).delete()
        ProjectItem.objects.bulk_create(
            ProjectItem(
                project=project,
                item=menu[row["item_id"]],
                quantity=row["quantity"],
                unit=menu[row["item_id"]].unit,
                unit_cost_yuan=row["unit_cost_yuan"],
                budget_yuan=(row["quantity"] * row["unit_cost_yuan"]).quantize(Decimal("0.01")),
            )
            for row in rows
        )
        project.version += 1
        stamp_history(project, by=by, reason="编制设计内容")
        project.save(update_fields=["version"])
        audit_record(
            action="project.items",
            actor=by,
            target=project,
            region_code=project.estate.region.code,
            detail={"items": len(rows)},
        )
    return project


def project_assign(
    *,
    by: Any,
    project_id: int,
    version: int,
    designer: Organization | None = None,
    builder: Organization | None = None,
    supervisor: Organization | None = None,
) -> Project:
    """Design, construction and supervision organizations; contractors then see the estate."""
    if not by.can("projects", "change"):
        raise Forbidden(_("您的角色不能指定参建单位"))
    kinds = {
        "designer": Organization.Kind.DESIGN,
        "builder": Organization.Kind.CONSTRUCTION,
        "supervisor": Organization.Kind.SUPERVISION,
    }
    with transaction.atomic():
        project = _locked(by, project_id, version)
        for field, organization in (("designer", designer), ("builder", builder), ("supervisor", supervisor)):
            if organization is None:
                continue
            if organization.kind != kinds[field]:
                raise Invalid(
                    _("%(name)s不是%(kind)s") % {"name": organization.name, "kind": kinds[field].label}
                )
            setattr(project, field, organization)
            estate_tie_add(
                by=SYSTEM,
                estate_id=project.estate_id,
                organization=organization,
                kind=EstateTie.Kind.CONTRACTOR,
            )
        project.version += 1
        stamp_history(project, by=by, reason="指定参建单位")
        project.save()
        audit_record(
            action="project.assign", actor=by, target=project, region_code=project.estate.region.code
        )
    return project


def progress_report(
    *, by: Any, item_id: int, on: dt.date, quantity_done: Decimal, note: str = ""
) -> ProgressReport:
    """A contractor reports for its own projects only (by scope: it sees only their estates)."""
    if not (by.can("projects", "change") or by.can("projects", "own_progress")):
        raise Forbidden(_("您的角色不能填报进度"))
    with transaction.atomic():
        item = get_visible_or_404(
            ProjectItem.objects.select_related("project", "project__estate__region"), by, pk=item_id
        )
        project = item.project
        organization_id = getattr(by, "organization_id", None)
        if (
            by.can("projects", "own_progress")
            and not by.can("projects", "change")
            and organization_id not in (project.builder_id, project.supervisor_id)
        ):
            raise Forbidden(_("只能填报本单位承建或监理的项目"))
        if project.state not in (rules.CONSTRUCTION, rules.AWAITING_ACCEPTANCE):
            raise Refused(_("项目不在施工阶段，不能填报进度"))
        if quantity_done < 0 or quantity_done > item.quantity * Decimal("1.2"):
            raise Invalid(
                _("累计完成量应在0到设计工程量之间"),
                details=[{"field": "quantity_done", "message": str(quantity_done)}],
            )
        if on > clock.today():
            raise Invalid(_("不能填报未来日期的进度"), details=[{"field": "on", "message": on.isoformat()}])
        report = ProgressReport.objects.create(
            item=item,
            on=on,
            quantity_done=quantity_done,
            note=note.strip()[:255],
            reported_by=by if getattr(by, "pk", None) else None,
        )
        audit_record(
            action="project.progress", actor=by, target=project, region_code=project.estate.region.code
        )
    return report
