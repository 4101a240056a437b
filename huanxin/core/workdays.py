"""Deadlines counted in Chinese working days (工作日): the State Council's public holidays are days
off and its make-up days (调休), often a Saturday or Sunday, are working days."""

from __future__ import annotations

import datetime as dt

import chinese_calendar

ONE_DAY = dt.timedelta(days=1)


def is_working_day(day: dt.date) -> bool:
    """Whether people work on `day`, by the State Council's holiday schedule.

    The schedule comes from the `chinesecalendar` package and only reaches as far as the last year
    the State Council has published. Beyond it, Monday to Friday count as working days, which is
    wrong for the next year's holidays: update the package each December, once the State Council
    publishes the coming year's schedule.
    """
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # a year the package has no schedule for
        return day.weekday() < 5


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The day `days` working days after `start`, not counting `start` itself: feedback received on
    Tuesday 29 September 2020 with 3 working days to answer is due Saturday 10 October, a make-up
    day after the National Day holiday. With 0 days, `start` itself."""
    if days < 0:
        raise ValueError(f"days must not be negative, got {days}")
    day = start
    while days:
        day += ONE_DAY
        if is_working_day(day):
            days -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """The working days after `start` up to and including `end`; 0 when `end` is not after `start`.
    Shows how late something is: due on `start`, still open on `end`."""
    count = 0
    day = start + ONE_DAY
    while day <= end:
        count += is_working_day(day)
        day += ONE_DAY
    return count
