"""The project lifecycle (SPEC 5.3) as data and pure functions."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext_lazy

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
    APPROVED: gettext_lazy("已立项"),
    DESIGN: gettext_lazy("设计"),
    PUBLICITY: gettext_lazy("设计公示"),
    TENDER: gettext_lazy("招标"),
    CONSTRUCTION: gettext_lazy("施工"),
    AWAITING_ACCEPTANCE: gettext_lazy("待验收"),
    ACCEPTED: gettext_lazy("已验收"),
    HANDED_OVER: gettext_lazy("已移交"),
    SUSPENDED: gettext_lazy("暂停"),
    CANCELLED: gettext_lazy("终止"),
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


def item_share(done: Decimal, quantity: Decimal) -> Decimal:
    """An item's share done, 0..1: a measured overrun does not count beyond the design."""
    return min(Decimal(1), done / quantity) if quantity > 0 else Decimal(0)


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
    satisfaction_guard: bool = False  # SPEC 5.3: off unless the city turns it on
    satisfaction_threshold: Decimal = Decimal("0.80")
    photo_max_distance_m: int = 1000
    feedback_working_days: int = 3
    basic_coverage_guard: bool = True  # 应改尽改: on unless the city turns it off


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


MILESTONE_PENDING = "pending"
MILESTONE_LATE = "late"
MILESTONE_DONE = "done"
MILESTONE_DONE_LATE = "done_late"
MILESTONE_CLOSED = "closed"
MILESTONE_STATUS = {
    MILESTONE_PENDING: gettext_lazy("未到期"),
    MILESTONE_LATE: gettext_lazy("滞后"),
    MILESTONE_DONE: gettext_lazy("按期完成"),
    MILESTONE_DONE_LATE: gettext_lazy("逾期完成"),
    MILESTONE_CLOSED: gettext_lazy("已关闭（项目已验收或终止）"),
}


def is_completion_milestone(name: str) -> bool:
    """The completion of the works (竣工): the supervisor or the district confirms it, not the
    builder whose work it judges."""
    return "竣工" in name


def milestone_status(
    due_on: dt.date, done_on: dt.date | None, as_of: dt.date, closed_on: dt.date | None = None
) -> str:
    """A milestone as of a date: late only after its due date and before it is reached; once the
    project is accepted (or cancelled: `closed_on`), an unreached milestone is closed rather than
    late for ever."""
    if done_on is not None and done_on <= as_of:
        return MILESTONE_DONE if done_on <= due_on else MILESTONE_DONE_LATE
    if closed_on is not None and closed_on <= as_of:
        return MILESTONE_CLOSED
    return MILESTONE_LATE if as_of > due_on else MILESTONE_PENDING


def milestone_late(
    due_on: dt.date, done_on: dt.date | None, as_of: dt.date, closed_on: dt.date | None = None
) -> bool:
    return milestone_status(due_on, done_on, as_of, closed_on) == MILESTONE_LATE


def progress_goes_back(quantity: Decimal, before: Decimal | None, after: Decimal | None) -> bool:
    """A cumulative quantity below what was reported on or before its date, or above what was
    reported after it, would make the item's progress fall on some day: only a correction may."""
    return (before is not None and quantity < before) or (after is not None and quantity > after)


# Who signs the acceptance record (SPEC 5.3), in the order of the printed form.
OWNERS = "owners"
REPRESENTATIVES = "representatives"
COMMUNITY = "community"
SUPERVISION = "supervision"
CONSTRUCTION_PARTY = "construction"
DISTRICT = "district"
PARTIES = {
    OWNERS: gettext_lazy("业主委员会"),
    REPRESENTATIVES: gettext_lazy("居民代表"),
    COMMUNITY: gettext_lazy("社区居委会"),
    SUPERVISION: gettext_lazy("监理单位"),
    CONSTRUCTION_PARTY: gettext_lazy("施工单位"),
    DISTRICT: gettext_lazy("区县住建局"),
}


def parties_required(has_owners_committee: bool) -> list[str]:
    """The owners' committee signs where there is one; elected resident representatives where not."""
    first = OWNERS if has_owners_committee else REPRESENTATIVES
    return [first, COMMUNITY, SUPERVISION, CONSTRUCTION_PARTY, DISTRICT]


def representatives_enough(signed: int, elected: int) -> bool:
    """More than half of the elected representatives, and at least one."""
    return elected > 0 and signed * 2 > elected


@dataclass(frozen=True)
class DemandLine:
    code: str
    name: str
    first_choice: int  # households naming it their first need
    mentions: int  # households naming it at all
    covered: bool  # the design includes it


@dataclass(frozen=True)
class Coverage:
    """Which of the residents' wanted items the design covers, and for how many households the
    first choice is covered (SPEC 4.7)."""

    lines: list[DemandLine]
    first_choices: int  # households that named a first need
    first_choices_covered: int

    @property
    def share(self) -> Fraction | None:
        return Fraction(self.first_choices_covered, self.first_choices) if self.first_choices else None


