"""Writes for planning (SPEC 4.6): priority weights, programs and annual plans — drafted,
published, withdrawn, approved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypedDict

from django.db import transaction
from django.utils.translation import gettext as _

from huanxin.core import clock
from huanxin.core.audit import audit_record
from huanxin.core.errors import Forbidden, Invalid, Refused, StaleEdit
from huanxin.core.http import get_visible_or_404
from huanxin.core.validation import full_clean_or_invalid, stamp_history
from huanxin.planning import hooks, rules
from huanxin.planning.models import (
    AnnualPlan,
    Candidate,
    PlanEntry,
    PriorityWeights,
    Program,
)
from huanxin.planning.querysets import candidate_priority, estate_eligibility
from huanxin.regions.models import Region


def priority_weights_save(
    *, by: Any, region_id: int, weights: dict[str, int], version: int | None
) -> PriorityWeights:
    if not by.can("settings", "weights"):
        raise Forbidden(_("只有市改造办和系统管理员可以修改优先级权重"))
    unknown = set(weights) - set(rules.FACTORS)
    if unknown or any(not isinstance(w, int) or w < 0 for w in weights.values()):
        raise Invalid(
            _("权重应为非负整数"), details=[{"field": "weights", "message": "、".join(sorted(unknown))}]
        )
    with transaction.atomic():
        region = get_visible_or_404(Region.objects.all(), by, pk=region_id)
        current = PriorityWeights.objects.select_for_update().filter(region=region).first()
        if current is None:
            current = PriorityWeights(region=region)
        elif version is not None and current.version != version:
            raise StaleEdit(_("权重已被他人修改，请刷新后重试"))
        else:
            current.version += 1
        for factor, weight in weights.items():
            setattr(current, factor, weight)
        stamp_history(current, by=by, reason="修改优先级权重")
        current.save()
        audit_record(
            action="priority.weights", actor=by, target=current, region_code=region.code, detail=weights
        )
    return current


def refuse_unless_planner(by: Any) -> None:
    """The city's plan is the city's to write; districts propose through their candidates'
    estimates and the what-if optimizer."""
    if not by.can("plans", "change"):
        raise Forbidden(_("只有市改造办可以编制年度计划"))


def _refuse_negative_targets(program: Program) -> None:
    # the integer targets are guarded by their field type; the decimal ones are not
    negative = [
        {"field": field, "message": _("不能为负数")}
        for field in ("target_area_m2", "target_investment_yuan")
        if getattr(program, field) is not None and getattr(program, field) < 0
    ]
    if negative:
        raise Invalid(_("规划目标不能为负数"), details=negative)


def program_create(
    *, by: Any, region_id: int, name: str, start_year: int, end_year: int, **targets: Any
) -> Program:
    if not by.can("plans", "change"):
        raise Forbidden(_("只有市改造办可以建立改造规划"))
    with transaction.atomic():
        region = get_visible_or_404(Region.objects.all(), by, pk=region_id)
        program = Program(region=region, name=name, start_year=start_year, end_year=end_year, **targets)
        full_clean_or_invalid(program)
        _refuse_negative_targets(program)
        stamp_history(program, by=by, reason="建立改造规划")
        program.save()
        audit_record(action="program.create", actor=by, target=program, region_code=region.code)
    return program


class ProgramChanges(TypedDict, total=False):
    name: str
    start_year: int
    end_year: int
    target_estates: int
    target_households: int
    target_area_m2: Decimal
    target_investment_yuan: Decimal


def program_update(*, by: Any, program_id: int, version: int, changes: ProgramChanges) -> Program:
    """The city corrects its program's name, years or targets — until a plan under it is
    approved: from then on the targets are what the approved plans are measured against."""
    if not by.can("plans", "change"):
        raise Forbidden(_("只有市改造办可以修改改造规划"))
    with transaction.atomic():
        program = get_visible_or_404(
            Program.objects.select_for_update(of=("self",)).select_related("region"), by, pk=program_id
        )
        if program.version != version:
            raise StaleEdit(_("该改造规划已被他人修改，请刷新后重试"))
        if program.plans.filter(status=AnnualPlan.Status.APPROVED).exists():
            raise Refused(_("该规划下已有批准的年度计划，不能再修改"))
        for field, value in changes.items():
            setattr(program, field, value)
        full_clean_or_invalid(program)
        _refuse_negative_targets(program)
        outside = sorted(
            program.plans.exclude(year__range=(program.start_year, program.end_year)).values_list(
                "year", flat=True
            )
        )
        if outside:
            raise Invalid(
                _("已有年度计划不在新的规划期内：%(years)s")
                % {"years": "、".join(f"{y}年" for y in outside)},
                details=[{"field": "start_year", "message": _("规划期须包含已有的年度计划")}],
            )
        program.version += 1
        stamp_history(program, by=by, reason="修改改造规划")
        program.save()
        audit_record(
            action="program.update",
            actor=by,
            target=program,
            region_code=program.region.code,
            detail={"fields": sorted(changes)},
        )
    return program


def plan_create(*, by: Any, program_id: int, year: int, budget_yuan: Decimal) -> AnnualPlan:
    refuse_unless_planner(by)
    with transaction.atomic():
        program = get_visible_or_404(Program.objects.all(), by, pk=program_id)
        if not program.start_year <= year <= program.end_year:
            raise Invalid(
                _("年度应在规划期%(a)d–%(b)d年内") % {"a": program.start_year, "b": program.end_year},
                details=[{"field": "year", "message": str(year)}],
            )
        if AnnualPlan.objects.filter(program=program, year=year).exists():
            raise Refused(_("%(year)d年度计划已存在") % {"year": year})
        plan = AnnualPlan(program=program, year=year, budget_yuan=budget_yuan)
        full_clean_or_invalid(plan)
        stamp_history(plan, by=by, reason="新建年度计划")
        plan.save()
        audit_record(action="plan.create", actor=by, target=plan, region_code=program.region.code)
    return plan


# The history reason of a withdrawal starts with this; the plan page lists those records.
WITHDRAWN = "撤回公示"


def locked_draft(by: Any, plan_id: int, version: int) -> AnnualPlan:
    plan = get_visible_or_404(
        AnnualPlan.objects.select_for_update(of=("self",)).select_related("program__region"), by, pk=plan_id
    )
    if plan.version != version:
        raise StaleEdit(_("该计划已被他人修改，请刷新后重试"))
    if plan.status != AnnualPlan.Status.DRAFT:
        raise Refused(_("只有草案可以修改（当前：%(status)s）") % {"status": plan.get_status_display()})
    return plan


def available_candidates(by: Any, plan: AnnualPlan) -> list[Candidate]:
    """Confirmed candidates of the plan's region not already in an approved plan."""
    planned = PlanEntry.objects.filter(plan__status=AnnualPlan.Status.APPROVED).values("estate_id")
    return list(
        Candidate.objects.visible_to(by)
        .filter(
            status=Candidate.Status.CONFIRMED, estate__region__code__startswith=plan.program.region.prefix
        )
        .exclude(estate_id__in=planned)
        .select_related(
            "estate", "estate__region", "estate__region__parent", "estate__region__parent__parent"
        )
    )


