"""Eligibility rules: thresholds are monotone, missing data never yields eligible, an exclusion
always wins."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huanxin.planning.rules import EXCLUSIONS, EligibilityConfig, EstateFacts, evaluate
from huanxin.surveys.rules import HouseholdAnswer, tally


def facts(
    *,
    year: int | None = 1995,
    basic: int | None = 2,
    agree: int | None = 8,
    total: int = 10,
    flags: dict[str, bool] | None = None,
) -> EstateFacts:
    survey = None
    if agree is not None:
        survey = tally([HouseholdAnswer(agrees=i < agree) for i in range(total)], households_total=total)
    return EstateFacts(year_built=year, basic_deficiencies=basic, flags=flags or {}, tally=survey)


def test_an_old_estate_with_problems_and_agreement_is_eligible_with_evidence() -> None:
    result = evaluate(facts(), EligibilityConfig())
    assert result.status == "eligible"
    evidence = {rule.rule: rule.evidence for rule in result.rules}
    assert evidence["建成年代"] == "建成于1995年 ≤ 2000年 ✓"
    assert "80.0%" in evidence["居民意愿"] and "66.7%" in evidence["居民意愿"]


@pytest.mark.parametrize(
    ("changes", "status", "missing"),
    [
        ({"year": None}, "undetermined", "缺少建成年份"),
        ({"basic": None}, "undetermined", "尚未进行现状评估"),
        ({"agree": None}, "undetermined", "尚无意愿调查"),
        ({"year": 2003}, "ineligible", "晚于2000年"),
        ({"basic": 0}, "ineligible", "未发现问题"),
        ({"agree": 6}, "ineligible", "60.0%"),
    ],
)
def test_each_rule_says_why(changes: dict, status: str, missing: str) -> None:  # type: ignore[type-arg]
    result = evaluate(facts(**changes), EligibilityConfig())
    assert result.status == status
    assert any(missing in rule.evidence for rule in result.rules)


@given(st.integers(0, 20), st.integers(0, 20), st.integers(1, 20))
def test_more_agreement_never_turns_eligible_into_ineligible(low: int, high: int, total: int) -> None:
    low, high = sorted((min(low, total), min(high, total)))
    before = evaluate(facts(agree=low, total=total), EligibilityConfig()).status
    after = evaluate(facts(agree=high, total=total), EligibilityConfig()).status
    if before == "eligible":
        assert after == "eligible"


@given(st.integers(1, 20), st.integers(0, 20))
def test_a_stricter_threshold_never_makes_an_estate_eligible(denominator: int, numerator: int) -> None:
    loose = EligibilityConfig(agreement_share=Fraction(min(numerator, denominator), denominator))
    strict = EligibilityConfig(agreement_share=Fraction(denominator, denominator))
    for agree in range(0, 11):
        if evaluate(facts(agree=agree), strict).status == "eligible":
            assert evaluate(facts(agree=agree), loose).status == "eligible"


@given(
    st.one_of(st.none(), st.integers(1950, 2020)),
    st.one_of(st.none(), st.integers(0, 5)),
    st.one_of(st.none(), st.integers(0, 10)),
)
def test_missing_facts_never_yield_eligible(year: int | None, basic: int | None, agree: int | None) -> None:
    result = evaluate(facts(year=year, basic=basic, agree=agree), EligibilityConfig())
    if None in (year, basic, agree):
        assert result.status != "eligible"


@given(st.sampled_from(sorted(EXCLUSIONS)), st.one_of(st.none(), st.integers(0, 10)))
def test_an_exclusion_always_wins(flag: str, agree: int | None) -> None:
    result = evaluate(facts(agree=agree, flags={flag: True}), EligibilityConfig())
    assert result.status == "ineligible"


def test_the_owners_vote_mode_counts_area_and_headcount() -> None:
    from decimal import Decimal

    answers = [HouseholdAnswer(agrees=True, area=Decimal(80)) for _ in range(8)]
    survey = tally(answers, households_total=10, roster_areas=[Decimal(80)] * 10)
    config = EligibilityConfig(agreement_mode="owners_vote")
    result = evaluate(EstateFacts(year_built=1990, basic_deficiencies=1, flags={}, tally=survey), config)
    assert result.status == "eligible"
    vote = next(rule for rule in result.rules if rule.rule == "居民意愿")
    assert "人数 80.0%" in vote.evidence and "面积 80.0%" in vote.evidence
    unknown_areas = tally(answers, households_total=10)
    result = evaluate(
        EstateFacts(year_built=1990, basic_deficiencies=1, flags={}, tally=unknown_areas), config
    )
    assert result.status == "undetermined"


def test_an_open_survey_below_the_threshold_is_provisional_not_a_failure() -> None:
    survey_facts = facts(agree=3)
    open_facts = EstateFacts(
        year_built=1995, basic_deficiencies=2, flags={}, tally=survey_facts.tally, survey_open=True
    )
    result = evaluate(open_facts, EligibilityConfig())
    assert result.status == "undetermined"
    assert any("调查进行中，暂未达到" in rule.evidence for rule in result.rules)
    closed = evaluate(survey_facts, EligibilityConfig())
    assert closed.status == "ineligible"
