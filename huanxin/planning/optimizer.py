"""Choosing an annual plan under a budget (SPEC 4.6): an exact mixed-integer model solved with
HiGHS, the greedy pick beside it, and for every candidate a reason that is true as written.

Pure code over plain values: the what-if API, the plan drafting service, the benchmark and the
tests all call `optimize` with a `Problem`. Money is in yuan; shares are of the budget.

The model: choose x_i ∈ {0, 1} to maximise Σ priority_i × households_i × x_i subject to
Σ cost_i x_i ≤ budget; for each district d, min_d × budget ≤ Σ_{i∈d} cost_i x_i ≤ max_d × budget;
x_i = 1 for must-include, x_i = 0 for must-exclude.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.utils.translation import gettext_lazy

from huanxin.core.money import format_yuan, to_decimal

NEAREST = 50  # candidates on each side of the cut whose reason is a re-solve


@dataclass(frozen=True)
class Candidate:
    id: Hashable
    district: str
    cost: float  # yuan
    households: int
    priority: float

    @property
    def value(self) -> float:
        return self.priority * self.households

    @property
    def value_per_wan(self) -> float:
        """Priority-weighted households per 10,000 yuan: the greedy's yardstick."""
        return self.value / self.cost * 10_000 if self.cost > 0 else float("inf")


@dataclass(frozen=True)
class Problem:
    budget: float
    candidates: Sequence[Candidate]
    min_share: dict[str, float] = field(default_factory=dict)
    max_share: dict[str, float] = field(default_factory=dict)
    must_include: frozenset[Hashable] = frozenset()
    must_exclude: frozenset[Hashable] = frozenset()
    time_limit_s: float = 10.0
    district_names: dict[str, str] = field(default_factory=dict)
    mip_rel_gap: float = 0.0  # exact by default: the reasons quote objectives as proven
    explain: bool = True  # reasons for every candidate (re-solves near the cut)

    def name(self, district: str) -> str:
        return self.district_names.get(district, district)


@dataclass
class Greedy:
    selected: list[Hashable]
    objective: float
    violations: list[str]


@dataclass
class Solution:
    status: str  # "optimal", "time_limit" (feasible, gap reported), "infeasible"
    selected: list[Hashable]
    objective: float | None
    bound: float | None
    gap: float | None
    greedy: Greedy
    reasons: dict[Hashable, str]
    conflicts: list[str] = field(default_factory=list)
    seconds: float = 0.0


# ---------------------------------------------------------------------------------------------
# Infeasibility: say which constraints conflict, in words, before and after asking the solver.
# ---------------------------------------------------------------------------------------------


def conflicts(problem: Problem) -> list[str]:
    found: list[str] = []
    budget = problem.budget
    by_id = {c.id: c for c in problem.candidates}
    unknown = sorted(str(i) for i in problem.must_include if i not in by_id)
    if unknown:
        found.append(f"必须纳入的项目不在候选名单中：{'、'.join(unknown)}")
    both = problem.must_include & problem.must_exclude
    if both:
        found.append(f"同一项目既列为必须纳入又列为排除：{'、'.join(sorted(map(str, both)))}")
    total_min = sum(problem.min_share.values())
    if total_min > 1 + 1e-9:
        found.append(f"各区县最低份额之和为{total_min:.1%}，超过了100%")
    for district, low in problem.min_share.items():
        high = problem.max_share.get(district)
        if high is not None and low > high + 1e-12:
            found.append(f"{problem.name(district)}的最低份额{low:.1%}高于其最高份额{high:.1%}")
    forced: dict[str, float] = defaultdict(float)
    for candidate_id in problem.must_include:
        if candidate_id in by_id:
            forced[by_id[candidate_id].district] += by_id[candidate_id].cost
    if sum(forced.values()) > budget + 1e-6:
        found.append(f"必须纳入的项目共需{_yuan(sum(forced.values()))}，超过预算{_yuan(budget)}")
    for district, cost in forced.items():
        high = problem.max_share.get(district)
        if high is not None and cost > high * budget + 1e-6:
            found.append(
                f"{problem.name(district)}必须纳入的项目共需{_yuan(cost)}，"
                f"超过其最高份额{high:.1%}（{_yuan(high * budget)}）"
            )
    available: dict[str, float] = defaultdict(float)
    for candidate in problem.candidates:
        if candidate.id not in problem.must_exclude:
            available[candidate.district] += candidate.cost
    for district, low in problem.min_share.items():
        if low > 0 and available[district] + 1e-6 < low * budget:
            found.append(
                f"{problem.name(district)}可选项目总投资{_yuan(available[district])}，"
                f"不足其最低份额{low:.1%}（{_yuan(low * budget)}）"
            )
    floors = sum(
        max(problem.min_share.get(d, 0.0) * budget, forced.get(d, 0.0))
        for d in set(problem.min_share) | set(forced)
    )
    if floors > budget + 1e-6 and total_min <= 1 + 1e-9:
        found.append("各区县最低份额与必须纳入的项目合计超过预算")
    return found


