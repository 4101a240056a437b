"""The plan optimizer: exact on small instances (brute force agrees), constraints always hold,
infeasible inputs explained, the greedy beside it, and every reason true."""

import itertools
from collections import defaultdict
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huanxin.planning.optimizer import Candidate, Problem, greedy, optimize


def brute_force(problem: Problem) -> float | None:
    """The best objective over every subset that satisfies every constraint; None if none does."""
    best = None
    candidates = list(problem.candidates)
    for picks in itertools.product((0, 1), repeat=len(candidates)):
        chosen = [c for c, pick in zip(candidates, picks, strict=True) if pick]
        if feasible(problem, chosen):
            value = sum(c.value for c in chosen)
            best = value if best is None or value > best else best
    return best


def feasible(problem: Problem, chosen: list[Candidate]) -> bool:
    ids = {c.id for c in chosen}
    if not problem.must_include <= ids or ids & problem.must_exclude:
        return False
    if sum(c.cost for c in chosen) > problem.budget + 1e-6:
        return False
    spent: dict[str, float] = defaultdict(float)
    for c in chosen:
        spent[c.district] += c.cost
    districts = set(problem.min_share) | set(problem.max_share)
    return all(
        spent[d] + 1e-6 >= problem.min_share.get(d, 0) * problem.budget
        and spent[d] <= problem.max_share.get(d, 1e9) * problem.budget + 1e-6
        for d in districts
    )


