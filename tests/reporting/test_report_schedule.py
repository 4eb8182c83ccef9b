"""The longest gap between runs of AWS Backup cron schedules, as --max-interval-hours sees it."""

from __future__ import annotations

import math
import re

import pytest

from org_backup.reporting.schedule import longest_gap_hours


@pytest.mark.parametrize(
    ("expression", "hours"),
    [
        ("cron(0 5 * * ? *)", 24),  # daily
        ("cron(0 */6 * * ? *)", 6),  # every 6 hours
        ("cron(0 5 ? * MON *)", 7 * 24),  # weekly
        ("cron(0 5 1 * ? *)", 31 * 24),  # monthly: from the 1st of a 31-day month
        ("cron(0 5,17 * * ? *)", 12),  # list of hours, evenly spaced
        ("cron(0 1,5 * * ? *)", 20),  # list of hours: the gap over midnight is the longest
        ("cron(15,45 * * * ? *)", 0.5),  # minutes list
        ("cron(0 9-17/4 * * ? *)", 16),  # range with step: 9, 13, 17
        ("cron(30 */2 ? * MON-FRI *)", 50),  # weekdays: Friday 22:30 to Monday 00:30
        ("cron(0 5 ? * 2,4,6 *)", 3 * 24),  # Mon, Wed, Fri: Friday to Monday
        ("cron(0 5 31 * ? *)", 61 * 24),  # only months with a 31st: Aug 31 to Oct 31
        ("cron(0 5 L * ? *)", 31 * 24),  # last day of the month
        ("cron(0 5 15W * ? *)", 32 * 24),  # weekday nearest the 15th
        ("cron(0 5 ? * 6#3 *)", 35 * 24),  # third Friday
        ("cron(0 5 ? * 6L *)", 35 * 24),  # last Friday
        ("cron(0 5 1 JAN,JUL ? *)", 184 * 24),  # July 1st to January 1st
        ("cron(0 5 29 2 ? *)", 2921 * 24),  # Feb 29: 8 years across 2100, not a leap year
    ],
)
def test_longest_gap(expression: str, hours: float) -> None:
    assert longest_gap_hours(expression) == hours


@pytest.mark.parametrize(
    "expression",
    [
        "cron(0 5 * * ? 2030)",  # a year field ends the schedule
        "cron(0 5 30 2 ? *)",  # February 30th never comes
    ],
)
def test_schedules_that_do_not_keep_recurring_have_no_upper_bound(expression: str) -> None:
    assert longest_gap_hours(expression) == math.inf


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("rate(1 day)", "is not of the form cron("),
        ("cron(0 5 * * ?)", "has 5 fields inside cron(...), not 6"),
        ("cron(0 5 * * * *)", "needs '?' in exactly one of day-of-month and day-of-week"),
        ("cron(61 5 * * ? *)", "has '61' in minutes, which takes 0-59"),
        ("cron(0 5 ? * FRI-MON *)", "has the range FRI-MON in day-of-week, which runs backwards"),
        ("cron(0 5 L-3 * ? *)", "has 'L' in day-of-month"),
    ],
)
def test_unreadable_expressions_say_why(expression: str, reason: str) -> None:
    with pytest.raises(ValueError, match=re.escape(reason)):
        longest_gap_hours(expression)
