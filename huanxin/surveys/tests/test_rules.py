"""Tallies: the arithmetic of agreement and of the owners' vote (Civil Code art. 278)."""

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from huanxin.surveys.rules import HouseholdAnswer, owners_vote_passes, tally

areas = st.decimals(min_value=Decimal("20"), max_value=Decimal("200"), places=2, allow_nan=False)


@st.composite
def estates(draw):  # type: ignore[no-untyped-def]
    """A roster with areas, and answers from a subset of it."""
    roster = draw(st.lists(areas, min_size=1, max_size=60))
    answered = draw(st.lists(st.booleans(), min_size=len(roster), max_size=len(roster)))
    agrees = draw(st.lists(st.booleans(), min_size=len(roster), max_size=len(roster)))
    answers = [
        HouseholdAnswer(agrees=agree, area=area)
        for area, did, agree in zip(roster, answered, agrees, strict=True)
        if did
    ]
    return roster, answers


@given(estates())
def test_agreement_over_all_never_exceeds_agreement_over_respondents(data) -> None:  # type: ignore[no-untyped-def]
    roster, answers = data
    result = tally(answers, households_total=len(roster), roster_areas=roster)
    if result.agreement_respondents is not None:
        assert result.agreement_all is not None
        assert result.agreement_all <= result.agreement_respondents
    assert result.response_rate == Fraction(len(answers), len(roster))


@given(estates(), st.integers(0, 59))
def test_one_more_yes_never_lowers_agreement_or_breaks_a_passing_vote(data, index: int) -> None:  # type: ignore[no-untyped-def]
    roster, answers = data
    before = tally(answers, households_total=len(roster), roster_areas=roster)
    changed = list(answers)
    if changed:
        position = index % len(changed)
        changed[position] = HouseholdAnswer(agrees=True, area=changed[position].area)
    after = tally(changed, households_total=len(roster), roster_areas=roster)
    assert after.agreement_all >= before.agreement_all  # type: ignore[operator]
    if before.vote.passes:
        assert after.vote.passes


@given(estates())
def test_the_vote_passes_exactly_at_two_thirds_taking_part_and_three_quarters_agreeing(data) -> None:  # type: ignore[no-untyped-def]
    roster, answers = data
    vote = tally(answers, households_total=len(roster), roster_areas=roster).vote
    voted_area = sum((a.area for a in answers), Decimal(0))  # type: ignore[misc]
    yes_area = sum((a.area for a in answers if a.agrees), Decimal(0))  # type: ignore[misc]
    yes = sum(a.agrees for a in answers)
    expected = (
        3 * len(answers) >= 2 * len(roster)
        and 3 * voted_area >= 2 * sum(roster)
        and bool(answers)
        and 4 * yes >= 3 * len(answers)
        and 4 * yes_area >= 3 * voted_area
    )
    assert vote.passes is expected


def test_missing_areas_leave_the_area_figures_undetermined() -> None:
    answers = [HouseholdAnswer(agrees=True, area=None), HouseholdAnswer(agrees=True, area=Decimal(80))]
    result = tally(answers, households_total=3, roster_areas=[None, Decimal(80), Decimal(90)])
    assert result.agreement_all_by_area is None
    assert result.vote.participation_area is None
    assert result.vote.passes is None  # never a guess
    assert result.agreement_all == Fraction(2, 3)


def test_a_failed_headcount_fails_the_vote_even_without_areas() -> None:
    vote = owners_vote_passes(
        area_yes=None, area_voted=None, area_total=None, heads_yes=1, heads_voted=2, heads_total=10
    )
    assert vote.quorum_met is False and vote.passes is False


def test_items_are_ranked_by_households_then_first_choices() -> None:
    answers = [
        HouseholdAnswer(agrees=True, first_need="B02", other_needs=("B06",)),
        HouseholdAnswer(agrees=True, first_need="B06", other_needs=("B02", "B06")),
        HouseholdAnswer(agrees=False, first_need="B09"),
    ]
    ranked = tally(answers, households_total=10).items
    assert [(i.code, i.mentions, i.first_choice) for i in ranked] == [
        ("B02", 2, 1),
        ("B06", 2, 1),
        ("B09", 1, 1),
    ]


def test_cofunding_counts_modes_and_brackets_of_the_willing_only() -> None:
    answers = [
        HouseholdAnswer(
            agrees=True,
            cofund_willing=True,
            cofund_modes=("direct", "maintenance_fund"),
            cofund_bracket="500_1000",
        ),
        HouseholdAnswer(
            agrees=True, cofund_willing=True, cofund_modes=("direct",), cofund_bracket="under_500"
        ),
        HouseholdAnswer(agrees=True, cofund_willing=False, cofund_modes=("direct",)),
    ]
    result = tally(answers, households_total=3)
    assert result.cofund_willing == 2
    assert result.cofund_modes == {"direct": 2, "maintenance_fund": 1}
    assert result.cofund_brackets == {"500_1000": 1, "under_500": 1}
