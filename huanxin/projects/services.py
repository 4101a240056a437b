"""Every write to projects: opening them from an approved plan, transitions through the
lifecycle with all guards, the design's items, organizations, progress reports."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, TypedDict

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from huanxin.accounts.models import Organization
from huanxin.catalog.models import MenuItem
from huanxin.core import clock
from huanxin.core.audit import audit_record
from huanxin.core.errors import Forbidden, Invalid, NotFound, Refused, StaleEdit
from huanxin.core.http import get_visible_or_404
from huanxin.core.scoping import SYSTEM
from huanxin.core.spreadsheets import read_tables
from huanxin.core.validation import stamp_history
from huanxin.core.workdays import add_working_days
from huanxin.estates.models import EstateTie, Household, ManagementMode
from huanxin.estates.services import estate_tie_add, estate_tie_remove, estate_update
from huanxin.projects import guards, images, rules
from huanxin.projects.models import (
    AcceptanceSignature,
    DesignVote,
    Feedback,
    FeedbackCategory,
    Handover,
    Milestone,
    PaperVote,
    PhotoStage,
    ProgressReport,
    Project,
    ProjectItem,
    ProjectPhoto,
    ProjectTransition,
    Satisfaction,
    SatisfactionRating,
)
from huanxin.projects.progress_sheet import read_progress
from huanxin.projects.querysets import (
    JOINABLE_STATES,
    combined_estimate,
    config_for,
    construction_started_on,
    design_budget,
    has_owners_committee,
    join_candidates,
    parties_of,
    project_progress,
    publicity_ends_on,
)
from huanxin.residents import services as resident_services
from huanxin.residents.models import Representative


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
    ProjectTransition.objects.create(
        project=joined,
        from_state=previous,
        to_state=lead.state,
        on=clock.today(),
        by=by if getattr(by, "pk", None) else None,
        note=f"随{lead.name}联片实施" + (f"：{note.strip()}" if note.strip() else ""),
    )


def project_join(*, by: Any, project_id: int, version: int, other_id: int) -> Project:
    """联片改造: an adjacent estate's project (same street, same year, not yet designed) joins this
    one. The design, the works, the money and the acceptance are the lead project's; the joined
    project keeps its plan entry and follows the lead's states."""
    if not by.can("projects", "change"):
        raise Forbidden(_("您的角色不能合并项目"))
    with transaction.atomic():
        project = _locked(by, project_id, version)
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


class ItemRow(TypedDict):
    item_id: int
    quantity: Decimal
    unit_cost_yuan: Decimal


QUANTITY_MAX = Decimal(999_999_999)  # the columns hold 10 digits before the point
UNIT_COST_MAX = Decimal(999_999_999)


def project_items_set(*, by: Any, project_id: int, version: int, rows: list[ItemRow]) -> Project:
    """The design's items (before its publicity): their sum is the design budget."""
    if not by.can("projects", "change"):
        raise Forbidden(_("您的角色不能编制设计内容"))
    with transaction.atomic():
        project = _locked(by, project_id, version)
        if project.joined_into_id is not None:
            raise Refused(_("本项目已并入联片项目，设计内容在联片项目中编制"))
        if project.state not in (rules.APPROVED, rules.DESIGN):
            raise Refused(_("设计公示后不能再修改改造内容"))
        # the city's menu in use: a retired item or another city's cannot enter a new design
        menu = (
            MenuItem.objects.menu_for(project.estate.region.code)
            .active()
            .in_bulk([row["item_id"] for row in rows])
        )
        problems = []
        seen: set[int] = set()
        for index, row in enumerate(rows):
            where = f"rows[{index}]"
            if row["item_id"] not in menu:
                problems.append({"field": where, "message": _("不在本市在用的改造菜单中")})
            elif row["item_id"] in seen:
                problems.append(
                    {"field": where, "message": _("%(item)s重复") % {"item": menu[row["item_id"]].name}}
                )
            if not 0 < row["quantity"] <= QUANTITY_MAX:
                problems.append({"field": where, "message": _("工程量应为正数，且不超过10亿")})
            if not 0 <= row["unit_cost_yuan"] <= UNIT_COST_MAX:
                problems.append({"field": where, "message": _("单价应在0到10亿元之间")})
            seen.add(row["item_id"])
        if problems:
            raise Invalid(_("有 %(n)d 处设计内容有误") % {"n": len(problems)}, details=problems)
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
            replaced = getattr(project, f"{field}_id")
            setattr(project, field, organization)
            if replaced and replaced != organization.pk:
                _untie_if_unused(project, replaced)
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


