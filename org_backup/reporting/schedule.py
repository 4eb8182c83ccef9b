"""How often an AWS Backup schedule runs: the longest gap between two runs of a cron expression.

A report has to judge "backs up at least every N hours" without trusting the schedule's name,
so the gap is computed from the EventBridge expression itself. Pure and cached: a report of
thousands of account-regions usually shares one or two schedules.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Callable
from functools import cache
from itertools import pairwise

_CRON = re.compile(r"^\s*cron\((?P<body>[^()]*)\)\s*$", re.IGNORECASE)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1
    )
}
_WEEKDAYS = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
# The Gregorian calendar repeats every 400 years, weekdays included (146,097 days = 20,871 weeks).
_CYCLE_FIRST_YEAR = 2001
_CYCLE_YEARS = 400
_CYCLE_DAYS = 146_097
_MINUTES_PER_DAY = 24 * 60

# A day of a month, as the day-of-month and day-of-week fields see it.
DayTest = Callable[[int, int, int], bool]  # (day, days in month, weekday of the 1st: 0=Monday)


def longest_gap_hours(expression: str) -> float:
    """The longest time, in hours, between two consecutive runs of `cron(m h dom month dow year)`.

    Exact over the whole 400-year Gregorian cycle for what AWS documents: lists, ranges, steps,
    month and weekday names, `L`, `nW`, `LW` (day of month), `nL` and `n#k` (day of week).
    Conservative where it cannot be sure: a year field other than `*` ends the schedule, and a
    schedule that never recurs, so both return `math.inf` (an overestimate, never an under-).
    Times are wall-clock in the rule's own time zone: a daylight-saving change can stretch one
    gap a year by the shift, which is left out so that a daily schedule stays "every 24 hours".
    Raises ValueError, with a sentence saying why, for an expression it cannot read.
    """
    match = _CRON.match(expression)
    if not match:
        raise ValueError(
            "is not of the form cron(minutes hours day-of-month month day-of-week year)"
        )
    fields = match.group("body").split()
    if len(fields) != 6:
        raise ValueError(f"has {len(fields)} fields inside cron(...), not 6")
    minutes, hours, day_of_month, month, day_of_week, year = (field.upper() for field in fields)
    return _gap_hours(minutes, hours, day_of_month, month, day_of_week, year)


@cache
def _gap_hours(
    minutes: str, hours: str, day_of_month: str, month: str, day_of_week: str, year: str
) -> float:
    times = sorted(
        hour * 60 + minute
        for hour in _values(hours, 0, 23, "hours")
        for minute in _values(minutes, 0, 59, "minutes")
    )
    day_gap = _longest_day_gap(day_of_month, month, day_of_week)
    if year != "*":
        _values(year, 1970, 2199, "year")
        return math.inf
    if day_gap is None:
        return math.inf
    within_day = max((later - earlier for earlier, later in pairwise(times)), default=0)
    across_days = day_gap * _MINUTES_PER_DAY - (times[-1] - times[0])
    return max(within_day, across_days) / 60


@cache
def _longest_day_gap(day_of_month: str, month: str, day_of_week: str) -> int | None:
    """Longest distance in days between two run days, around the cycle; None if none ever runs."""
    if (day_of_month == "?") == (day_of_week == "?"):
        raise ValueError("needs '?' in exactly one of day-of-month and day-of-week")
    day_test = (
        _day_of_week_test(day_of_week) if day_of_month == "?" else _day_of_month_test(day_of_month)
    )
    months = _values(month, 1, 12, "month", _MONTHS)
    # Months alike in length and first weekday run on the same days: (first, last, longest gap).
    month_runs: dict[tuple[int, int], tuple[int, int, int] | None] = {}
    first_run: int | None = None
    previous: int | None = None
    longest = 0
    offset = 0
    for year in range(_CYCLE_FIRST_YEAR, _CYCLE_FIRST_YEAR + _CYCLE_YEARS):
        for month_number in range(1, 13):
            first_weekday, length = calendar.monthrange(year, month_number)
            key = (length, first_weekday)
            if key not in month_runs:
                month_runs[key] = _month_runs(day_test, length, first_weekday)
            runs = month_runs[key] if month_number in months else None
            if runs is not None:
                first, last, within = runs
                if previous is None:
                    first_run = offset + first
                else:
                    longest = max(longest, offset + first - previous)
                longest = max(longest, within)
                previous = offset + last
            offset += length
    if first_run is None or previous is None:
        return None
    return max(longest, first_run + _CYCLE_DAYS - previous)


def _month_runs(day_test: DayTest, length: int, first_weekday: int) -> tuple[int, int, int] | None:
    days = [day for day in range(1, length + 1) if day_test(day, length, first_weekday)]
    if not days:
        return None
    return days[0], days[-1], max((b - a for a, b in pairwise(days)), default=0)


def _day_of_month_test(field: str) -> DayTest:
    if field == "L":
        return lambda day, length, _first: day == length
    if field == "LW":
        return lambda day, length, first: day == _nearest_weekday(length, length, first)
    if field.endswith("W"):
        target = _number(field[:-1], 1, 31, "day-of-month")
        return lambda day, length, first: (
            target <= length and day == _nearest_weekday(target, length, first)
        )
    days = _values(field, 1, 31, "day-of-month")
    return lambda day, _length, _first: day in days


def _day_of_week_test(field: str) -> DayTest:
    if "#" in field:
        weekday_text, _, nth_text = field.partition("#")
        weekday = _number(weekday_text, 1, 7, "day-of-week", _WEEKDAYS)
        nth = _number(nth_text, 1, 5, "day-of-week")
        return lambda day, _length, first: (
            _weekday(day, first) == weekday and (day - 1) // 7 + 1 == nth
        )
    if field.endswith("L") and field != "L":
        weekday = _number(field[:-1], 1, 7, "day-of-week", _WEEKDAYS)
        return lambda day, length, first: _weekday(day, first) == weekday and day + 7 > length
    weekdays = {7} if field == "L" else _values(field, 1, 7, "day-of-week", _WEEKDAYS)
    return lambda day, _length, first: _weekday(day, first) in weekdays


def _weekday(day: int, first_weekday: int) -> int:
    """EventBridge numbering, 1 = Sunday ... 7 = Saturday, from Python's 0 = Monday."""
    return (first_weekday + day) % 7 + 1


