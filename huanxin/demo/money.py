"""The demo's money (step 7): every project's funding plan split across the sources a city of
this size draws on, receipts as the money arrived and payments as the work was paid — complete
for the finished projects, some money still to arrive for those under way, and one district
advance not yet covered."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal
from typing import Any

from huanxin.core import clock
from huanxin.estates.models import Household
from huanxin.funding.models import FundingSource
from huanxin.funding.services import funding_plan_set, ledger_record
from huanxin.projects.models import Project
from huanxin.projects.querysets import design_budget

# Shares of the design budget by source code; the central subsidy takes the rounding.
SHARES = {
    "G03": Decimal("0.10"),  # provincial budget
    "G04": Decimal("0.15"),  # municipal budget
    "G05": Decimal("0.10"),  # district budget
    "R01": Decimal("0.05"),  # residents, directly
    "R02": Decimal("0.03"),  # maintenance fund
    "E02": Decimal("0.07"),  # pipeline units
}
PROPERTY_UNIT_SHARE = Decimal("0.05")  # where a single unit owned the housing (原产权单位)
GOVERNMENT = ("G01", "G03", "G04", "G05")
ADVANCED = "教场新村"  # its district paid the builder ahead of the provincial money


def plan_funding(
    project: Project, *, property_unit: bool, by: Any, total: Decimal | None = None
) -> dict[str, Decimal]:
    """The funding plan, to the fen, equal to the design budget (or, before the design, to
    `total`, the approved estimate)."""
    budget = total if total is not None else design_budget(project)
    shares = dict(SHARES) | ({"E01": PROPERTY_UNIT_SHARE} if property_unit else {})
    amounts = {
        code: (budget * share).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        for code, share in shares.items()
    }
    amounts["G01"] = budget - sum(amounts.values(), Decimal(0))
    sources = {source.code: source.pk for source in FundingSource.objects.filter(owner__isnull=True)}
    funding_plan_set(
        by=by,
        project_id=project.pk,
        version=None,
        lines={sources[code]: amount for code, amount in amounts.items()},
    )
    return amounts


def receive(
    project: Project, amounts: dict[str, Decimal], codes: tuple[str, ...], on: dt.date, by: Any
) -> None:
    sources = {source.code: source.pk for source in FundingSource.objects.filter(owner__isnull=True)}
    with clock.pinned(on):
        for code in codes:
            if code == "R01" and project.estate.name in HOUSEHOLD_BY_HOUSEHOLD and amounts.get(code):
                _residents_pay(project, amounts[code], sources[code], on, by)
                continue
            if amounts.get(code):
                ledger_record(
                    by=by,
                    project_id=project.pk,
                    source_id=sources[code],
                    kind="receipt",
                    amount=amounts[code],
                    on=on,
                    document_number=f"DW-{on:%Y%m}-{project.pk:04d}-{code}",
                    note="资金到位",
                )


HOUSEHOLD_BY_HOUSEHOLD = {"电力公司宿舍"}  # where the community booked each household's share


def _residents_pay(project: Project, total: Decimal, source_id: int, on: dt.date, by: Any) -> None:
    """The residents' direct share, household by household, as the community collected it."""
    households = list(Household.objects.filter(estate=project.estate).order_by("pk"))
    share = (total / len(households)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    for index, household in enumerate(households):
        amount = share if index < len(households) - 1 else total - share * (len(households) - 1)
        ledger_record(
            by=by,
            project_id=project.pk,
            source_id=source_id,
            kind="receipt",
            amount=amount,
            on=on,
            document_number=f"JM-{on:%Y%m}-{household.pk:05d}",
            household_id=household.pk,
            note="居民出资",
        )


def pay(project: Project, amount: Decimal, on: dt.date, by: Any, *, advance: bool = False) -> None:
    """Payments to the builder for the works done, each source paying out of what it received;
    an advance is paid from the district's budget line, by the district."""
    from huanxin.accounts.models import User
    from huanxin.funding.querysets import project_money

    remaining = amount.quantize(Decimal("0.01"))
    if remaining <= 0:
        return
    lines, _overall = project_money(project)
    with clock.pinned(on):
        if advance:
            district = User.objects.get(username="yongding")
            _pay_one(
                project,
                FundingSource.objects.get(owner__isnull=True, code="G05").pk,
                remaining,
                on,
                district,
                True,
            )
            return
        for line in lines:
            part = min(line.totals.received - line.totals.paid, remaining)
            if part > 0:
                _pay_one(project, line.source.pk, part, on, by, False)
                remaining -= part


def _pay_one(project: Project, source_id: int, amount: Decimal, on: dt.date, by: Any, advance: bool) -> None:
    ledger_record(
        by=by,
        project_id=project.pk,
        source_id=source_id,
        kind="payment",
        amount=amount,
        on=on,
        document_number=f"ZF-{on:%Y%m%d}-{project.pk:04d}-{source_id}",
        note="按进度支付工程款" + ("（区县垫付）" if advance else ""),
        advance=advance,
    )