def plan_set_entries(
    *, by: Any, plan_id: int, version: int, estate_ids: list[int], reasons: dict[int, str] | None = None
) -> AnnualPlan:
    """Draft by hand (or from the optimizer): the plan holds exactly these candidates."""
    refuse_unless_planner(by)
    with transaction.atomic():
        plan = locked_draft(by, plan_id, version)
        by_estate = {c.estate_id: c for c in available_candidates(by, plan)}
        missing = [estate_id for estate_id in estate_ids if estate_id not in by_estate]
        if missing:
            raise Invalid(
                _("有 %(n)d 个小区不在储备库中、已在已批准的计划中或不在本辖区") % {"n": len(missing)}
            )
        PlanEntry.objects.filter(plan=plan).delete()
        entries = []
        for estate_id in estate_ids:
            candidate = by_estate[estate_id]
            estate = candidate.estate
            entries.append(
                PlanEntry(
                    plan=plan,
                    estate=estate,
                    estimated_cost_yuan=candidate.estimated_cost_yuan or Decimal(0),
                    households=estate.households,
                    floor_area_m2=estate.floor_area_m2,
                    priority=Decimal(str(candidate_priority(candidate).score)),
                    reason=(reasons or {}).get(estate_id, ""),
                )
            )
        PlanEntry.objects.bulk_create(entries)
        plan.version += 1
        if reasons is None:
            plan.optimizer_summary = {}  # edited by hand: the optimizer's reasons no longer apply
        stamp_history(plan, by=by, reason="调整计划项目")
        plan.save(update_fields=["version", "optimizer_summary"])
        audit_record(
            action="plan.entries",
            actor=by,
            target=plan,
            region_code=plan.program.region.code,
            detail={"entries": len(entries)},
        )
    return plan


def plan_publish(*, by: Any, plan_id: int, version: int, days: int = 7) -> AnnualPlan:
    """Publish the draft for review (公示) for `days` days from today."""
    refuse_unless_planner(by)
    with transaction.atomic():
        plan = locked_draft(by, plan_id, version)
        if not plan.entries.exists():
            raise Refused(_("计划中还没有项目，不能公示"))
        plan.status = AnnualPlan.Status.PUBLICITY
        plan.publicity_starts = clock.today()
        plan.publicity_ends = clock.today() + dt.timedelta(days=days)
        plan.version += 1
        stamp_history(plan, by=by, reason="计划公示")
        plan.save()
        audit_record(action="plan.publish", actor=by, target=plan, region_code=plan.program.region.code)
    return plan