def _untie_if_unused(project: Project, organization_id: int) -> None:
    """A replaced contractor stops seeing the estate, unless it still works on another of its
    projects (or holds another role on this one)."""
    others = Project.objects.filter(estate_id=project.estate_id).exclude(pk=project.pk)
    still = others.filter(
        Q(builder_id=organization_id) | Q(supervisor_id=organization_id) | Q(designer_id=organization_id)
    ).exists() or organization_id in (project.designer_id, project.builder_id, project.supervisor_id)
    if not still:
        estate_tie_remove(
            by=SYSTEM,
            estate_id=project.estate_id,
            organization_id=organization_id,
            kind=EstateTie.Kind.CONTRACTOR,
        )


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
        # the project row is the lock: two reports at once must not each compute the cached
        # progress without the other's
        project = (
            Project.objects.select_for_update(of=("self",))
            .select_related("estate__region")
            .get(pk=item.project_id)
        )
        _require_reporter(by, project)
        if project.state not in (rules.CONSTRUCTION, rules.AWAITING_ACCEPTANCE):
            raise Refused(_("项目不在施工阶段，不能填报进度"))
        if quantity_done < 0 or quantity_done > item.quantity * Decimal("1.2"):
            raise Invalid(
                _("累计完成量应在0到设计工程量的120%之间"),
                details=[{"field": "quantity_done", "message": str(quantity_done)}],
            )
        if on > clock.today():
            raise Invalid(_("不能填报未来日期的进度"), details=[{"field": "on", "message": on.isoformat()}])
        started = construction_started_on(project)
        if started is not None and on < started:
            raise Invalid(
                _("进度日期不能早于开工日期%(start)s") % {"start": started.isoformat()},
                details=[{"field": "on", "message": on.isoformat()}],
            )
        report = ProgressReport.objects.create(
            item=item,
            on=on,
            quantity_done=quantity_done,
            note=note.strip()[:255],
            reported_by=by if getattr(by, "pk", None) else None,
        )
        _progress_refresh(project)
        audit_record(
            action="project.progress", actor=by, target=project, region_code=project.estate.region.code
        )
    return report


def _progress_refresh(project: Project) -> None:
    """Keep the project's latest progress and forecast end in step with its reports."""
    today = clock.today()
    share = project_progress(project, today)
    start = construction_started_on(project)
    forecast = rules.forecast_end(start, today, share) if start else None
    Project.objects.filter(pk=project.pk).update(progress_share=share, forecast_end=forecast)


def project_reapprove(*, by: Any, project_id: int, version: int) -> Project:
    """The city's re-approval of a design budget beyond the margin over the estimate (SPEC 5.3)."""
    if not by.can("plans", "approve"):
        raise Forbidden(_("只有市级改造办可以重新批准设计预算"))
    with transaction.atomic():
        project = _locked(by, project_id, version)
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


def project_schedule_set(
    *,
    by: Any,
    project_id: int,
    version: int,
    planned_start: dt.date | None,
    planned_end: dt.date | None,
    contact_phone: str = "",
    milestones: list[MilestoneRow] | None = None,
) -> Project:
    """Planned dates and the public phone; with `milestones`, those too, in the same transaction."""
    if not by.can("projects", "change"):
        raise Forbidden(_("您的角色不能修改项目工期"))
    if planned_start and planned_end and planned_end < planned_start:
        raise Invalid(
            _("计划竣工日期不能早于计划开工日期"),
            details=[{"field": "planned_end", "message": planned_end.isoformat()}],
        )
    with transaction.atomic():
        project = _locked(by, project_id, version)
        project.planned_start = planned_start
        project.planned_end = planned_end
        project.contact_phone = contact_phone.strip()[:32]
        project.version += 1
        stamp_history(project, by=by, reason="修改工期")
        project.save()
        audit_record(
            action="project.schedule", actor=by, target=project, region_code=project.estate.region.code
        )
        if milestones is not None:
            project = milestones_set(by=by, project_id=project.pk, version=project.version, rows=milestones)
    return project


