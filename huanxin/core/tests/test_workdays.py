"""Working-day deadlines by the real 2020 calendar: National Day and Mid-Autumn fell together,
1–8 October were off, Sunday 27 September and Saturday 10 October were make-up working days."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huanxin.core.workdays import add_working_days, is_working_day, working_days_between


def test_national_day_holiday_is_skipped_and_makeup_saturday_counts() -> None:
    # 30 Sept (1), then nothing until Fri 9 Oct (2) and the make-up Sat 10 Oct (3)
    assert add_working_days(dt.date(2020, 9, 29), 3) == dt.date(2020, 10, 10)
    # from the eve of the holiday: 9 Oct, 10 Oct, then Sunday 11 Oct is off, so Monday 12 Oct
    assert add_working_days(dt.date(2020, 9, 30), 3) == dt.date(2020, 10, 12)
    assert not is_working_day(dt.date(2020, 10, 5))  # a Monday inside the holiday
    assert is_working_day(dt.date(2020, 10, 10))


def test_makeup_sunday_counts() -> None:
    assert is_working_day(dt.date(2020, 9, 27))
    # received Friday 25 Sept: Sun 27 (1), Mon 28 (2), Tue 29 (3)
    assert add_working_days(dt.date(2020, 9, 25), 3) == dt.date(2020, 9, 29)


def test_ordinary_weekend_is_skipped() -> None:
    # Friday 11 Sept 2020 + 1 working day is Monday 14 Sept
    assert not is_working_day(dt.date(2020, 9, 12))
    assert not is_working_day(dt.date(2020, 9, 13))
    assert add_working_days(dt.date(2020, 9, 11), 1) == dt.date(2020, 9, 14)
    assert working_days_between(dt.date(2020, 9, 11), dt.date(2020, 9, 14)) == 1


def test_beyond_the_published_schedule_monday_to_friday_are_working_days() -> None:
    # 1 January 2099 is a Thursday; no schedule knows it is New Year's Day
    assert is_working_day(dt.date(2099, 1, 1))
    assert not is_working_day(dt.date(2099, 1, 3))  # Saturday
    assert add_working_days(dt.date(2099, 1, 2), 1) == dt.date(2099, 1, 5)


def test_zero_days_is_the_start_and_negative_days_are_refused() -> None:
    assert add_working_days(dt.date(2020, 10, 3), 0) == dt.date(2020, 10, 3)
    with pytest.raises(ValueError):
        add_working_days(dt.date(2020, 10, 3), -1)


def test_days_late_counts_only_working_days_after_the_deadline() -> None:
    due = dt.date(2020, 9, 30)
    assert working_days_between(due, due) == 0
    assert working_days_between(due, dt.date(2020, 9, 1)) == 0
    assert working_days_between(due, dt.date(2020, 10, 8)) == 0  # still the holiday
    assert working_days_between(due, dt.date(2020, 10, 12)) == 3


@given(
    start=st.dates(min_value=dt.date(2003, 6, 1), max_value=dt.date(2028, 12, 31)),
    n=st.integers(min_value=1, max_value=60),
)
def test_the_nth_working_day_is_a_working_day_n_working_days_away(start: dt.date, n: int) -> None:
    due = add_working_days(start, n)
    assert is_working_day(due)
    assert working_days_between(start, due) == n
    assert working_days_between(start, due - dt.timedelta(days=1)) == n - 1