def _nearest_weekday(target: int, length: int, first_weekday: int) -> int:
    """`nW`: the weekday nearest to day n, never crossing into another month."""
    weekday = _weekday(target, first_weekday)
    if weekday == 7:  # Saturday: Friday before, or Monday after when n is the 1st
        return target + 2 if target == 1 else target - 1
    if weekday == 1:  # Sunday: Monday after, or Friday before when n is the last day
        return target - 2 if target == length else target + 1
    return target


def _values(
    field: str, low: int, high: int, name: str, names: dict[str, int] | None = None
) -> frozenset[int]:
    """The numbers a field lists: `*`, `n`, `a-b`, `*/s`, `a/s`, `a-b/s`, comma-separated."""
    values: set[int] = set()
    for part in field.split(","):
        span, _, step_text = part.partition("/")
        step = _number(step_text, 1, high - low + 1, name) if step_text else 1
        if span == "*":
            start, end = low, high
        elif "-" in span:
            start_text, _, end_text = span.partition("-")
            start = _number(start_text, low, high, name, names)
            end = _number(end_text, low, high, name, names)
            if start > end:
                raise ValueError(f"has the range {span} in {name}, which runs backwards")
        else:
            start = _number(span, low, high, name, names)
            end = high if step_text else start
        values.update(range(start, end + 1, step))
    return frozenset(values)


def _number(text: str, low: int, high: int, name: str, names: dict[str, int] | None = None) -> int:
    if names and text in names:
        return names[text]
    if not text.isdigit() or not low <= int(text) <= high:
        raise ValueError(f"has {text!r} in {name}, which takes {low}-{high}")
    return int(text)