class MilestoneRow(TypedDict):
    name: str
    due_on: dt.date
    done_on: dt.date | None


def milestones_set(*, by: Any, project_id: int, version: int, rows: list[MilestoneRow]) -> Project:
    """The schedule's milestones, replaced as a whole (the page edits them as one table)."""
    if not by.can("projects", "change"):
        raise Forbidden(_("您的角色不能修改进度节点"))
    today = clock.today()
    problems = [
        {"field": f"rows[{index}]", "message": message}
        for index, row in enumerate(rows)
        for message in ([_("节点名称为空")] if not row["name"].strip() else [])
        + ([_("完成日期不能晚于今天")] if row["done_on"] and row["done_on"] > today else [])
    ]
    if problems:
        raise Invalid(_("进度节点有误"), details=problems)
    with transaction.atomic():
        project = _locked(by, project_id, version)
        Milestone.objects.filter(project=project).delete()
        Milestone.objects.bulk_create(
            Milestone(
                project=project, name=row["name"].strip()[:64], due_on=row["due_on"], done_on=row["done_on"]
            )
            for row in rows
        )
        project.version += 1
        stamp_history(project, by=by, reason="修改进度节点")
        project.save(update_fields=["version"])
        audit_record(
            action="project.milestones",
            actor=by,
            target=project,
            region_code=project.estate.region.code,
            detail={"milestones": len(rows)},
        )
    return project


def milestone_done(*, by: Any, milestone_id: int, done_on: dt.date) -> Milestone:
    """Staff, or the project's own builder or supervisor, mark a milestone reached."""
    with transaction.atomic():
        milestone = get_visible_or_404(
            Milestone.objects.select_related("project__estate__region"), by, pk=milestone_id
        )
        _require_reporter(by, milestone.project)
        if done_on > clock.today():
            raise Invalid(
                _("完成日期不能晚于今天"), details=[{"field": "done_on", "message": done_on.isoformat()}]
            )
        milestone.done_on = done_on
        milestone.save(update_fields=["done_on"])
        audit_record(
            action="project.milestone_done",
            actor=by,
            target=milestone.project,
            region_code=milestone.project.estate.region.code,
            detail={"milestone": milestone.name},
        )
    return milestone


def _require_reporter(by: Any, project: Project) -> None:
    """Progress is reported by staff who may change projects, or by the project's own
    builder or supervisor — never by another contractor."""
    if by.can("projects", "change"):
        return
    if not by.can("projects", "own_progress"):
        raise Forbidden(_("您的角色不能填报进度"))
    if getattr(by, "organization_id", None) not in (project.builder_id, project.supervisor_id):
        raise Forbidden(_("只能填报本单位承建或监理的项目"))


def acceptance_sign(*, by: Any, project_id: int, opinion: str = "") -> AcceptanceSignature:
    """A party signs the acceptance record with its own login; each party signs once."""
    with transaction.atomic():
        project = get_visible_or_404(
            Project.objects.select_for_update(of=("self",)).select_related("estate__region"),
            by,
            pk=project_id,
        )
        parties = parties_of(by, project)
        if not parties:
            raise Forbidden(_("您不是本项目的验收签字方"))
        if project.state != rules.AWAITING_ACCEPTANCE:
            raise Refused(_("项目不在待验收阶段，不能签字"))
        signed = set(
            AcceptanceSignature.objects.filter(project=project, household__isnull=True).values_list(
                "party", flat=True
            )
        )
        party = next((p for p in parties if p not in signed), None)
        if party is None:
            raise Refused(_("%(party)s已签字") % {"party": "、".join(rules.PARTIES[p] for p in parties)})
        signature = AcceptanceSignature.objects.create(
            project=project,
            party=party,
            signer=by,
            opinion=opinion.strip()[:255] or "同意验收",
            signed_on=clock.today(),
        )
        audit_record(
            action="project.acceptance_sign",
            actor=by,
            target=project,
            region_code=project.estate.region.code,
            detail={"party": party},
        )
    return signature


