"""The design: its items (their sum is the design budget) and the organizations that design, build and
supervise."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypedDict

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from huanxin.accounts.models import Organization
from huanxin.catalog.models import MenuItem
from huanxin.core import clock
from huanxin.core.audit import audit_record
from huanxin.core.errors import Forbidden, Invalid, Refused
from huanxin.core.scoping import SYSTEM
from huanxin.core.validation import stamp_history
from huanxin.estates.models import EstateTie
from huanxin.estates.services import estate_tie_add, estate_tie_remove
from huanxin.projects import rules
from huanxin.projects.models import (
    BasicGapReason,
    DesignRevision,
    Project,
    ProjectItem,
)
from huanxin.projects.querysets import basic_coverage_for
from huanxin.projects.services.common import locked_project


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
        project = locked_project(by, project_id, version)
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
        design_revision_record(project, by=by)
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


def design_revision_record(project: Project, *, by: Any) -> DesignRevision:
    """The design as just saved, kept as a numbered version dated today."""
    items = list(ProjectItem.objects.filter(project=project).select_related("item").order_by("item__code"))
    latest = DesignRevision.objects.filter(project=project).order_by("-number").first()
    return DesignRevision.objects.create(
        project=project,
        number=(latest.number + 1) if latest else 1,
        on=clock.today(),
        by=by if getattr(by, "pk", None) else None,
        budget_yuan=sum((item.budget_yuan for item in items), Decimal(0)),
        items=[
            {
                "code": item.item.code,
                "name": item.item.name,
                "quantity": str(item.quantity),
                "unit": item.unit,
                "unit_cost_yuan": str(item.unit_cost_yuan),
                "budget_yuan": str(item.budget_yuan),
            }
            for item in items
        ],
    )


REASON_MIN, REASON_MAX = 4, 500


def basic_gap_reason_set(*, by: Any, project_id: int, version: int, item_id: int, reason: str) -> Project:
    """Why a basic problem of the condition assessment (major or worse) is left out of the design
    (应改尽改), while the design may still change; an empty reason clears it."""
    if not by.can("projects", "change"):
        raise Forbidden(_("您的角色不能编制设计内容"))
    reason = reason.strip()
    if reason and not REASON_MIN <= len(reason) <= REASON_MAX:
        raise Invalid(
            _("理由应写明为什么不纳入设计（%(min)d到%(max)d字）") % {"min": REASON_MIN, "max": REASON_MAX},
            details=[{"field": "reason", "message": _("长度不符")}],
        )
    with transaction.atomic():
        project = locked_project(by, project_id, version)
        if project.joined_into_id is not None:
            raise Refused(_("本项目已并入联片项目，设计内容在联片项目中编制"))
        if project.state not in (rules.APPROVED, rules.DESIGN):
            raise Refused(_("设计公示后不能再修改设计内容及其说明"))
        item = MenuItem.objects.menu_for(project.estate.region.code).filter(pk=item_id).first()
        current = BasicGapReason.objects.filter(project=project, item_id=item_id).first()
        # a reason left over from an assessment since corrected may still be cleared
        if item is None or (
            reason and item.code not in {p.code for p in basic_coverage_for(project).problems}
        ):
            raise Invalid(
                _("现状评估中没有这项严重及以上的基础类问题"),
                details=[{"field": "item_id", "message": str(item_id)}],
            )
        if not reason:
            if current is not None:
                stamp_history(current, by=by, reason="撤回未纳入设计的理由")
                current.delete()
        else:
            if current is None:
                current = BasicGapReason(project=project, item=item)
            current.reason, current.at = reason, clock.now()
            current.by = by if getattr(by, "pk", None) else None
            stamp_history(current, by=by, reason="说明未纳入设计的理由")
            current.save()
        project.version += 1
        stamp_history(project, by=by, reason=f"{item.name}：未纳入设计的理由")
        project.save(update_fields=["version"])
        audit_record(
            action="project.basic_reason",
            actor=by,
            target=project,
            region_code=project.estate.region.code,
            detail={"item": item.code, "cleared": not reason},
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
        project = locked_project(by, project_id, version)
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
