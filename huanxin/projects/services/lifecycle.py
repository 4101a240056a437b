"""The project's lifecycle: opening from an approved plan, transitions with every guard, joining, re-
approval, handover."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from huanxin.core import clock
from huanxin.core.audit import audit_record
from huanxin.core.errors import Forbidden, Invalid, Refused
from huanxin.core.http import get_visible_or_404
from huanxin.core.scoping import SYSTEM
from huanxin.core.validation import stamp_history
from huanxin.estates.models import ManagementMode
from huanxin.estates.services import estate_update
from huanxin.projects import guards, rules
from huanxin.projects.models import (
    Handover,
    Project,
)
from huanxin.projects.querysets import (
    JOINABLE_STATES,
    combined_estimate,
    config_for,
    design_budget,
    join_candidates,
)
from huanxin.projects.services.common import locked_project, transition_record


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
        transition_record(
            project, from_state="", to_state=rules.APPROVED, by=user, note=f"{plan.year}年度计划批准"
        )
    audit_record(action="projects.open", actor=by, target=plan, detail={"entries": plan.entries.count()})


def transition_refusals(project: Project, to_state: str) -> list[str]:
    """Why the project cannot move to `to_state` now; empty when it can."""
    if project.joined_into_id is not None:
        return [_("已并入“%(lead)s”联片实施，随其推进") % {"lead": project.joined_into}]
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
        project = locked_project(by, project_id, version)
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
        transition_record(project, from_state=previous, to_state=to_state, by=by, note=note.strip())
        audit_record(
            action="project.transition",
            actor=by,
            target=project,
            region_code=project.estate.region.code,
            detail={"from": previous, "to": to_state},
        )
        for joined in project.joined.select_for_update(of=("self",)):
            _follow(joined, project, by=by, note=note)
    return project


def _follow(joined: Project, lead: Project, *, by: Any, note: str = "") -> None:
    """A joined project takes the lead project's state, recorded as its own transition."""
    if joined.state == lead.state and joined.resume_to == lead.resume_to:
        return
    previous = joined.state
    joined.state, joined.resume_to = lead.state, lead.resume_to
    joined.cancel_reason = lead.cancel_reason
    joined.version += 1
    stamp_history(joined, by=by, reason=f"随{lead.name}联片实施")
    joined.save()
    transition_record(
        joined,
        from_state=previous,
        to_state=lead.state,
        by=by,
        note=f"随{lead.name}联片实施" + (f"：{note.strip()}" if note.strip() else ""),
    )


def project_join(*, by: Any, project_id: int, version: int, other_id: int) -> Project:
    """联片改造: an adjacent estate's project (same street, same year, not yet designed) joins this
    one. The design, the works, the money and the acceptance are the lead project's; the joined
    project keeps its plan entry and follows the lead's states."""
    if not by.can("projects", "change"):
        raise Forbidden(_("您的角色不能合并项目"))
    with transaction.atomic():
        project = locked_project(by, project_id, version)
        other = get_visible_or_404(
            Project.objects.select_for_update(of=("self",)).select_related("estate__region"), by, pk=other_id
        )
        if project.joined_into_id is not None:
            raise Refused(_("本项目已并入其他项目"))
        if not join_candidates(project).filter(pk=other.pk).exists():
            raise Refused(
                _("只能联合同一年度计划、同一街道内尚未编制设计、尚无资金的项目：%(other)s不符合")
                % {"other": other.name}
            )
        if project.state not in JOINABLE_STATES:
            raise Refused(_("设计公示后不能再联合其他小区"))
        other.joined_into = project
        other.version += 1
        stamp_history(other, by=by, reason=f"并入{project.name}联片实施")
        other.save()
        _follow(other, project, by=by)
        project.version += 1
        stamp_history(project, by=by, reason=f"联合{other.estate.name}联片实施")
        project.save(update_fields=["version"])
        audit_record(
            action="project.join",
            actor=by,
            target=project,
            region_code=project.estate.region.code,
            detail={"joined": other.pk},
        )
    return project


def project_reapprove(*, by: Any, project_id: int, version: int) -> Project:
    """The city's re-approval of a design budget beyond the margin over the estimate (SPEC 5.3)."""
    if not by.can("plans", "approve"):
        raise Forbidden(_("只有市级改造办可以重新批准设计预算"))
    with transaction.atomic():
        project = locked_project(by, project_id, version)
        budget = design_budget(project)
        margin = config_for(project.estate.region.code).reapproval_margin
        if not rules.needs_reapproval(
            budget, combined_estimate(project), margin, project.reapproved_budget_yuan
        ):
            raise Refused(_("设计预算未超出批准估算的允许幅度，无须重新批准"))
        project.reapproved_budget_yuan = budget
        project.version += 1
        stamp_history(project, by=by, reason=f"市级重新批准设计预算{budget:,.2f}元")
        project.save()
        audit_record(
            action="project.reapprove",
            actor=by,
            target=project,
            region_code=project.estate.region.code,
            detail={"budget": str(budget), "estimate": str(project.estimated_cost_yuan)},
        )
    return project


def project_hand_over(
    *,
    by: Any,
    project_id: int,
    version: int,
    management_mode: str,
    manager: str = "",
    note: str = "",
) -> Project:
    """Records who manages the estate from now on (SPEC 4.11) and moves the project to 已移交;
    the estate's own management mode follows."""
    if management_mode not in ManagementMode.values or management_mode == ManagementMode.NONE:
        raise Invalid(
            _("请选择移交后的长效管理模式"),
            details=[{"field": "management_mode", "message": management_mode}],
        )
    with transaction.atomic():
        project = locked_project(by, project_id, version)
        Handover.objects.update_or_create(
            project=project,
            defaults={
                "management_mode": management_mode,
                "manager": manager.strip()[:128],
                "note": note.strip(),
                "on": clock.today(),
                "by": by if getattr(by, "pk", None) else None,
            },
        )
        project = project_transition(
            by=by, project_id=project.pk, version=project.version, to_state=rules.HANDED_OVER
        )
        estate = project.estate
        if estate.management_mode != management_mode:
            estate_update(
                by=SYSTEM,
                estate_id=estate.pk,
                version=estate.version,
                changes={"management_mode": management_mode},
                reason=f"{project.name}移交",
            )
    return project