# ---------------------------------------------------------------------------------------------
# The exact model
# ---------------------------------------------------------------------------------------------


@dataclass
class _Solved:
    status: str
    x: np.ndarray | None
    objective: float | None
    bound: float | None
    gap: float | None


class _Model:
    """One HiGHS model, re-solved with a variable fixed for the reasons near the cut."""

    def __init__(self, problem: Problem) -> None:
        import highspy

        self.highspy = highspy
        self.problem = problem
        self.candidates = list(problem.candidates)
        self.index = {c.id: i for i, c in enumerate(self.candidates)}
        n = len(self.candidates)
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("log_to_console", False)
        h.setOptionValue("mip_rel_gap", problem.mip_rel_gap)
        self.h = h
        lower = np.zeros(n)
        upper = np.ones(n)
        for candidate_id in problem.must_include:
            lower[self.index[candidate_id]] = 1
        for candidate_id in problem.must_exclude:
            if candidate_id in self.index:  # excluding an unknown id excludes nothing
                upper[self.index[candidate_id]] = 0
        self.lower, self.upper = lower, upper
        costs = np.array([c.cost for c in self.candidates], dtype=np.float64)
        values = np.array([c.value for c in self.candidates], dtype=np.float64)
        h.addVars(n, lower, upper)
        h.changeColsCost(n, np.arange(n, dtype=np.int32), values)
        h.changeColsIntegrality(
            n, np.arange(n, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * n)
        )
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        inf = highspy.kHighsInf
        self._row(np.arange(n), costs, -inf, problem.budget)
        districts = defaultdict(list)
        for i, c in enumerate(self.candidates):
            districts[c.district].append(i)
        for district, members in districts.items():
            low = problem.min_share.get(district, 0.0) * problem.budget
            high = problem.max_share.get(district)
            if low > 0 or high is not None:
                idx = np.array(members)
                self._row(
                    idx,
                    costs[idx],
                    low if low > 0 else -inf,
                    high * problem.budget if high is not None else inf,
                )
        for district, share in problem.min_share.items():
            if share > 0 and district not in districts:
                self._row(np.array([], dtype=np.int32), np.array([]), share * problem.budget, inf)

    def _row(self, idx: np.ndarray, coefficients: np.ndarray, low: float, high: float) -> None:
        status = self.h.addRow(low, high, len(idx), idx.astype(np.int32), coefficients.astype(np.float64))
        if status != self.highspy.HighsStatus.kOk:  # HiGHS drops rows with values it cannot hold
            raise ValueError("a constraint could not be added to the model (values out of range)")

    def solve(
        self, time_limit: float, fixed: tuple[int, float] | None = None, start: np.ndarray | None = None
    ) -> _Solved:
        h = self.h
        h.setOptionValue("time_limit", max(0.1, time_limit))
        if fixed is not None:
            h.changeColBounds(fixed[0], fixed[1], fixed[1])
        try:
            if start is not None:
                solution = self.highspy.HighsSolution()
                solution.col_value = list(start)
                solution.value_valid = True
                h.setSolution(solution)
            h.run()
            status = h.getModelStatus()
            info = h.getInfo()
            has_solution = info.primal_solution_status == self.highspy.SolutionStatus.kSolutionStatusFeasible
            if status == self.highspy.HighsModelStatus.kInfeasible:
                return _Solved("infeasible", None, None, None, None)
            if not has_solution:  # stopped by the time limit before any solution: no verdict
                return _Solved("no_solution", None, None, None, None)
            x = np.round(np.array(h.getSolution().col_value))
            objective = float(info.objective_function_value)
            bound = float(info.mip_dual_bound)
            gap = max(0.0, float(info.mip_gap)) if np.isfinite(info.mip_gap) else None
            optimal = status == self.highspy.HighsModelStatus.kOptimal
            return _Solved("optimal" if optimal else "time_limit", x, objective, bound, gap)
        finally:
            if fixed is not None:
                h.changeColBounds(fixed[0], self.lower[fixed[0]], self.upper[fixed[0]])
            h.clearSolver()


