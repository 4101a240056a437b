"""The project lifecycle (SPEC 5.3) as data and pure functions."""

from __future__ import annotations

from collections.abc import Sequence
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