def acceptance_sign_as_representative(
    *, household: Household, project_id: int, opinion: str = ""
) -> AcceptanceSignature:
    """An elected resident representative signs by the household's identity (the phone pages)."""
    with transaction.atomic():
        project = _resident_project(household, project_id)
        if not Representative.objects.filter(household=household).exists():
            raise Forbidden(_("您家不是本小区推选的居民代表"))
        if project.state != rules.AWAITING_ACCEPTANCE:
            raise Refused(_("项目不在待验收阶段，不能签字"))
        if AcceptanceSignature.objects.filter(project=project, household=household).exists():
            raise Refused(_("您家已经签过字了"))
        signature = AcceptanceSignature.objects.create(
            project=project,
            party=rules.REPRESENTATIVES,
            household=household,
            opinion=opinion.strip()[:255] or "同意验收",
            signed_on=clock.today(),
        )
        audit_record(
            action="project.acceptance_sign",
            actor=None,
            target=project,
            region_code=project.estate.region.code,
            detail={"party": rules.REPRESENTATIVES, "household": household.pk},
        )
    return signature


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
        project = _locked(by, project_id, version)
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


def acceptance_paper_record(
    *, by: Any, project_id: int, archive_number: str, signed_on: dt.date, signers: dict[str, str]
) -> list[AcceptanceSignature]:
    """Enters an acceptance record signed on paper (before the system was used, or at a meeting
    without it): every required party at once, with the names on the form and its archive number.
    It never completes a record begun online — the parties who sign online sign online."""
    if not by.can("projects", "change"):
        raise Forbidden(_("您的角色不能补录验收记录"))
    archive_number = archive_number.strip()[:64]
    with transaction.atomic():
        project = get_visible_or_404(
            Project.objects.select_for_update(of=("self",)).select_related("estate__region"),
            by,
            pk=project_id,
        )
        if project.state != rules.AWAITING_ACCEPTANCE:
            raise Refused(_("项目不在待验收阶段，不能补录验收记录"))
        if AcceptanceSignature.objects.filter(project=project).exists():
            raise Refused(_("本项目已有在线签字，不能再补录纸质记录"))
        required = rules.parties_required(has_owners_committee(project))
        problems = [
            {
                "field": f"signers.{party}",
                "message": _("缺少%(party)s签字人") % {"party": rules.PARTIES[party]},
            }
            for party in required
            if not signers.get(party, "").strip()
        ]
        if not archive_number:
            problems.append({"field": "archive_number", "message": _("必填")})
        if signed_on > clock.today():
            problems.append({"field": "signed_on", "message": _("签字日期不能晚于今天")})
        if problems:
            raise Invalid(_("纸质验收记录不完整"), details=problems)
        signatures = AcceptanceSignature.objects.bulk_create(
            AcceptanceSignature(
                project=project,
                party=party,
                signer_name=signers[party].strip()[:64],
                archive_number=archive_number,
                recorded_by=by if getattr(by, "pk", None) else None,
                signed_on=signed_on,
            )
            for party in required
        )
        audit_record(
            action="project.acceptance_paper",
            actor=by,
            target=project,
            region_code=project.estate.region.code,
            detail={"archive_number": archive_number},
        )
    return signatures


def progress_upload(*, by: Any, project_id: int, file_name: str, content: bytes) -> dict[str, Any]:
    """A builder's weekly sheet for one project: every row becomes a progress report, or — on any
    error — nothing is written and every error is returned."""
    project = get_visible_or_404(Project.objects.select_related("estate__region"), by, pk=project_id)
    _require_reporter(by, project)
    if project.state not in (rules.CONSTRUCTION, rules.AWAITING_ACCEPTANCE):
        raise Refused(_("项目不在施工阶段，不能填报进度"))
    items = list(project.items.select_related("item"))
    parsed = read_progress(read_tables(name=file_name, content=content), items, today=clock.today())
    if parsed.errors:
        return {"errors": [error.as_dict() for error in parsed.errors], "reports": 0}
    with transaction.atomic():
        for row in parsed.rows:
            progress_report(
                by=by, item_id=row.item.pk, on=row.on, quantity_done=row.quantity_done, note=row.note
            )
    return {"errors": [], "reports": len(parsed.rows)}


