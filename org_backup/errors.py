"""Errors the CLI and the Pulumi program turn into exit codes (README, "Commands and exit codes").

The bottom of the imports: every layer raises these, and this module imports nothing of ours.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where it is, which field, the value, and what would be right."""

    source: str
    field: str
    value: Any
    message: str

    def __str__(self) -> str:
        """`source: field: value: message` on one line; a placeholder field (the whole file or
        document) and an absent value are left out rather than shown as words."""
        parts = [self.source]
        if self.field not in WHOLE:
            parts.append(self.field)
        if self.value is not MISSING:
            parts.append(repr(self.value))
        return ": ".join([*parts, self.message])


MISSING: Any = object()  # a required field that is absent, as opposed to a None value
# Field names that stand for the whole input rather than one field of it.
WHOLE = frozenset({"(file)", "(document)", "(directory)"})


class InputError(Exception):
    """Invalid settings, account files or manifests: exit code 2, one line per problem."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class AccountFailure(Exception):
    """A failure inside one account; its message is that account's skip reason."""


class AwsFailure(Exception):
    """AWS failed the run as a whole: exit code 3, the message on one line."""


class AwsCallError(AwsFailure):
    """An AWS call that the whole run depends on failed: exit code 3."""

    def __init__(self, operation: str, account: str, reason: str):
        self.operation = operation
        self.account = account
        self.reason = reason
        super().__init__(f"AWS call {operation} failed in account {account}: {reason}")


class DegradedRunError(AwsFailure):
    """More accounts degraded than `max_accounts_degraded` allows: exit code 3."""


def problems_from_validation(
    error: ValidationError, source: str, prefix: str = ""
) -> list[Problem]:
    """Turn pydantic's errors into Problems, one per error, named `prefix` + the field's path."""
    problems = []
    for item in error.errors():
        loc = [str(part) for part in item["loc"]]
        field = ".".join(loc) if loc else "(document)"
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "unknown field; check the spelling against the documented fields"
        elif item["type"] == "missing":
            message = "required field is missing"
        value = MISSING if item["type"] == "missing" else item.get("input")
        problems.append(Problem(source, prefix + field, value, message))
    return problems
