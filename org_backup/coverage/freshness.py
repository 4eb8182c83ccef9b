"""How old the newest recovery point (or copy) of a file system may be, from its rules. Pure.

The audit judges recovery points against it, and the Backup Audit Manager framework's
last-recovery-point control is given the same allowance (coverage/framework.py).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol, TypeVar

from org_backup.aws_rules.schedule import longest_gap_hours


class ScheduledRule(Protocol):
    """A rule of the policy (`BackupRule`) or of the backup shape (`RuleShape`)."""

    @property
    def schedule(self) -> str: ...
    @property
    def start_window_minutes(self) -> int: ...
    @property
    def completion_window_minutes(self) -> int: ...


R = TypeVar("R", bound=ScheduledRule)


def rule_allowed_hours(rule: ScheduledRule) -> float:
    """The schedule's longest gap, plus the start window a job may wait and the completion
    window it may then run (AWS counts the latter from the job's start). `math.inf` for a
    schedule that does not keep recurring."""
    gap = longest_gap_hours(rule.schedule)
    if math.isinf(gap):
        return gap
    return gap + (rule.start_window_minutes + rule.completion_window_minutes) / 60


def most_frequent(rules: Sequence[R]) -> R:
    """The rule that must have run most recently: several rules back up at least as often."""
    return min(rules, key=rule_allowed_hours)