def progress_reports_add(
    *,
    by: Any,
    project_id: int,
    on: dt.date,
    quantities: dict[int, Decimal],
    note: str = "",
    photos: tuple[bytes, ...] = (),
) -> int:
    """One day's report on several items of a project (the page's form), with the site photos
    that show it: all or none. Photos of a one-item report belong to that item."""
    if len(photos) > MAX_REPORT_PHOTOS:
        raise Invalid(_("每次最多上传%(n)d张照片") % {"n": MAX_REPORT_PHOTOS})
    with transaction.atomic():
        project = get_visible_or_404(Project.objects.select_related("estate__region"), by, pk=project_id)
        own = set(project.items.values_list("pk", flat=True))
        if not quantities or set(quantities) - own:
            raise Invalid(_("请填写本项目改造内容的累计完成量"))
        reports = [
            progress_report(by=by, item_id=item_id, on=on, quantity_done=quantity, note=note)
            for item_id, quantity in quantities.items()
        ]
        only = reports[0] if len(reports) == 1 else None
        for content in photos:
            photo_add(
                project=project,
                content=content,
                stage=PhotoStage.DURING,
                by=by,
                item=only.item if only else None,
                report=only,
                caption=note,
            )
    return len(quantities)


MAX_REPORT_PHOTOS = 6


def _resident_project(household: Household, project_id: int) -> Project:
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


def design_vote_cast(*, household: Household, project_id: int, agrees: bool) -> DesignVote:
    """One vote per household during the design's publicity; a new vote replaces the old one
    until the period ends (every version is kept in the history)."""
    with transaction.atomic():
        Household.objects.select_for_update().get(pk=household.pk)  # one household, one writer
        project = _resident_project(household, project_id)
        ends = publicity_ends_on(project)
        if project.state != rules.PUBLICITY or ends is None or clock.today() >= ends:
            raise Refused(_("设计方案不在公示期内，不能投票"))
        vote, _created = DesignVote.objects.update_or_create(
            project=project, household=household, defaults={"agrees": agrees, "voted_at": clock.now()}
        )
        audit_record(
            action="project.design_vote",
            actor=None,
            target=project,
            region_code=project.estate.region.code,
            detail={"household": household.pk},
        )
    return vote


class PaperVoteCounts(TypedDict):
    heads_total: int
    heads_voted: int
    heads_yes: int
    area_total: Decimal
    area_voted: Decimal
    area_yes: Decimal


def paper_vote_record(
    *, by: Any, project_id: int, counts: PaperVoteCounts, archive_number: str, held_on: dt.date
) -> PaperVote:
    """The result of a vote the owners held on paper, entered by the district with its archive
    number; it replaces the phone votes in the count."""
    if not by.can("projects", "change"):
        raise Forbidden(_("您的角色不能录入表决结果"))
    problems = [
        {"field": part, "message": _("应在0到%(whole)s之间") % {"whole": whole}}
        for part, whole in (
            ("heads_voted", "heads_total"),
            ("heads_yes", "heads_voted"),
            ("area_voted", "area_total"),
            ("area_yes", "area_voted"),
        )
        if not 0 <= counts[part] <= counts[whole]  # type: ignore[literal-required]
    ]
    if counts["heads_total"] <= 0 or counts["area_total"] <= 0:
        problems.append({"field": "heads_total", "message": _("业主总人数和总面积应大于0")})
    if not archive_number.strip():
        problems.append({"field": "archive_number", "message": _("必填")})
    if held_on > clock.today():
        problems.append({"field": "held_on", "message": _("表决日期不能晚于今天")})
    if problems:
        raise Invalid(_("表决结果有误"), details=problems)
    with transaction.atomic():
        project = get_visible_or_404(
            Project.objects.select_for_update(of=("self",)).select_related("estate__region"),
            by,
            pk=project_id,
        )
        if project.state not in (rules.DESIGN, rules.PUBLICITY, rules.TENDER):
            raise Refused(_("只能在设计和公示阶段录入表决结果"))
        vote, _created = PaperVote.objects.update_or_create(
            project=project,
            defaults={
                **counts,
                "archive_number": archive_number.strip()[:64],
                "held_on": held_on,
                "entered_by": by if getattr(by, "pk", None) else None,
            },
        )
        audit_record(
            action="project.paper_vote",
            actor=by,
            target=project,
            region_code=project.estate.region.code,
            detail={"archive_number": vote.archive_number},
        )
    return vote


RATING_STATES = (rules.AWAITING_ACCEPTANCE, rules.ACCEPTED, rules.HANDED_OVER)


