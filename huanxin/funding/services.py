"""Every write to the money: a project's funding plan, receipts and payments, reversals."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from huanxin.accounts.permissions import Role
from huanxin.core import clock
from huanxin.core.audit import audit_record
from huanxin.core.errors import Forbidden, Invalid, Refused, StaleEdit
from huanxin.core.files import content_matches
from huanxin.core.http import get_visible_or_404
from huanxin.core.validation import stamp_history
from huanxin.estates.models import Household
from huanxin.funding import rules
from huanxin.funding.models import FundingLine, FundingPlan, FundingSource, LedgerEntry, SourceKind
from huanxin.funding.sources import NATIONAL_SOURCES
from huanxin.projects import rules as project_rules
from huanxin.projects.models import Project
from huanxin.regions.rules import significant_prefix


def _money_project(by: Any, project_id: int) -> Project:
    if not by.can("money", "change"):
        raise Forbidden(_("您的角色不能管理资金"))
    project: Project = get_visible_or_404(
        Project.objects.select_for_update(of=("self",)).select_related("estate__region"), by, pk=project_id
    )
    if project.joined_into_id is not None:
        raise Refused(_("本项目已并入联片项目，资金在联片项目中管理"))
    return project


def _amount(value: Decimal, field: str) -> Decimal:
    try:
        return rules.amount_in_fen(value)
    except rules.AmountRefused as refused:
        raise Invalid(str(refused), details=[{"field": field, "message": str(value)[:30]}]) from None


def funding_plan_set(
    *, by: Any, project_id: int, version: int | None, lines: dict[int, Decimal]
) -> FundingPlan:
    """The amount planned from each source, replaced as a whole. `version` is the plan's (None
    for a first plan)."""
    with transaction.atomic():
        project = _money_project(by, project_id)
        if project.state in (project_rules.CANCELLED, project_rules.HANDED_OVER):
            raise Refused(_("项目已%(state)s，不能修改资金计划") % {"state": project.get_state_display()})
        # the city's sources in use, and any already in this plan (a source stopped since stays)
        in_plan = FundingLine.objects.filter(plan__project=project).values_list("source_id", flat=True)
        offered = FundingSource.objects.sources_for(project.estate.region.code).filter(
            Q(retired=False) | Q(pk__in=in_plan)
        )
        sources = offered.in_bulk(list(lines))
        problems = [
            {"field": f"lines.{source_id}", "message": _("不是本市在用的资金来源")}
            for source_id in lines
            if source_id not in sources
        ]
        amounts = {}
        for source_id, value in lines.items():
            try:
                amounts[source_id] = rules.amount_in_fen(value)
            except rules.AmountRefused as refused:
                problems.append({"field": f"lines.{source_id}", "message": str(refused)})
        if not lines:
            problems.append({"field": "lines", "message": _("至少填写一个资金来源")})
        if problems:
            raise Invalid(_("资金计划有误"), details=problems)
        plan = FundingPlan.objects.select_for_update().filter(project=project).first()
        if plan is None:
            if version is not None:
                raise StaleEdit(_("资金计划已被他人修改，请刷新后重试"))
            plan = FundingPlan(project=project)
        elif plan.version != version:
            raise StaleEdit(_("资金计划已被他人修改，请刷新后重试"))
        else:
            plan.version += 1
        stamp_history(plan, by=by, reason="编制资金计划")
        plan.save()
        FundingLine.objects.filter(plan=plan).delete()
        bulk_create_with_history(
            [
                FundingLine(plan=plan, source=sources[source_id], amount_yuan=amount)
                for source_id, amount in amounts.items()
            ],
            FundingLine,
            default_user=by if getattr(by, "pk", None) else None,
            default_change_reason="编制资金计划",
            default_date=clock.now(),
        )
        audit_record(
            action="funding.plan",
            actor=by,
            target=project,
            region_code=project.estate.region.code,
            detail={
                "total": str(sum(amounts.values(), Decimal(0))),
                "lines": {sources[source_id].code: str(amount) for source_id, amount in amounts.items()},
            },
        )
    return plan


def ledger_record(
    *,
    by: Any,
    project_id: int,
    source_id: int,
    kind: str,
    amount: Decimal,
    on: dt.date,
    document_number: str,
    note: str = "",
    advance: bool = False,
    household_id: int | None = None,
    attachment: File | None = None,
) -> LedgerEntry:
    """A receipt (到位) or a payment (支出). A payment beyond what has arrived is refused unless
    the district marks it as its advance (垫付), which stays flagged until receipts cover it."""
    if kind not in LedgerEntry.Kind.values:
        raise Invalid(_("请选择到位或支出"), details=[{"field": "kind", "message": kind}])
    amount = _amount(amount, "amount")
    problems = []
    if not document_number.strip():
        problems.append({"field": "document_number", "message": _("请填写凭证号")})
    if on > clock.today():
        problems.append({"field": "on", "message": _("日期不能晚于今天")})
    if problems:
        raise Invalid(_("收支记录不完整"), details=problems)
    with transaction.atomic():
        project = _money_project(by, project_id)
        if project.state == project_rules.CANCELLED:
            raise Refused(_("项目已终止"))
        source = FundingSource.objects.sources_for(project.estate.region.code).filter(pk=source_id).first()
        if source is None:
            raise Invalid(_("资金来源无效"), details=[{"field": "source", "message": str(source_id)}])
        household = None
        if household_id is not None:
            household = Household.objects.filter(pk=household_id, estate_id=project.estate_id).first()
            if household is None:
                raise Invalid(
                    _("出资住户不在本小区"), details=[{"field": "household", "message": str(household_id)}]
                )
        needs_advance = False
        if kind == rules.PAYMENT:
            # each source pays only what it has received: the rates per source stay true
            received, paid = _received_and_paid(project, source)
            needs_advance = rules.payment_needs_advance(received, paid, amount)
            if needs_advance and not advance:
                raise Refused(
                    _(
                        "%(source)s支出后累计%(paid)s元将超过其已到位%(received)s元；如由区县垫付，请勾选“区县垫付”"
                    )
                    % {"source": source.name, "paid": f"{paid + amount:,.2f}", "received": f"{received:,.2f}"}
                )
            if needs_advance and not set(by.roles) & ADVANCING_ROLES:
                raise Forbidden(_("垫付须由区县住建局确认"))
        entry = LedgerEntry(
            project=project,
            source=source,
            kind=kind,
            amount_yuan=amount,
            on=on,
            document_number=document_number.strip()[:64],
            note=note.strip()[:255],
            advance=needs_advance,
            household=household,
            created_by=by if getattr(by, "pk", None) else None,
        )
        if attachment is not None:
            entry.attachment.save(_attachment_name(attachment), attachment, save=False)
        entry.save()
        audit_record(
            action=f"funding.{kind}",
            actor=by,
            target=project,
            region_code=project.estate.region.code,
            detail={"amount": str(amount), "source": source.code, "advance": entry.advance},
        )
    return entry


ATTACHMENT_TYPES = (".pdf", ".jpg", ".jpeg", ".png", ".webp", ".ofd", ".xlsx", ".xls", ".doc", ".docx")
ATTACHMENT_MAX_BYTES = 20 * 2**20


def _attachment_name(upload: File) -> str:
    """A generated name keeping only a known extension; the user's file name goes nowhere."""
    extension = Path(upload.name or "").suffix.lower()
    if extension not in ATTACHMENT_TYPES:
        raise Invalid(
            _("附件应为PDF、图片、OFD或Office文件"), details=[{"field": "attachment", "message": extension}]
        )
    if upload.size and upload.size > ATTACHMENT_MAX_BYTES:
        raise Invalid(_("附件不能超过20MB"), details=[{"field": "attachment", "message": str(upload.size)}])
    if not content_matches(extension, upload):
        raise Invalid(
            _("附件“%(name)s”的内容不是%(kind)s文件") % {"name": upload.name, "kind": extension[1:].upper()},
            details=[{"field": "attachment", "message": extension}],
        )
    return f"{uuid.uuid4().hex}{extension}"