@st.composite
def problems(draw):  # type: ignore[no-untyped-def]
    n = draw(st.integers(1, 9))
    candidates = [
        Candidate(
            id=i,
            district=draw(st.sampled_from("ABC")),
            cost=float(draw(st.integers(1, 40)) * 10_000),
            households=draw(st.integers(1, 300)),
            priority=draw(st.integers(1, 100)) / 10,
        )
        for i in range(n)
    ]
    budget = float(draw(st.integers(5, 150)) * 10_000)
    min_share = draw(
        st.dictionaries(st.sampled_from("ABC"), st.sampled_from([0.0, 0.1, 0.2, 0.3]), max_size=2)
    )
    max_share = draw(st.dictionaries(st.sampled_from("ABC"), st.sampled_from([0.3, 0.5, 0.8]), max_size=2))
    ids = list(range(n))
    must_include = frozenset(draw(st.lists(st.sampled_from(ids), max_size=1)))
    must_exclude = frozenset(draw(st.lists(st.sampled_from(ids), max_size=1))) - must_include
    return Problem(
        budget=budget,
        candidates=candidates,
        min_share=min_share,
        max_share=max_share,
        must_include=must_include,
        must_exclude=must_exclude,
        time_limit_s=5,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_the_optimizer_matches_brute_force_and_keeps_every_constraint(problem: Problem) -> None:
    expected = brute_force(problem)
    solution = optimize(problem)
    if expected is None:
        assert solution.status == "infeasible"
        assert solution.conflicts, "an infeasible problem must be explained"
        return
    assert solution.status == "optimal"
    assert solution.objective == pytest.approx(expected, rel=1e-9, abs=1e-6)
    assert solution.objective is not None
    chosen = [c for c in problem.candidates if c.id in set(solution.selected)]
    assert feasible(problem, chosen)
    assert sum(c.value for c in chosen) == pytest.approx(solution.objective)
    assert solution.greedy.objective <= solution.objective + 1e-6 or solution.greedy.violations
    assert set(solution.reasons) == {c.id for c in problem.candidates}


@settings(max_examples=30, deadline=None)
@given(problems())
def test_every_re_solve_reason_states_the_true_objective_change(problem: Problem) -> None:
    solution = optimize(problem)
    if solution.status != "optimal":
        return
    chosen = set(solution.selected)
    for candidate in problem.candidates:
        text = solution.reasons[candidate.id]
        if "，总效用" not in text:
            continue
        flipped = (
            (problem.must_include | {candidate.id}) if candidate.id not in chosen else problem.must_include
        )
        excluded = (problem.must_exclude | {candidate.id}) if candidate.id in chosen else problem.must_exclude
        forced = brute_force(
            Problem(
                budget=problem.budget,
                candidates=problem.candidates,
                min_share=problem.min_share,
                max_share=problem.max_share,
                must_include=frozenset(flipped),
                must_exclude=frozenset(excluded),
            )
        )
        assert forced is not None and solution.objective is not None
        change = forced - solution.objective
        if round(abs(change), 1) == 0:
            assert "总效用不变" in text
        else:
            assert f"总效用{'少' if change < 0 else '多'} {abs(change):,.1f}" in text


def test_a_re_solve_reason_counts_the_households_the_plan_would_reach() -> None:
    candidates = [
        Candidate("a", "430802", 600_000, 120, 5),  # alone uses the budget best
        Candidate("b", "430802", 500_000, 40, 5),
        Candidate("c", "430802", 500_000, 30, 5),
    ]
    solution = optimize(Problem(budget=1_000_000, candidates=candidates))
    assert solution.status == "optimal" and solution.selected == ["a"]
    # without a, b and c go in: 70 households instead of 120, utility 350 instead of 600
    assert solution.reasons["a"] == "纳入：若不纳入，总效用少 250.0，少惠及 50 户"
    assert solution.reasons["b"] == "未纳入：若强制纳入，总效用少 250.0，少惠及 50 户"


def test_a_candidate_too_big_for_its_district_says_so() -> None:
    candidates = [
        Candidate("big", "430802", 900_000, 100, 5),
        Candidate("small", "430802", 100_000, 10, 5),
        Candidate("other", "430821", 200_000, 30, 5),
    ]
    problem = Problem(
        budget=1_000_000,
        candidates=candidates,
        max_share={"430802": 0.5},
        district_names={"430802": "永定区"},
    )
    solution = optimize(problem)
    assert "big" not in solution.selected
    assert solution.reasons["big"] == "未纳入：其投资额90 万元单独已超过永定区的剩余最高份额50 万元"


def test_conflicting_constraints_are_explained_not_raised() -> None:
    candidates = [Candidate(1, "A", 100_000, 10, 1), Candidate(2, "B", 100_000, 10, 1)]
    solution = optimize(
        Problem(
            budget=150_000,
            candidates=candidates,
            min_share={"A": 0.7, "B": 0.6},
            district_names={"A": "永定区", "B": "慈利县"},
        )
    )
    assert solution.status == "infeasible"
    assert any("超过了100%" in text for text in solution.conflicts)
    solution = optimize(
        Problem(budget=150_000, candidates=candidates, min_share={"A": 0.9}, district_names={"A": "永定区"})
    )
    assert any("永定区可选项目总投资10 万元，不足其最低份额90.0%" in text for text in solution.conflicts)


def test_the_greedy_goes_by_value_per_yuan_and_reports_a_missed_minimum() -> None:
    candidates = [Candidate(1, "A", 100, 10, 1), Candidate(2, "B", 50, 5, 1), Candidate(3, "B", 50, 1, 1)]
    pick = greedy(Problem(budget=200, candidates=candidates, min_share={"B": 0.9}))
    assert pick.selected == [2, 3, 1]  # B's minimum first (all of B cannot reach it), then the rest
    assert pick.violations and "最低份额" in pick.violations[0]


@pytest.mark.django_db
def test_the_what_if_endpoint(api_as) -> None:  # type: ignore[no-untyped-def]
    body = {
        "budget_yuan": 1_000_000,
        "candidates": [
            {"id": "a", "district": "430802", "cost_yuan": 400_000, "households": 100, "priority": 8},
            {"id": "b", "district": "430802", "cost_yuan": 700_000, "households": 150, "priority": 9},
            {"id": "c", "district": "430821", "cost_yuan": 300_000, "households": 40, "priority": 5},
        ],
        "district_min_share": {"430821": 0.2},
        "must_exclude": [],
        "time_limit_s": 5,
    }
    response = api_as("city").post("/api/v1/planning/optimize", body, content_type="application/json")
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["status"] == "optimal"
    assert sorted(answer["selected"]) == ["b", "c"]
    assert answer["objective"] == pytest.approx(150 * 9 + 40 * 5)
    assert answer["gap"] == pytest.approx(0, abs=1e-6)
    assert set(answer["reasons"]) == {"a", "b", "c"}
    assert answer["greedy"]["objective"] <= answer["objective"]
    bad = api_as("city").post(
        "/api/v1/planning/optimize",
        {**body, "district_max_share": {"430802": 1.5}},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["error"]["details"][0]["field"].startswith(
        "district_max_share"
    )
    infeasible = (
        api_as("city")
        .post(
            "/api/v1/planning/optimize",
            {**body, "district_min_share": {"430821": 0.9}},
            content_type="application/json",
        )
        .json()
    )
    assert infeasible["status"] == "infeasible" and infeasible["conflicts"]
    for gap in (-0.01, 0.5, "nan"):
        refused = api_as("city").post(
            "/api/v1/planning/optimize", {**body, "gap": gap}, content_type="application/json"
        )
        assert refused.status_code == 400 and refused.json()["error"]["details"][0]["field"] == "gap", gap
    proven = api_as("city").post(
        "/api/v1/planning/optimize", {**body, "gap": 0}, content_type="application/json"
    )
    assert proven.json()["selected"] == answer["selected"] and proven.json()["gap"] == pytest.approx(
        0, abs=1e-9
    )
    assert (
        api_as("shigong").post("/api/v1/planning/optimize", body, content_type="application/json").status_code
        == 403
    )


def test_statements_of_where_a_candidate_stands_are_true_as_written() -> None:
    import random

    rng = random.Random(7)
    candidates = [
        Candidate(
            i,
            rng.choice(["A", "B"]),
            float(rng.randint(5, 50) * 10_000),
            rng.randint(10, 200),
            rng.randint(10, 90) / 10,
        )
        for i in range(160)
    ]
    solution = optimize(
        Problem(
            budget=3_000_000,
            candidates=candidates,
            time_limit_s=5,
            district_names={"A": "永定区", "B": "慈利县"},
        )
    )
    chosen = set(solution.selected)
    spans = {}
    for district in ("A", "B"):
        values = [c.value_per_wan for c in candidates if c.id in chosen and c.district == district]
        spans[district] = f"{min(values):,.1f}–{max(values):,.1f}"
    positional = 0
    for c in candidates:
        text = solution.reasons[c.id]
        if "每万元效用" not in text:
            continue
        positional += 1
        name = {"A": "永定区", "B": "慈利县"}[c.district]
        verb = "纳入" if c.id in chosen else "未纳入"
        assert (
            text
            == f"{verb}：每万元效用{c.value_per_wan:,.1f}；{name}已纳入项目的每万元效用为{spans[c.district]}"
        )
    assert positional > 0  # beyond the 50 on each side of the cut


def test_the_greedy_meets_minimum_shares_first_when_it_can() -> None:
    candidates = [
        Candidate(1, "A", 100, 100, 1),
        Candidate(2, "A", 100, 90, 1),
        Candidate(3, "B", 100, 10, 1),
    ]
    pick = greedy(Problem(budget=200, candidates=candidates, min_share={"B": 0.5}))
    assert pick.selected == [3, 1] and pick.violations == []


def test_an_unknown_id_to_exclude_is_no_conflict() -> None:
    solution = optimize(
        Problem(budget=100, candidates=[Candidate(1, "A", 50, 10, 1)], must_exclude=frozenset({99}))
    )
    assert solution.status == "optimal" and solution.selected == [1]


@pytest.mark.django_db
def test_the_what_if_endpoint_treats_ids_as_text_and_refuses_absurd_numbers(api_as) -> None:  # type: ignore[no-untyped-def]
    body: dict[str, Any] = {
        "budget_yuan": 100,
        "candidates": [
            {"id": 1, "district": "A", "cost_yuan": 50, "households": 1, "priority": 1},
            {"id": "1", "district": "A", "cost_yuan": 50, "households": 1, "priority": 1},
        ],
    }
    duplicate = api_as("city").post("/api/v1/planning/optimize", body, content_type="application/json")
    assert duplicate.status_code == 400
    body["candidates"] = body["candidates"][:1]
    body["must_include"] = ["1"]
    answer = api_as("city").post("/api/v1/planning/optimize", body, content_type="application/json").json()
    assert answer["selected"] == ["1"] and answer["reasons"]["1"].startswith("纳入")
    body["candidates"][0]["cost_yuan"] = 2e15
    assert (
        api_as("city").post("/api/v1/planning/optimize", body, content_type="application/json").status_code
        == 400
    )


def test_the_reasons_near_the_cut_get_twice_the_solve_time_within_the_limit() -> None:
    from huanxin.planning.optimizer import _explain_deadline

    problem = Problem(budget=1, candidates=[], time_limit_s=10)
    assert _explain_deadline(problem, started=100.0, solved=100.7) == pytest.approx(102.1)  # 2 × 0.7 s
    assert _explain_deadline(problem, started=100.0, solved=100.1) == pytest.approx(
        101.1
    )  # a second at least
    assert _explain_deadline(problem, started=100.0, solved=110.0) == pytest.approx(130.0)  # 3 × the limit


def test_a_large_what_if_with_the_default_gap_still_explains_every_candidate() -> None:
    """The shape of the benchmark's 20,000 candidates, smaller: the reasons are all there, the
    nearest re-solved, the rest by rank, and the selection within 0.1 % of the bound."""
    import random

    rng = random.Random(3)
    districts = [f"4308{n:02d}" for n in range(1, 9)]
    candidates = [
        Candidate(
            n, rng.choice(districts), rng.randint(100, 900) * 1000, rng.randint(20, 300), rng.uniform(20, 90)
        )
        for n in range(2_000)
    ]
    budget = sum(c.cost for c in candidates) * 0.12
    solution = optimize(Problem(budget=budget, candidates=candidates, mip_rel_gap=0.001, time_limit_s=10))
    assert solution.status == "optimal" and (solution.gap or 0) <= 0.001
    assert set(solution.reasons) == {c.id for c in candidates}
    resolved = [reason for reason in solution.reasons.values() if "总效用" in reason]  # the re-solves
    assert resolved and not any("时限内停止" in reason for reason in resolved)  # stopped at the gap