# ---------------------------------------------------------------------------------------------
# The greedy pick
# ---------------------------------------------------------------------------------------------


def greedy(problem: Problem) -> Greedy:
    """The ranking a person would do by hand: must-includes first; then, district by district,
    the best value per yuan until each minimum share is met; then the best value per yuan of
    all. Whatever would break the budget or a maximum share is skipped; a minimum share still
    missed at the end is reported."""
    budget = problem.budget
    spent = 0.0
    by_district: dict[str, float] = defaultdict(float)
    chosen: list[Candidate] = []
    taken: set[Hashable] = set()
    order = sorted(
        (c for c in problem.candidates if c.id not in problem.must_exclude),
        key=lambda c: (-c.value_per_wan, str(c.id)),
    )

    def take(candidate: Candidate, forced: bool = False) -> None:
        nonlocal spent
        high = problem.max_share.get(candidate.district)
        fits = spent + candidate.cost <= budget + 1e-6 and (
            high is None or by_district[candidate.district] + candidate.cost <= high * budget + 1e-6
        )
        if candidate.id not in taken and (fits or forced):
            chosen.append(candidate)
            taken.add(candidate.id)
            spent += candidate.cost
            by_district[candidate.district] += candidate.cost

    for candidate in order:
        if candidate.id in problem.must_include:
            take(candidate, forced=True)
    for district, low in sorted(problem.min_share.items()):
        for candidate in order:
            if by_district[district] + 1e-6 >= low * budget:
                break
            if candidate.district == district:
                take(candidate)
    for candidate in order:
        take(candidate)
    violations = [
        f"{problem.name(d)}仅{_yuan(by_district[d])}，低于最低份额{low:.1%}"
        for d, low in sorted(problem.min_share.items())
        if by_district[d] + 1e-6 < low * budget
    ]
    return Greedy([c.id for c in chosen], sum(c.value for c in chosen), violations)


# ---------------------------------------------------------------------------------------------
# Reasons: each one true as written
# ---------------------------------------------------------------------------------------------


def _fmt(value: float) -> str:
    return f"{value:,.1f}"


def _yuan(value: float) -> str:
    return format_yuan(to_decimal(round(value, 2)))


def _on_its_own(problem: Problem, candidate: Candidate, forced_by_district: dict[str, float]) -> str | None:
    """A constraint the candidate breaks by itself, whatever else is chosen."""
    forced_total = sum(forced_by_district.values())
    forced_here = forced_by_district.get(candidate.district, 0.0)
    if candidate.cost > problem.budget - forced_total + 1e-6:
        return (
            f"未纳入：其投资额{_yuan(candidate.cost)}单独已超过扣除必须纳入项目后的"
            f"剩余预算{_yuan(problem.budget - forced_total)}"
        )
    high = problem.max_share.get(candidate.district)
    if high is not None and candidate.cost > high * problem.budget - forced_here + 1e-6:
        return (
            f"未纳入：其投资额{_yuan(candidate.cost)}单独已超过{problem.name(candidate.district)}的剩余最高份额"
            f"{_yuan(high * problem.budget - forced_here)}"
        )
    return None