ADVANCING_ROLES = {Role.DISTRICT_OFFICER, Role.ADMIN}


def _received_and_paid(project: Project, source: FundingSource) -> tuple[Decimal, Decimal]:
    sums = dict(
        LedgerEntry.objects.filter(project=project, source=source)
        .values_list("kind")
        .annotate(total=Sum("amount_yuan"))
    )
    return sums.get(rules.RECEIPT) or Decimal(0), sums.get(rules.PAYMENT) or Decimal(0)


def ledger_reverse(*, by: Any, project_id: int, entry_id: int, note: str) -> LedgerEntry:
    """Undoes an entry by a reversing one of the opposite sign (冲销): the ledger only grows."""
    if not note.strip():
        raise Invalid(_("请写明冲销原因"), details=[{"field": "note", "message": _("必填")}])
    with transaction.atomic():
        original = get_visible_or_404(
            LedgerEntry.objects.select_related("project"), by, pk=entry_id, project_id=project_id
        )
        project = _money_project(by, original.project_id)
        original = LedgerEntry.objects.select_for_update().get(pk=original.pk)
        if original.reverses_id is not None:
            raise Refused(_("冲销记录不能再冲销"))
        if LedgerEntry.objects.filter(reverses=original).exists():
            raise Refused(_("这笔记录已经冲销过了"))
        reversal = LedgerEntry.objects.create(
            project=project,
            source=original.source,
            kind=original.kind,
            amount_yuan=-original.amount_yuan,
            on=clock.today(),
            document_number=original.document_number,
            household=original.household,
            reverses=original,
            note=note.strip()[:255],
            created_by=by if getattr(by, "pk", None) else None,
        )
        audit_record(
            action="funding.reverse",
            actor=by,
            target=project,
            region_code=project.estate.region.code,
            detail={"entry": original.pk, "amount": str(original.amount_yuan)},
        )
    return reversal


