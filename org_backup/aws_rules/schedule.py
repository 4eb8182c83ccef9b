"""When an AWS Backup schedule runs: one parser of EventBridge cron expressions for the
deploy-time check (`limits.check_schedule`) and for the reports and the audit.

The deploy-time check needs the shortest gap between two runs (AWS Backup refuses anything
more frequent than hourly) and whether the expression fires at all; a report needs the longest
gap ("backs up at least every N hours") without trusting the schedule's name. Both come from
the expression itself, exactly, over the whole 400-year Gregorian cycle. Pure and cached: a
report of thousands of account-regions usually shares one or two schedules.
"""

from __future__ import annotations

import calendar
import datetime
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
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
_CYCLE_YEARS = range(2001, 2401)
_CYCLE_DAYS = 146_097
# EventBridge's year field.
_FIRST_YEAR, _LAST_YEAR = 1970, 2199
_MINUTES_PER_DAY = 24 * 60
NOT_CRON = "is not of the form cron(minutes hours day-of-month month day-of-week year)"

# A day of a month, as the day-of-month and day-of-week fields see it.
DayTest = Callable[[int, int, int], bool]  # (day, days in month, weekday of the 1st: 0=Monday)


@dataclass(frozen=True, slots=True)
class RunDays:
    """The days a schedule runs on, as proleptic Gregorian ordinals (`date.toordinal()`).

    For a schedule whose year field is `*`, over one 400-year cycle, and the gaps include the
    one from the cycle's last run day around to the next cycle's first.
    """

    first: int
    last: int
    longest: int  # the longest distance in days between two consecutive run days
    shortest: int | None  # the shortest; None when the schedule runs on one day only


@dataclass(frozen=True, slots=True)
class CronSchedule:
    """A parsed `cron(minutes hours day-of-month month day-of-week year)`."""

    times: tuple[int, ...]  # minutes after midnight, ascending, never empty
    days: RunDays | None  # None: the dates it names never occur
    repeats: bool  # year field `*`: the schedule keeps running for ever

    @property
    def longest_gap_hours(self) -> float:
        """Conservative: `math.inf` for a schedule that ends (a year field) or never runs."""
        if not self.repeats or self.days is None:
            return math.inf
        times = self.times
        within_day = max((later - earlier for earlier, later in pairwise(times)), default=0)
        across_days = self.days.longest * _MINUTES_PER_DAY - (times[-1] - times[0])
        return max(within_day, across_days) / 60

    @property
    def shortest_gap_minutes(self) -> float:
        """The closest two runs ever come; `math.inf` when it runs at most once."""
        times = self.times
        within_day = min((later - earlier for earlier, later in pairwise(times)), default=math.inf)
        if self.days is None or self.days.shortest is None:
            return within_day if self.days is not None else math.inf
        across_days = self.days.shortest * _MINUTES_PER_DAY - (times[-1] - times[0])
        return min(within_day, across_days)

    def runs_on_or_after(self, day: datetime.date) -> bool:
        """Whether it has a run day on or after `day` (a repeating one always has); by date, so
        a run earlier on that day counts too."""
        if self.days is None:
            return False
        return self.repeats or self.days.last >= day.toordinal()


@lru_cache(maxsize=4096)  # a report asks once per rule row: thousands of times, few expressions
def parse_schedule(expression: str) -> CronSchedule:
    """Read an EventBridge cron expression as AWS Backup takes it.

    Exact for what AWS documents: lists, ranges, steps, month and weekday names, `L`, `nW`,
    `LW` (day of month), `nL` and `n#k` (day of week), a year field of 1970-2199.
    Times are wall-clock in the rule's own time zone: a daylight-saving change can stretch or
    shorten one gap a year by the shift, which is left out so that a daily schedule stays
    "every 24 hours".
    Raises ValueError, with a sentence saying why, for an expression it cannot read.
    """
    match = _CRON.match(expression)
    if not match:
        raise ValueError(NOT_CRON)
    fields = match.group("body").split()
    if len(fields) != 6:
        raise ValueError(f"has {len(fields)} fields inside cron(...), not 6")
    minutes, hours, day_of_month, month, day_of_week, year = (field.upper() for field in fields)
    return _parse(minutes, hours, day_of_month, month, day_of_week, year)


def longest_gap_hours(expression: str) -> float:
    """The longest time, in hours, between two consecutive runs (see `parse_schedule`)."""
    return parse_schedule(expression).longest_gap_hours


@cache
def _parse(
    minutes: str, hours: str, day_of_month: str, month: str, day_of_week: str, year: str
) -> CronSchedule:
    times = tuple(
        sorted(
            hour * 60 + minute
            for hour in _values(hours, 0, 23, "hours")
            for minute in _values(minutes, 0, 59, "minutes")
        )
    )
    return CronSchedule(times, _run_days(day_of_month, month, day_of_week, year), year == "*")


@cache
def _run_days(day_of_month: str, month: str, day_of_week: str, year: str) -> RunDays | None:
    """The run days of the years the year field names (for `*`, one whole cycle)."""
    if (day_of_month == "?") == (day_of_week == "?"):
        raise ValueError("needs '?' in exactly one of day-of-month and day-of-week")
    day_test = (
        _day_of_week_test(day_of_week) if day_of_month == "?" else _day_of_month_test(day_of_month)
    )
    months = _values(month, 1, 12, "month", _MONTHS)
    repeats = year == "*"
    years = _CYCLE_YEARS if repeats else sorted(_values(year, _FIRST_YEAR, _LAST_YEAR, "year"))
    days = _scan(day_test, months, years)
    if days is None or not repeats:
        return days
    around = days.first + _CYCLE_DAYS - days.last
    return RunDays(
        first=days.first,
        last=days.last,
        longest=max(days.longest, around),
        shortest=min(days.shortest or around, around),
    )


def _scan(day_test: DayTest, months: frozenset[int], years: Iterable[int]) -> RunDays | None:
    # Months alike in length and first weekday run on the same days.
    month_runs: dict[tuple[int, int], tuple[int, int, int, int | None] | None] = {}
    first: int | None = None
    previous: int | None = None
    longest, shortest = 0, math.inf
    for year in years:
        for month_number in sorted(months):
            first_weekday, length = calendar.monthrange(year, month_number)
            key = (length, first_weekday)
            if key not in month_runs:
                month_runs[key] = _month_runs(day_test, length, first_weekday)
            runs = month_runs[key]
            if runs is None:
                continue
            offset = datetime.date(year, month_number, 1).toordinal() - 1
            month_first, month_last, month_longest, month_shortest = runs
            if previous is None:
                first = offset + month_first
            else:
                gap = offset + month_first - previous
                longest, shortest = max(longest, gap), min(shortest, gap)
            longest = max(longest, month_longest)
            if month_shortest is not None:
                shortest = min(shortest, month_shortest)
            previous = offset + month_last
    if first is None or previous is None:
        return None
    return RunDays(first, previous, longest, None if math.isinf(shortest) else int(shortest))


def _month_runs(
    day_test: DayTest, length: int, first_weekday: int
) -> tuple[int, int, int, int | None] | None:
    """First and last run day of a month, and its longest and shortest gap between run days."""
    days = [day for day in range(1, length + 1) if day_test(day, length, first_weekday)]
    if not days:
        return None
    gaps = [later - earlier for earlier, later in pairwise(days)]
    return days[0], days[-1], max(gaps, default=0), min(gaps, default=None)


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