def optimize(problem: Problem, on_stage: Callable[[str], None] = lambda stage: None) -> Solution:
    """`on_stage` hears "solve", then "explain": the plan page shows the worker's progress."""
    started = time.monotonic()
    plain = greedy(problem)
    found = conflicts(problem)
    if found:
        return Solution("infeasible", [], None, None, None, plain, {}, found, time.monotonic() - started)
    if not problem.candidates:
        return Solution("optimal", [], 0.0, 0.0, 0.0, plain, {}, [], time.monotonic() - started)
    model = _Model(problem)
    # A greedy pick that keeps every constraint is a feasible start: the exact answer can only
    # improve on it, even when the time limit stops the search before optimality is proven.
    start = None
    if not plain.violations:
        picked = set(plain.selected)
        start = np.array([1.0 if c.id in picked else 0.0 for c in model.candidates])
    on_stage("solve")
    best = model.solve(problem.time_limit_s, start=start)
    solved = time.monotonic()
    if best.status == "no_solution":
        return Solution(
            "no_solution",
            [],
            None,
            None,
            None,
            plain,
            {},
            [f"在{problem.time_limit_s:g}秒内未找到可行方案，请延长求解时限"],
            time.monotonic() - started,
        )
    if best.x is None:
        return Solution(
            "infeasible",
            [],
            None,
            None,
            None,
            plain,
            {},
            ["各约束无法同时满足（预算、各区县份额与必须纳入的项目相互冲突）"],
            time.monotonic() - started,
        )
    chosen = {c.id for c, x in zip(model.candidates, best.x, strict=True) if x > 0.5}
    broken = violated(problem, chosen)
    if broken:  # never hand back a selection that breaks a constraint, whatever the solver said
        return Solution("error", [], None, None, None, plain, {}, broken, time.monotonic() - started)
    objective = sum(c.value for c in model.candidates if c.id in chosen)
    on_stage("explain")
    reasons = (
        _reasons(problem, model, best, chosen, deadline=_explain_deadline(problem, started, solved))
        if problem.explain
        else {}
    )
    return Solution(
        best.status,
        [c.id for c in model.candidates if c.id in chosen],
        objective,
        best.bound,
        best.gap,
        plain,
        reasons,
        [],
        time.monotonic() - started,
    )


def _explain_deadline(problem: Problem, started: float, solved: float) -> float:
    """Re-solves near the cut take about as long as the solve itself: they get twice its time (a
    second at least), never more than twice the time limit. A what-if on 20,000 candidates then
    answers in seconds; the candidates not re-solved get the reason of their rank."""
    return min(started + 3 * problem.time_limit_s, solved + max(1.0, 2 * (solved - started)))


def _reasons(
    problem: Problem, model: _Model, best: _Solved, chosen: set[Hashable], deadline: float
) -> dict[Hashable, str]:
    reasons: dict[Hashable, str] = {}
    candidates = model.candidates
    forced_by_district: dict[str, float] = defaultdict(float)
    for c in candidates:
        if c.id in problem.must_include:
            forced_by_district[c.district] += c.cost
    for c in candidates:
        if c.id in problem.must_include:
            reasons[c.id] = "纳入：列为必须纳入（续建或上级下达）"
        elif c.id in problem.must_exclude:
            reasons[c.id] = "未纳入：列为排除"
        elif c.id not in chosen and (alone := _on_its_own(problem, c, forced_by_district)):
            reasons[c.id] = alone
    free = [c for c in candidates if c.id not in reasons]
    weakest_in = sorted((c for c in free if c.id in chosen), key=lambda c: (c.value_per_wan, str(c.id)))[
        :NEAREST
    ]
    best_out = sorted((c for c in free if c.id not in chosen), key=lambda c: (-c.value_per_wan, str(c.id)))[
        :NEAREST
    ]
    per_solve = max(0.2, min(problem.time_limit_s, 2.0))
    assert best.objective is not None
    for c in [*weakest_in, *best_out]:
        if time.monotonic() > deadline:
            break
        included = c.id in chosen
        index = model.index[c.id]
        start = None
        if best.x is not None and included:
            start = best.x.copy()
            start[index] = 0.0  # the plan without it: often still feasible, a good start
        forced = model.solve(per_solve, fixed=(index, 0.0 if included else 1.0), start=start)
        verb, state = ("纳入", "不纳入") if included else ("未纳入", "强制纳入")
        if forced.status == "infeasible":
            reasons[c.id] = f"{verb}：若{state}，预算与份额约束无法同时满足（重新求解确认）"
            continue
        if forced.objective is None:
            reasons[c.id] = f"{verb}：若{state}，重新求解在时限内未得出结果，不作判断"
            continue
        exact = (
            forced.status == "optimal"
            and best.status == "optimal"
            and (forced.gap or 0) <= 1e-9
            and (best.gap or 0) <= 1e-9
        )
        reasons[c.id] = f"{verb}：若{state}，" + _what_changes(model, best, forced, exact)
    _positions(problem, candidates, chosen, reasons)
    return reasons