def may_manage_sources(user: Any) -> bool:
    """The city keeps its list (settings); a district its own district money (money: change)."""
    return bool(user.can("settings", "menu") or user.can("money", "change"))


def _require_source_manager(by: Any, owner: Any) -> None:
    if not may_manage_sources(by):
        raise Forbidden(_("您的角色不能维护资金来源"))
    if not by.scope.everything and not by.scope.covers_region(owner.code):
        raise Forbidden(_("只能维护本辖区的资金来源"))


def funding_source_add(*, by: Any, owner: Any, code: str, name: str, kind: str) -> FundingSource:
    """A city's or a district's own source of money, beside the national list (SPEC 4.8: the
    city edits it), offered to everything below its owner."""
    _require_source_manager(by, owner)
    code, name = code.strip().upper(), name.strip()
    problems = []
    if not code or len(code) > 16 or not code.isascii() or not code.isalnum():
        problems.append({"field": "code", "message": _("编号为1至16位字母或数字")})
    if not name or len(name) > 64:
        problems.append({"field": "name", "message": _("名称为1至64个字")})
    if kind not in SourceKind.values:
        problems.append({"field": "kind", "message": _("请选择类别")})
    in_force_below = Q(owner__code__startswith=significant_prefix(owner.code))  # nothing below may clash
    in_force_here = FundingSource.objects.sources_for(owner.code)
    if (
        code
        and (
            in_force_here.filter(code=code) | FundingSource.objects.filter(in_force_below, code=code)
        ).exists()
    ):
        problems.append({"field": "code", "message": _("编号%(code)s已在使用") % {"code": code}})
    if problems:
        raise Invalid(_("资金来源有误"), details=problems)
    with transaction.atomic():
        source = FundingSource(owner=owner, code=code, name=name, kind=kind)
        stamp_history(source, by=by, reason="新增资金来源")
        source.save()
        audit_record(action="funding.source_add", actor=by, target=source, region_code=owner.code)
    return source


def funding_source_retire(*, by: Any, owner: Any, source_id: int, retired: bool) -> FundingSource:
    """Stops (or resumes) offering one of the node's own sources; the national list stays."""
    _require_source_manager(by, owner)
    with transaction.atomic():
        source = FundingSource.objects.select_for_update().filter(pk=source_id, owner=owner).first()
        if source is None:
            raise Refused(_("只能停用本级自己增加的资金来源"))
        source.retired = retired
        stamp_history(source, by=by, reason="停用资金来源" if retired else "恢复资金来源")
        source.save()
        audit_record(action="funding.source_retire", actor=by, target=source, region_code=owner.code)
    return source


def national_sources_load() -> int:
    """The national list, where it is missing (a database restored from before it, or a test
    database flushed between tests); existing rows are left as they are."""
    created = 0
    for code, name, kind in NATIONAL_SOURCES:
        _source, was_created = FundingSource.objects.get_or_create(
            owner=None, code=code, defaults={"name": name, "kind": kind}
        )
        created += was_created
    return created
