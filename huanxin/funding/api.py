"""The money through the API: a project's money by source, its ledger, recording an entry, and
the rollup — the same services and reads as the pages."""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from huanxin.core import clock
from huanxin.core.access import endpoint
from huanxin.core.api import ERRORS, READ_ERRORS, caller
from huanxin.core.bounds import Code10, Code16, Code64, Day, Id, PositiveYuan, RegionCode, Text255
from huanxin.core.errors import Invalid
from huanxin.core.http import get_visible_or_404
from huanxin.funding import services
from huanxin.funding.models import LedgerEntry
from huanxin.funding.querysets import GROUPS, project_money, rollup
from huanxin.funding.rules import FEN
from huanxin.projects.querysets import projects_for
from huanxin.regions import rules as region_rules

router = Router(tags=["资金 funding"])


class TotalsOut(Schema):
    planned_yuan: Decimal
    received_yuan: Decimal
    paid_yuan: Decimal
    in_place_rate: float | None = Field(..., description="到位率：到位 ÷ 计划")
    execution_rate: float | None = Field(..., description="执行率：支出 ÷ 到位")
    advanced_yuan: Decimal = Field(..., description="区县垫付尚未覆盖的金额")


def _totals(totals: Any) -> dict[str, Any]:
    return {  # to the fen, as the ledger holds it (SQLite's sums lose the scale)
        "planned_yuan": totals.planned.quantize(FEN),
        "received_yuan": totals.received.quantize(FEN),
        "paid_yuan": totals.paid.quantize(FEN),
        "in_place_rate": None if totals.in_place_rate is None else float(totals.in_place_rate),
        "execution_rate": None if totals.execution_rate is None else float(totals.execution_rate),
        "advanced_yuan": totals.advanced.quantize(FEN),
    }


class SourceMoneyOut(TotalsOut):
    source_code: str
    source_name: str
    kind: str


class ProjectMoneyOut(Schema):
    project_id: int
    sources: list[SourceMoneyOut]
    total: TotalsOut


@router.get("/projects/{project_id}/funding", response={200: ProjectMoneyOut, **READ_ERRORS})
@endpoint("money", "view")
def get_project_money(request: HttpRequest, project_id: Id, as_of: Code10 | None = None) -> Any:
    """Planned, received and paid by source, as of a date (entries dated on or before it)."""
    user = caller(request)
    project = get_visible_or_404(projects_for(user), user, pk=project_id)
    lines, overall = project_money(project, _date(as_of) if as_of else None)
    return {
        "project_id": project.pk,
        "sources": [
            {
                "source_code": line.source.code,
                "source_name": line.source.name,
                "kind": line.source.kind,
                **_totals(line.totals),
            }
            for line in lines
        ],
        "total": _totals(overall),
    }


class EntryIn(Schema):
    source_id: Id
    kind: Literal["receipt", "payment"] = Field(..., description="receipt（到位）或 payment（支出）")
    amount_yuan: PositiveYuan
    on: Day
    document_number: Code64
    note: Text255 = ""
    advance: bool = False
    household_id: Id | None = None


class EntryOut(Schema):
    id: int
    source_code: str
    kind: str
    amount_yuan: Decimal
    on: dt.date
    document_number: str
    advance: bool
    reverses: int | None

    @staticmethod
    def resolve_source_code(obj: LedgerEntry) -> str:
        return obj.source.code

    @staticmethod
    def resolve_reverses(obj: LedgerEntry) -> int | None:
        return obj.reverses_id


@router.get("/projects/{project_id}/funding/entries", response={200: list[EntryOut], **READ_ERRORS})
@endpoint("money", "view")
def list_entries(request: HttpRequest, project_id: Id) -> Any:
    user = caller(request)
    project = get_visible_or_404(projects_for(user), user, pk=project_id)
    return LedgerEntry.objects.filter(project=project).select_related("source").order_by("on", "id")


@router.post("/projects/{project_id}/funding/entries", response={201: EntryOut, **ERRORS})
@endpoint("money", "change")
def record_entry(request: HttpRequest, project_id: Id, payload: EntryIn) -> Any:
    """A receipt or a payment; a payment beyond what its source received is `409` unless the
    district marks it as its advance. Corrections: record a reversal on the page (冲销)."""
    entry = services.ledger_record(
        by=caller(request),
        project_id=project_id,
        source_id=payload.source_id,
        kind=payload.kind,
        amount=payload.amount_yuan,
        on=payload.on,
        document_number=payload.document_number,
        note=payload.note,
        advance=payload.advance,
        household_id=payload.household_id,
    )
    return 201, LedgerEntry.objects.select_related("source").get(pk=entry.pk)


class RollupRowOut(TotalsOut):
    group: str


@router.get("/funding/rollup", response={200: list[RollupRowOut], **READ_ERRORS})
@endpoint("money", "view")
def get_rollup(
    request: HttpRequest,
    region: RegionCode | None = None,
    as_of: Code10 | None = None,
    group: Code16 = "kind",
) -> Any:
    """Planned, received and paid grouped by `kind`, `source`, `district`, `year` or `month`."""
    user = caller(request)
    if group not in GROUPS:
        raise Invalid(
            _("分组应为：%(groups)s") % {"groups": "、".join(GROUPS)},
            details=[{"field": "group", "message": group}],
        )
    try:
        prefix = (
            region_rules.significant_prefix(region) if region else (user.region.prefix if user.region else "")
        )
    except ValueError as error:
        raise Invalid(
            _("区划代码应为6、9或12位数字"), details=[{"field": "region", "message": region}]
        ) from error
    rows = rollup(user, region_prefix=prefix, as_of=_date(as_of) if as_of else clock.today(), group=group)
    return [{"group": str(label), **_totals(totals)} for label, totals in rows]


def _date(value: str) -> dt.date:
    try:
        return clock.parse_as_of(value)
    except ValueError as error:
        raise Invalid(_("日期格式应为 YYYY-MM-DD"), details=[{"field": "as_of", "message": value}]) from error
