"""One parser of AWS Backup cron schedules: the longest gap (reports' --max-interval-hours) and
the deploy-time check (shortest gap, ranges, expressions that never fire)."""

from __future__ import annotations

import datetime
import math
import re

import pytest

from org_backup.aws_rules.limits import check_schedule
from org_backup.aws_rules.schedule import longest_gap_hours, parse_schedule

TODAY = datetime.date(2026, 11, 30)


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


@pytest.mark.parametrize(
    ("expression", "minutes"),
    [
        ("cron(0 5 * * ? *)", 24 * 60),  # daily
        ("cron(0 */2 * * ? *)", 120),  # every two hours
        ("cron(0 * * * ? *)", 60),  # hourly: the most AWS Backup allows
        ("cron(0 5 ? * MON-FRI *)", 24 * 60),  # weekdays: Monday to Tuesday
        ("cron(0 5,17 * * ? *)", 12 * 60),
        ("cron(30 23,0 * * ? *)", 60),  # 23:30 then 00:30 the next day
        ("cron(0 23 L * ? *)", 28 * 24 * 60),  # Feb 28 (or 29) after Jan 31
        ("cron(0 5 ? * 6#3 *)", 28 * 24 * 60),  # third Friday to the next
        ("cron(*/5 * * * ? *)", 5),
        ("cron(0,30 5 * * ? *)", 30),
        ("cron(59 5,6 * * ? *)", 60),
        ("cron(0 5 29 2 ? *)", 1461 * 24 * 60),  # leap days: four years at their closest
        ("cron(0 5 1 1 ? 2030)", math.inf),  # runs once
    ],
)
def test_shortest_gap(expression: str, minutes: float) -> None:
    assert parse_schedule(expression).shortest_gap_minutes == minutes


def test_a_year_field_keeps_the_gaps_inside_the_years_it_names() -> None:
    schedule = parse_schedule("cron(0 5 ? * MON 2027-2028)")
    assert schedule.shortest_gap_minutes == 7 * 24 * 60
    assert schedule.longest_gap_hours == math.inf  # it ends
    assert schedule.runs_on_or_after(datetime.date(2028, 12, 25))
    assert not schedule.runs_on_or_after(datetime.date(2029, 1, 1))


def test_parsing_is_cached_per_expression() -> None:
    assert parse_schedule("cron(0 5 * * ? *)") is parse_schedule("cron(0  5 * * ? *)")


@pytest.mark.parametrize(
    "expression",
    [
        "cron(0 5 ? * MON-FRI *)",
        "cron(0 */2 * * ? *)",
        "cron(0 * * * ? *)",
        "cron(30 23,0 * * ? *)",
        "cron(0 5 L * ? *)",
        "cron(0 5 ? * 6#3 *)",
        "cron(0 5 29 2 ? *)",
        "cron(0 5 1 1 ? 2027)",
        "cron(0 5 * * ? 2020-2030)",
        "CRON(0 5 * * ? *)",
    ],
)
def test_the_deploy_time_check_accepts_what_aws_backup_runs(expression: str) -> None:
    assert check_schedule(expression, TODAY) is None


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("cron(*/5 * * * ? *)", "only 5 minutes apart"),
        ("cron(0,30 5 * * ? *)", "only 30 minutes apart"),
        ("cron(59 5,6 * * ? *)", None),  # 60 minutes: accepted
        ("cron(30 23,0 * * ? *)", None),
        ("cron(0 25 * * ? *)", "has '25' in hours, which takes 0-23"),
        ("cron(0 5 ? * 0 *)", "has '0' in day-of-week, which takes 1-7"),
        ("cron(60 5 * * ? *)", "has '60' in minutes, which takes 0-59"),
        ("cron(0 5 1 13 ? *)", "has '13' in month, which takes 1-12"),
        ("cron(0 5 32 * ? *)", "has '32' in day-of-month, which takes 1-31"),
        ("cron(0 5 * * ? 2200)", "has '2200' in year, which takes 1970-2199"),
        ("cron(0 5 31 2 ? *)", "never fires: no date matches"),
        ("cron(0 5 29 2 ? 2027)", "never fires: no date matches"),  # not a leap year
        ("cron(0 5 * * ? 2020)", "never fires again: its last run day was 2020-12-31"),
        ("cron(0 5 * * ? 2020-2025)", "never fires again: its last run day was 2025-12-31"),
        ("cron(0 5 * * ?)", "has 5 fields inside cron(...), not 6"),
        ("cron(0 5 * * * *)", "needs '?' in exactly one of day-of-month and day-of-week"),
        ("rate(1 hour)", "rate() is not supported"),
    ],
)
def test_the_deploy_time_check_rejects_what_aws_backup_rejects(
    expression: str, reason: str | None
) -> None:
    message = check_schedule(expression, TODAY)
    if reason is None:
        assert message is None
    else:
        assert message is not None and reason in message, message
