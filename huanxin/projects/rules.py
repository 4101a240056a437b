"""The project lifecycle (SPEC 5.3) as data and pure functions."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

APPROVED = "approved"
DESIGN = "design"
PUBLICITY = "publicity"
TENDER = "tender"
CONSTRUCTION = "construction"
AWAITING_ACCEPTANCE = "awaiting_acceptance"
ACCEPTED = "accepted"
HANDED_OVER = "handed_over"
SUSPENDED = "suspended"
CANCELLED = "cancelled"

STATES = {
    APPROVED: "已立项",
    DESIGN: "设计",
    PUBLICITY: "设计公示",
    TENDER: "招标",
    CONSTRUCTION: "施工",
    AWAITING_ACCEPTANCE: "待验收",
    ACCEPTED: "已验收",
    HANDED_OVER: "已移交",
    SUSPENDED: "暂停",
    CANCELLED: "终止",
}
ORDER = [APPROVED, DESIGN, PUBLICITY, TENDER, CONSTRUCTION, AWAITING_ACCEPTANCE, ACCEPTED, HANDED_OVER]
OPEN = set(ORDER[:-2])  # suspended and cancelled are reachable from these
STARTED = {CONSTRUCTION, AWAITING_ACCEPTANCE, ACCEPTED, HANDED_OVER}
COMPLETED = {ACCEPTED, HANDED_OVER}


def next_states(state: str, resume_to: str | None = None) -> list[str]:
    """Where a project may go from `state`: the next step, suspension and cancellation while open,
    and back from suspension to where it was."""
    if state == SUSPENDED:
        return [s for s in (resume_to, CANCELLED) if s]
    if state in (CANCELLED, HANDED_OVER):
        return []
    following = ORDER[ORDER.index(state) + 1 : ORDER.index(state) + 2]
    return [*following, *([SUSPENDED, CANCELLED] if state in OPEN else [])]


def progress(items: Sequence[tuple[Decimal, Decimal, Decimal]]) -> Decimal:
    """Budget-weighted progress: items as (budget, quantity, quantity done); 0..1."""
    total = sum((budget for budget, _quantity, _done in items), Decimal(0))
    if total <= 0:
        return Decimal(0)
    done = sum(
        (budget * min(Decimal(1), done / quantity) for budget, quantity, done in items if quantity > 0),
        Decimal(0),
    )
    return (done / total).quantize(Decimal("0.0001"))


@dataclass(frozen=True)
class ProjectConfig:
    """A city's project rules (SPEC 5.3), with the national defaults."""

    reapproval_margin: Decimal = Decimal("0.10")
    publicity_days: int = 7


def needs_reapproval(
    design_budget: Decimal, estimate: Decimal, margin: Decimal, reapproved_budget: Decimal | None
) -> bool:
    """A design more than `margin` above the estimate needs the city's re-approval of at least
    that budget; a later, larger design needs re-approval again."""
    if design_budget <= estimate * (1 + margin):
        return False
    return reapproved_budget is None or design_budget > reapproved_budget


FORECAST_HORIZON_DAYS = 36_500  # a pace that needs longer than a century is shown as a century


def forecast_end(start: dt.date, on: dt.date, share_done: Decimal) -> dt.date | None:
    """When the work will be done at the pace so far: `share_done` in the days from `start` to
    `on`. None when nothing is done yet (no pace to extrapolate)."""
    if share_done >= 1:
        return on
    if share_done <= 0 or on <= start:
        return None
    days_so_far = (on - start).days
    return start + dt.timedelta(days=min(math.ceil(days_so_far / share_done), FORECAST_HORIZON_DAYS))


def is_delayed(state: str, planned_end: dt.date | None, forecast: dt.date | None, today: dt.date) -> bool:
    """The delay flag: an unfinished project past its planned end, or forecast to pass it."""
    if state in COMPLETED or state in (CANCELLED, AWAITING_ACCEPTANCE) or planned_end is None:
        return False
    return today > planned_end or (forecast is not None and forecast > planned_end)


def milestone_late(due_on: dt.date, done_on: dt.date | None, today: dt.date) -> bool:
    """Late when done after its date, or not done and its date has passed."""
    return (done_on or today) > due_on


# Who signs the acceptance record (SPEC 5.3), in the order of the printed form.
OWNERS = "owners"
REPRESENTATIVES = "representatives"
COMMUNITY = "community"
SUPERVISION = "supervision"
CONSTRUCTION_PARTY = "construction"
DISTRICT = "district"
PARTIES = {
    OWNERS: "业主委员会",
    REPRESENTATIVES: "居民代表",
    COMMUNITY: "社区居委会",
    SUPERVISION: "监理单位",
    CONSTRUCTION_PARTY: "施工单位",
    DISTRICT: "区县住建局",
}


def parties_required(has_owners_committee: bool) -> list[str]:
    """The owners' committee signs where there is one; elected resident representatives where not."""
    first = OWNERS if has_owners_committee else REPRESENTATIVES
    return [first, COMMUNITY, SUPERVISION, CONSTRUCTION_PARTY, DISTRICT]


def representatives_enough(signed: int, elected: int) -> bool:
    """More than half of the elected representatives, and at least one."""
    return elected > 0 and signed * 2 > elected