def satisfaction_rate(
    *, household: Household, project_id: int, level: str, comment: str = ""
) -> SatisfactionRating:
    """A household rates the finished work (共评); a new rating replaces its earlier one."""
    if level not in Satisfaction.values:
        raise Invalid(_("请选择满意、基本满意或不满意"), details=[{"field": "level", "message": level}])
    with transaction.atomic():
        Household.objects.select_for_update().get(pk=household.pk)
        project = _resident_project(household, project_id)
        if project.state not in RATING_STATES:
            raise Refused(_("工程完工后才能评价"))
        rating, _created = SatisfactionRating.objects.update_or_create(
            project=project,
            household=household,
            defaults={"level": level, "comment": comment.strip()[:500], "rated_at": clock.now()},
        )
        audit_record(
            action="project.rating",
            actor=None,
            target=project,
            region_code=project.estate.region.code,
            detail={"household": household.pk},
        )
    return rating


FEEDBACK_STATES = (
    rules.DESIGN,
    rules.PUBLICITY,
    rules.TENDER,
    rules.CONSTRUCTION,
    rules.AWAITING_ACCEPTANCE,
    rules.ACCEPTED,
    rules.HANDED_OVER,
    rules.SUSPENDED,
)


def feedback_submit(
    *,
    project_id: int,
    category: str,
    text: str,
    household: Household | None = None,
    by: Any = None,
    photos: tuple[bytes, ...] = (),
) -> Feedback:
    """A complaint or suggestion from a resident on the phone, or taken down by the community for
    a resident who calls (`by`). Routed to the organization responsible, due in working days."""
    if category not in FeedbackCategory.values:
        raise Invalid(_("请选择类别"), details=[{"field": "category", "message": category}])
    text = text.strip()
    if not text or len(text) > 2000:
        raise Invalid(_("请写明情况（2000字以内）"), details=[{"field": "text", "message": str(len(text))}])
    if len(photos) > MAX_FEEDBACK_PHOTOS:
        raise Invalid(_("最多上传%(n)d张照片") % {"n": MAX_FEEDBACK_PHOTOS})
    with transaction.atomic():
        if household is not None:
            project = _resident_project(household, project_id)
        else:
            if by is None or not (by.can("projects", "answer_feedback") or by.can("projects", "change")):
                raise Forbidden(_("您的角色不能登记投诉建议"))
            project = get_visible_or_404(Project.objects.select_related("estate__region"), by, pk=project_id)
        if project.state not in FEEDBACK_STATES:
            raise Refused(_("本项目现在不受理投诉建议"))
        received = clock.today()
        route = rules.feedback_route(category)
        feedback = Feedback.objects.create(
            project=project,
            household=household,
            entered_by=by if getattr(by, "pk", None) else None,
            category=category,
            text=text,
            received_on=received,
            due_on=add_working_days(received, config_for(project.estate.region.code).feedback_working_days),
            routed_to=getattr(project, route) if route else None,
        )
        for content in photos:
            photo_add(project=project, content=content, stage=PhotoStage.DURING, feedback=feedback, by=by)
        audit_record(
            action="project.feedback",
            actor=by,
            target=project,
            region_code=project.estate.region.code,
            detail={"feedback": feedback.pk, "category": category},
        )
    return feedback


MAX_FEEDBACK_PHOTOS = 3


def feedback_answer(*, by: Any, feedback_id: int, answer: str) -> Feedback:
    """The answer the resident reads on the same link: by the organization it was routed to, the
    district, or the community."""
    answer = answer.strip()
    if not answer:
        raise Invalid(_("请填写答复"), details=[{"field": "answer", "message": _("必填")}])
    with transaction.atomic():
        feedback = get_visible_or_404(
            Feedback.objects.select_for_update(of=("self",)).select_related("project__estate__region"),
            by,
            pk=feedback_id,
        )
        staff = by.can("projects", "change") or by.can("projects", "answer_feedback")
        routed_here = feedback.routed_to_id is not None and feedback.routed_to_id == getattr(
            by, "organization_id", None
        )
        if not (staff or (by.can("projects", "own_progress") and routed_here)):
            raise Forbidden(_("这条投诉建议不由您的单位答复"))
        first = feedback.answered_on is None
        feedback.answer = answer[:2000]
        feedback.answered_by = by
        feedback.answered_on = feedback.answered_on or clock.today()
        stamp_history(feedback, by=by, reason="答复" if first else "修改答复")
        feedback.save()
        audit_record(
            action="project.feedback_answer",
            actor=by,
            target=feedback.project,
            region_code=feedback.project.estate.region.code,
            detail={"feedback": feedback.pk},
        )
    return feedback


