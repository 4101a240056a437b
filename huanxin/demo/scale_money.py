"""Money on top of a generated program (`demo/scale_projects.py`): each project that has reached
publicity gets a funding plan whose lines add up to its design budget (the rule before works
start), receipts in place from the plan's approval on, and payments as the works advance — every
entry dated on or before the demo's day, so that the money rollups read them as they read
entries made through the services."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from huanxin.core.bulk import bulk_write
from huanxin.core.history import history_copy_rows
from huanxin.funding import rules as funding_rules
from huanxin.funding.models import FundingLine, FundingPlan, FundingSource, LedgerEntry
from huanxin.projects import rules

# Central subsidy, the city's and the county's budgets, the utilities' share: sources whose
# entries need no household (a resident's own contribution names one).
SOURCES = ("G01", "G04", "G05", "E02")
FUNDED_FROM = rules.ORDER.index(rules.PUBLICITY)
CENT = Decimal("0.01")


@dataclass
class Money:
    """The rows to write, ids assigned here as the program's are."""

    sources: list[int]
    plans: list[list[object]] = field(default_factory=list)
    lines: list[list[object]] = field(default_factory=list)
    entries: list[list[object]] = field(default_factory=list)

    @classmethod
    def for_generation(cls) -> Money:
        by_code = dict(FundingSource.objects.filter(owner=None, code__in=SOURCES).values_list("code", "pk"))
        return cls(sources=[by_code[code] for code in SOURCES])

    def add_project(
        self,
        rng: random.Random,
        *,
        project_id: int,
        walked: list[tuple[str, dt.date]],
        budget: Decimal,
        share: Decimal,
        the_day: dt.date,
    ) -> None:
        """A plan for a project funded by now, receipts on its lines, payments for its progress."""
        states = [state for state, _on in walked]
        if budget <= 0 or len(states) <= FUNDED_FROM:
            return
        approved = walked[0][1]
        plan_id = len(self.plans) + 1
        self.plans.append([plan_id, project_id, 1])
        shares = _split(rng, len(self.sources))
        amounts = [(budget * part).quantize(CENT) for part in shares]
        amounts[0] += budget - sum(amounts)  # the central subsidy takes the rounding
        received = Decimal(0)
        for source_id, amount in zip(self.sources, amounts, strict=True):
            if amount <= 0:
                continue
            self.lines.append([len(self.lines) + 1, plan_id, source_id, amount])
            in_place = (amount * Decimal(rng.uniform(0.4, 1.0))).quantize(CENT)
            on = approved + dt.timedelta(days=rng.randint(10, max(10, (the_day - approved).days)))
            self._entry(project_id, source_id, funding_rules.RECEIPT, in_place, min(on, the_day))
            received += in_place
        if rules.CONSTRUCTION in states and share > 0:
            started = walked[states.index(rules.CONSTRUCTION)][1]
            paid = min(received, (budget * share).quantize(CENT))
            if paid > 0:
                on = started + dt.timedelta(days=rng.randint(0, max(0, (the_day - started).days)))
                self._entry(project_id, self.sources[0], funding_rules.PAYMENT, paid, min(on, the_day))

    def _entry(self, project_id: int, source_id: int, kind: str, amount: Decimal, on: dt.date) -> None:
        number = len(self.entries) + 1
        at = dt.datetime.combine(on, dt.time(11, 0), tzinfo=dt.UTC)
        self.entries.append(
            [project_id, source_id, kind, amount, on, f"SC{number:08d}", "", None, False, None, "", None, at]
        )

    def write(self, *, reason: str) -> tuple[int, int, int]:
        plans = bulk_write(FundingPlan, ["id", "project_id", "version"], self.plans)
        lines = bulk_write(FundingLine, ["id", "plan_id", "source_id", "amount_yuan"], self.lines)
        entries = bulk_write(LedgerEntry, ENTRY_COLUMNS, self.entries)
        for model, count in ((FundingPlan, plans), (FundingLine, lines)):
            if count:
                history_copy_rows(model, list(range(1, count + 1)), kind="+", by=None, reason=reason)
        return plans, lines, entries


ENTRY_COLUMNS = [
    "project_id",
    "source_id",
    "kind",
    "amount_yuan",
    "on",
    "document_number",
    "attachment",
    "household_id",
    "advance",
    "reverses_id",
    "note",
    "created_by_id",
    "created_at",
]


def _split(rng: random.Random, parts: int) -> list[Decimal]:
    """Shares of a budget, the central subsidy the largest: about half, the rest divided."""
    central = Decimal(rng.uniform(0.4, 0.6))
    rest = [Decimal(rng.uniform(0.5, 1.5)) for _ in range(parts - 1)]
    scale = (1 - central) / sum(rest)
    return [central, *(part * scale for part in rest)]