def demand_coverage(demand: Sequence[tuple[str, str, int, int]], design_codes: set[str]) -> Coverage:
    """`demand`: (menu code, name, first-choice households, mentioning households), most wanted
    first."""
    lines = [
        DemandLine(code, name, first, mentions, code in design_codes)
        for code, name, first, mentions in demand
    ]
    return Coverage(
        lines=lines,
        first_choices=sum(line.first_choice for line in lines),
        first_choices_covered=sum(line.first_choice for line in lines if line.covered),
    )


SATISFIED_LEVELS = ("satisfied", "basically")


def satisfied_share(levels: Sequence[str]) -> Fraction | None:
    """满意 and 基本满意 over every rating given; None when nobody has rated."""
    if not levels:
        return None
    return Fraction(sum(1 for level in levels if level in SATISFIED_LEVELS), len(levels))


def photo_flags(
    *,
    stage: str,
    taken_on: dt.date | None,
    distance_m: float | None,
    max_distance_m: int,
    works_started_on: dt.date | None,
    today: dt.date,
) -> list[str]:
    """What a photo's own metadata contradicts: the project's place, or its dates."""
    flags = []
    if distance_m is not None and distance_m > max_distance_m:
        flags.append(
            f"拍摄地点距小区约{distance_m / 1000:.1f}公里"
            if distance_m >= 1000
            else f"拍摄地点距小区约{distance_m:.0f}米"
        )
    if taken_on is not None:
        if taken_on > today:
            flags.append("拍摄时间晚于今天")
        elif works_started_on is not None and stage == "before" and taken_on > works_started_on:
            flags.append("“改造前”照片拍摄于开工之后")
        elif works_started_on is not None and stage in ("during", "after") and taken_on < works_started_on:
            flags.append("施工照片拍摄于开工之前")
    return flags


def feedback_overdue(due_on: dt.date, answered_on: dt.date | None, on: dt.date) -> bool:
    """Past its deadline and not yet answered at the end of `on`."""
    return due_on < on and (answered_on is None or answered_on > on)


def feedback_route(category: str) -> str | None:
    """Which organization of the project answers a category: the builder for what happens on
    site, the supervisor for safety, the designer for the design; None: the district itself."""
    return {
        "quality": "builder",
        "nuisance": "builder",
        "progress": "builder",
        "safety": "supervisor",
        "design": "designer",
    }.get(category)


# 应改尽改, 先基础后提升: the design against the estate's condition assessment.
BASIC = "basic"
ENHANCEMENT = "enhancement"
SEVERITY_RANK = {"none": 0, "minor": 1, "major": 2, "hazardous": 3}
SERIOUS = 2  # major or worse: must be designed, or carry a written reason why not


@dataclass(frozen=True)
class AssessedItem:
    """One row of a condition assessment: a menu item's problem in one of the estates."""

    code: str
    name: str
    category: str
    severity: str
    severity_label: str
    note: str = ""


@dataclass(frozen=True)
class BasicProblem:
    code: str
    name: str
    severity: str  # the worst recorded in the project's estates
    severity_label: str
    note: str
    covered: bool  # the design includes the menu item
    reason: str  # why it is not designed; "" when none was written

    @property
    def open(self) -> bool:
        """Neither designed nor explained: what the publicity guard refuses."""
        return not self.covered and not self.reason


@dataclass(frozen=True)
class BasicCoverage:
    problems: list[BasicProblem]  # worst first, then by menu code
    enhancements: list[str]  # the enhancement items in the design, by name

    @property
    def covered(self) -> list[BasicProblem]:
        return [p for p in self.problems if p.covered]

    @property
    def uncovered(self) -> list[BasicProblem]:
        return [p for p in self.problems if not p.covered]

    @property
    def open(self) -> list[BasicProblem]:
        return [p for p in self.problems if p.open]

    @property
    def enhancement_first(self) -> bool:
        """Enhancement designed while a basic problem stays open: 先基础后提升 is not followed."""
        return bool(self.enhancements) and bool(self.open)


def basic_coverage(
    assessment: Sequence[AssessedItem],
    design: Sequence[tuple[str, str, str]],
    reasons: dict[str, str],
) -> BasicCoverage:
    """Every basic problem recorded as major or worse, covered by the design's item of the same
    code or explained by a written reason. `design`: (code, name, category) of each item;
    `reasons`: menu code → reason. An item assessed in several estates (a joint project) counts
    once, at its worst."""
    worst: dict[str, AssessedItem] = {}
    notes: dict[str, list[str]] = {}
    for row in assessment:
        if row.category != BASIC or SEVERITY_RANK.get(row.severity, 0) < SERIOUS:
            continue
        if row.code not in worst or SEVERITY_RANK[row.severity] > SEVERITY_RANK[worst[row.code].severity]:
            worst[row.code] = row
        if row.note and row.note not in notes.setdefault(row.code, []):
            notes[row.code].append(row.note)
    designed = {code for code, _name, _category in design}
    problems = [
        BasicProblem(
            code=row.code,
            name=row.name,
            severity=row.severity,
            severity_label=row.severity_label,
            note="；".join(notes.get(row.code, [])),
            covered=row.code in designed,
            reason=reasons.get(row.code, "").strip(),
        )
        for row in sorted(worst.values(), key=lambda row: (-SEVERITY_RANK[row.severity], row.code))
    ]
    return BasicCoverage(
        problems=problems,
        enhancements=[name for _code, name, category in design if category == ENHANCEMENT],
    )