def plan_withdraw(*, by: Any, plan_id: int, version: int, reason: str) -> AnnualPlan:
    """The city takes a plan in publicity back to draft (撤回公示), with a written reason kept in
    the plan's history; an approved plan has opened projects and cannot be withdrawn."""
    refuse_unless_planner(by)
    if not reason.strip():
        raise Invalid(_("撤回公示须写明原因"), details=[{"field": "reason", "message": _("必填")}])
    with transaction.atomic():
        plan = get_visible_or_404(
            AnnualPlan.objects.select_for_update(of=("self",)).select_related("program__region"),
            by,
            pk=plan_id,
        )
        if plan.version != version:
            raise StaleEdit(_("该计划已被他人修改，请刷新后重试"))
        if plan.status != AnnualPlan.Status.PUBLICITY:
            raise Refused(
                _("只有公示中的计划可以撤回（当前：%(status)s）") % {"status": plan.get_status_display()}
            )
        plan.status = AnnualPlan.Status.DRAFT
        plan.publicity_starts = plan.publicity_ends = None
        plan.version += 1
        stamp_history(plan, by=by, reason=f"{WITHDRAWN}：{reason.strip()}")
        plan.save()
        audit_record(
            action="plan.withdraw",
            actor=by,
            target=plan,
            region_code=plan.program.region.code,
            detail={"reason": reason.strip()},
        )
    return plan


def plan_approval_refusals(plan: AnnualPlan) -> list[str]:
    """Every reason the city cannot approve yet (SPEC 5.3: not eligible, no estimated cost)."""
    refusals = []
    if plan.status != AnnualPlan.Status.PUBLICITY:
        refusals.append(_("计划须先公示"))
    elif plan.publicity_ends is not None and clock.today() <= plan.publicity_ends:
        refusals.append(_("公示期至%(date)s，尚未结束") % {"date": plan.publicity_ends.isoformat()})
    entries = list(plan.entries.select_related("estate", "estate__region"))
    total = sum((entry.estimated_cost_yuan for entry in entries), Decimal(0))
    if total > plan.budget_yuan:
        refusals.append(
            _("计划投资%(total)s元超过预算%(budget)s元")
            % {"total": f"{total:,.0f}", "budget": f"{plan.budget_yuan:,.0f}"}
        )
    elsewhere = set(
        PlanEntry.objects.filter(
            plan__status=AnnualPlan.Status.APPROVED, estate__in=[e.estate for e in entries]
        )
        .exclude(plan=plan)
        .values_list("estate__name", flat=True)
    )
    if elsewhere:
        refusals.append(_("已在其他已批准计划中：%(names)s") % {"names": "、".join(sorted(elsewhere))})
    confirmed = set(
        Candidate.objects.filter(status=Candidate.Status.CONFIRMED).values_list("estate_id", flat=True)
    )
    for entry in entries:
        if entry.estate_id not in confirmed:
            refusals.append(_("%(name)s不在储备库中") % {"name": entry.estate.name})
        if not entry.estimated_cost_yuan or entry.estimated_cost_yuan <= 0:
            refusals.append(_("%(name)s缺少估算投资") % {"name": entry.estate.name})
        status = estate_eligibility(entry.estate).status
        if status != "eligible":
            refusals.append(
                _("%(name)s当前不符合改造条件（%(status)s）")
                % {
                    "name": entry.estate.name,
                    "status": {"ineligible": "不符合", "undetermined": "待定"}[status],
                }
            )
    return refusals


def plan_approve(*, by: Any, plan_id: int, version: int) -> AnnualPlan:
    if not by.can("plans", "approve"):
        raise Forbidden(_("只有市改造办可以批准年度计划"))
    with transaction.atomic():
        plan = get_visible_or_404(
            AnnualPlan.objects.select_for_update(of=("self",)).select_related("program__region"),
            by,
            pk=plan_id,
        )
        if plan.version != version:
            raise StaleEdit(_("该计划已被他人修改，请刷新后重试"))
        # The entries' candidates are the lock: two plans holding one estate cannot both pass.
        list(Candidate.objects.select_for_update().filter(estate__plan_entries__plan=plan))
        refusals = plan_approval_refusals(plan)
        if refusals:
            raise Refused(
                _("不能批准：%(why)s") % {"why": "；".join(refusals)},
                details=[{"field": None, "message": text} for text in refusals],
            )
        plan.status = AnnualPlan.Status.APPROVED
        plan.approved_on, plan.approved_by = clock.today(), by
        plan.version += 1
        stamp_history(plan, by=by, reason="批准年度计划")
        plan.save()
        audit_record(
            action="plan.approve",
            actor=by,
            target=plan,
            region_code=plan.program.region.code,
            detail={"entries": plan.entries.count()},
        )
        hooks.plan_approved(plan, by)
    return plan
