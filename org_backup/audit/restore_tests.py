"""`audit --max-restore-test-age-days N`: has each tagged file system been restored, and the
restore validated, by its restore testing plan recently enough, or ever? Pure, except the
dataclass replace that asks `collect` to read the restore jobs.

A restore test counts when its restore job COMPLETED and its validation did not fail: AWS
Backup's validation is optional (a script reports it through PutRestoreValidationResult), so a
test with no validation result counts, and a FAILED, TIMED_OUT or still VALIDATING one does not.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

from org_backup.audit.observations import FileSystemState, RegionState, RestoreTestState
from org_backup.audit.targets import Target
from org_backup.coverage.shape import restore_testing_name
from org_backup.reporting import kinds
from org_backup.reporting.checks import file_system_subject

NEVER_RESTORE_TESTED = kinds.NEVER_RESTORE_TESTED
RESTORE_TEST_TOO_OLD = kinds.RESTORE_TEST_TOO_OLD
RESTORE_TESTS_UNREADABLE = kinds.RESTORE_TESTS_UNREADABLE
_PASSING_VALIDATION = frozenset({None, "SUCCESSFUL"})


def with_restore_testing(target: Target) -> Target:
    """The target, asked to read the restore jobs of the plan the rollout names for it."""
    return replace(target, restore_testing_plan=restore_testing_name(target.policy.plan_name))


def passed(test: RestoreTestState) -> bool:
    return test.status == "COMPLETED" and test.validation_status in _PASSING_VALIDATION


def restore_test_findings(
    region: RegionState, file_system: FileSystemState, max_age_days: int, now: datetime
) -> Iterator[tuple[str, str]]:
    """(kind, sentence) pairs; each sentence completes "Account ... region: "."""
    efs = file_system_subject(file_system.arn)
    plan = region.restore_testing_plan
    if region.restore_testing_plan_arn is None:
        yield (
            NEVER_RESTORE_TESTED,
            f"{efs} is never restore-tested: there is no restore testing plan {plan} in"
            f" {region.region}.",
        )
        return
    if file_system.restore_tests_error:
        yield (
            RESTORE_TESTS_UNREADABLE,
            f"the restore tests of {efs} could not be listed:"
            f" {' '.join(file_system.restore_tests_error.split()).rstrip('.')}.",
        )
        return
    tests = file_system.restore_tests or ()
    successes = [_when(test) for test in tests if passed(test) and _when(test)]
    latest_success = max(successes, default=None)
    if latest_success is not None:
        age_days = (now - latest_success).total_seconds() / 86_400
        if age_days <= max_age_days:
            return
        yield (
            RESTORE_TEST_TOO_OLD,
            f"{efs} was last restored and validated successfully by restore testing plan"
            f" {plan} on {latest_success.astimezone(UTC):%Y-%m-%d %H:%M} UTC, {age_days:.1f}"
            f" days ago, more than --max-restore-test-age-days {max_age_days}"
            f"{_latest_attempt(tests, latest_success)}.",
        )
        return
    yield (
        NEVER_RESTORE_TESTED,
        f"{efs} has never been restored and validated successfully by restore testing plan"
        f" {plan}{_latest_attempt(tests, None)}.",
    )


def _when(test: RestoreTestState) -> datetime | None:
    return test.completed or test.created


def _latest_attempt(tests: tuple[RestoreTestState, ...], success: datetime | None) -> str:
    """The newest test that did not pass (after the last success): what went wrong."""
    failures = [
        test
        for test in tests
        if not passed(test) and _when(test) and (success is None or _when(test) > success)
    ]
    if not failures:
        return "" if tests or success else " (it has run no restore test yet)"
    latest = max(failures, key=lambda test: _when(test) or datetime.min.replace(tzinfo=UTC))
    when = _when(latest)
    outcome = (
        f"validation {latest.validation_status}"
        if latest.status == "COMPLETED"
        else f"restore {latest.status}"
    )
    stamp = f" on {when.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if when else ""
    said = f": {' '.join(latest.message.split()).rstrip('.')}" if latest.message else ""
    return f" (latest restore test {latest.job_id}: {outcome}{stamp}{said})"