def photo_add(
    *,
    project: Project,
    content: bytes,
    stage: str,
    by: Any = None,
    item: ProjectItem | None = None,
    feedback: Feedback | None = None,
    report: ProgressReport | None = None,
    caption: str = "",
) -> ProjectPhoto:
    """Checks the file is a real image, keeps the original for staff and a metadata-free public
    copy and thumbnail, reads when and where it was taken and flags what that contradicts.
    Callers check who may add to `project` (see photo_upload)."""
    if stage not in PhotoStage.values:
        raise Invalid(_("请选择照片阶段"), details=[{"field": "stage", "message": stage}])
    facts = images.inspect_photo(content, max_bytes=settings.HUANXIN_PHOTO_MAX_BYTES)
    config = config_for(project.estate.region.code)
    estate = project.estate
    distance = None
    if facts.latitude is not None and facts.longitude is not None and estate.latitude and estate.longitude:
        distance = images.distance_m(facts.latitude, facts.longitude, estate.latitude, estate.longitude)
    flags = rules.photo_flags(
        stage=stage,
        taken_on=facts.taken_at.date() if facts.taken_at else None,
        distance_m=distance,
        max_distance_m=config.photo_max_distance_m,
        works_started_on=construction_started_on(project),
        today=clock.today(),
    )
    public = images.clean_copy(content)
    thumbnail = images.clean_copy(content, max_side=THUMBNAIL_SIDE)
    public_extension = "png" if facts.format == "PNG" else "jpg"
    name = uuid.uuid4().hex
    saved = [
        default_storage.save(f"photos/original/{name}.{facts.extension}", ContentFile(content)),
        default_storage.save(f"photos/public/{name}.{public_extension}", ContentFile(public)),
        default_storage.save(f"photos/thumbs/{name}.{public_extension}", ContentFile(thumbnail)),
    ]
    try:
        photo = ProjectPhoto.objects.create(
            project=project,
            item=item,
            stage=stage,
            feedback=feedback,
            report=report,
            original=saved[0],
            public_copy=saved[1],
            thumbnail=saved[2],
            width=facts.width,
            height=facts.height,
            taken_at=facts.taken_at.replace(tzinfo=clock.SHANGHAI) if facts.taken_at else None,
            latitude=facts.latitude,
            longitude=facts.longitude,
            flags=flags,
            caption=caption.strip()[:255],
            uploaded_by=by if getattr(by, "pk", None) else None,
        )
    except Exception:
        for path in saved:
            default_storage.delete(path)
        raise
    return photo


THUMBNAIL_SIDE = 320


def photo_upload(
    *, by: Any, project_id: int, content: bytes, stage: str, item_id: int | None = None, caption: str = ""
) -> ProjectPhoto:
    """Staff who may change projects, or the project's own builder or supervisor."""
    with transaction.atomic():
        project = get_visible_or_404(Project.objects.select_related("estate__region"), by, pk=project_id)
        _require_reporter(by, project)
        if project.state in (rules.CANCELLED,):
            raise Refused(_("项目已终止"))
        item = project.items.filter(pk=item_id).first() if item_id else None
        if item_id and item is None:
            raise Invalid(_("不是本项目的改造内容"), details=[{"field": "item", "message": str(item_id)}])
        photo = photo_add(project=project, content=content, stage=stage, by=by, item=item, caption=caption)
        audit_record(
            action="project.photo",
            actor=by,
            target=project,
            region_code=project.estate.region.code,
            detail={"photo": photo.pk, "flags": photo.flags},
        )
    return photo


def project_representative_remove(*, by: Any, project_id: int, representative_id: int) -> None:
    """Representatives cannot be removed while their signatures are being collected: removing
    those who have not signed would turn a minority into a majority."""
    with transaction.atomic():
        project = get_visible_or_404(Project.objects.select_for_update(of=("self",)), by, pk=project_id)
        if project.state == rules.AWAITING_ACCEPTANCE:
            raise Refused(_("验收签字期间不能移除居民代表"))
        if not Representative.objects.filter(
            pk=representative_id, household__estate_id=project.estate_id
        ).exists():
            raise NotFound()
        resident_services.representative_remove(by=by, representative_id=representative_id)