def _what_changes(model: _Model, best: _Solved, forced: _Solved, exact: bool) -> str:
    """The re-solve's difference as an official weighs it: priority-weighted utility, and the
    households the plan would reach (counted from the two selections, not estimated)."""
    assert best.objective is not None and forced.objective is not None
    assert best.x is not None and forced.x is not None
    households = np.array([c.households for c in model.candidates], dtype=np.int64)
    reached = int(households @ (forced.x > 0.5)) - int(households @ (best.x > 0.5))
    change = forced.objective - best.objective
    # A change that rounds to nothing is no change: "少 0.0" would only be the solver's rounding.
    if round(abs(change), 1) == 0:
        utility = "总效用不变"
    else:
        utility = f"总效用{'少' if change < 0 else '多'} {_fmt(abs(change))}"
    people = "惠及户数不变" if reached == 0 else f"{'少' if reached < 0 else '多'}惠及 {abs(reached):,} 户"
    gap = max(forced.gap or 0, best.gap or 0)
    if exact:
        caveat = ""
    elif "time_limit" in (forced.status, best.status):
        caveat = f"（求解在时限内停止，未证明最优，结果可能相差约 {gap:.1%}）"
    else:  # stopped at the requested gap: proven within it
        caveat = f"（按允许误差求解，结果可能相差约 {gap:.1%}）"
    return f"{utility}，{people}{caveat}"


def _positions(
    problem: Problem, candidates: list[Candidate], chosen: set[Hashable], reasons: dict[Hashable, str]
) -> None:
    """For the rest: where the candidate stands, against the chosen ones of its district."""
    ranges: dict[str, list[float]] = defaultdict(list)
    for c in candidates:
        if c.id in chosen:
            ranges[c.district].append(c.value_per_wan)
    for c in candidates:
        if c.id in reasons:
            continue
        values = ranges.get(c.district)
        span = f"{_fmt(min(values))}–{_fmt(max(values))}" if values else "（无）"
        verb = "纳入" if c.id in chosen else "未纳入"
        reasons[c.id] = (
            f"{verb}：每万元效用{_fmt(c.value_per_wan)}；{problem.name(c.district)}已纳入项目的每万元效用为"
            f"{span}"
        )


def violated(problem: Problem, chosen: set[Hashable]) -> list[str]:
    """The constraints a selection breaks (none, for anything `optimize` returns)."""
    picked = [c for c in problem.candidates if c.id in chosen]
    found = []
    if sum(c.cost for c in picked) > problem.budget + 1e-6:
        found.append("超出预算")
    spent: dict[str, float] = defaultdict(float)
    for c in picked:
        spent[c.district] += c.cost
    for district in set(problem.min_share) | set(problem.max_share):
        if spent[district] + 1e-6 < problem.min_share.get(district, 0) * problem.budget:
            found.append(f"{problem.name(district)}低于最低份额")
        high = problem.max_share.get(district)
        if high is not None and spent[district] > high * problem.budget + 1e-6:
            found.append(f"{problem.name(district)}超过最高份额")
    if not problem.must_include <= chosen or chosen & problem.must_exclude:
        found.append("必须纳入或排除的项目未被遵守")
    return found


# The solver's outcome as an official reads it; the solver's own term stays one click away.
STATUS_WORDS = {
    "optimal": gettext_lazy("已找到最优方案"),
    "time_limit": gettext_lazy("时限内找到可行方案（未证明最优）"),
    "infeasible": gettext_lazy("无可行方案：预算与份额要求无法同时满足"),
    "no_solution": gettext_lazy("时限内未找到方案"),
}


def status_words(status: str) -> str:
    return str(STATUS_WORDS.get(status, status))


def as_dict(solution: Solution) -> dict[str, Any]:
    return {
        "status": solution.status,
        "selected": solution.selected,
        "objective": solution.objective,
        "bound": solution.bound,
        "gap": solution.gap,
        "greedy": {
            "selected": solution.greedy.selected,
            "objective": solution.greedy.objective,
            "violations": solution.greedy.violations,
        },
        "reasons": {str(key): text for key, text in solution.reasons.items()},
        "conflicts": solution.conflicts,
        "seconds": round(solution.seconds, 3),
    }
