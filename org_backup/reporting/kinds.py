"""The finding kinds and the flags that turn checks on: one table, `KINDS`, that drives the
report's region checks, the commands' threshold flags, the thresholds line of every format and
the list of kinds in the docs.

A kind's label is part of the public interface (`findings_by_kind`, the HTML's groups, the
identity `--since` compares): never rename one.

To add a kind:

1. its label as a constant below, and a `Kind` entry in `KINDS` with its doc line: where in
   the list is where its findings appear in a row;
2. a check of one account-region (`region_checks.py`) as the entry's `check`; kinds found
   elsewhere (per account, about the inputs, by the audit) have none and say in `found_by`;
3. if a flag turns it on, a `Flag` constant (its option, help and value), added to `FLAGS`
   (the order of the thresholds line and of the JSON summary's `thresholds`) and to the
   entry's `flags`; `Thresholds`, the `report`/`audit` options and the thresholds line follow;
4. a test of the check; `tests/reporting/test_kinds.py` holds the table together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, make_dataclass
from typing import Any, Literal

from org_backup.reporting import region_checks as checks

# Labels, in `KINDS` order.
DEGRADED = "degraded"
NOT_DEPLOYED = "not deployed"
NO_VAULT = "no backup vault"
VAULT_LOCK_MISSING = "vault lock missing"
NO_PLAN = "no backup plan"
NO_RULES = "no backup rule"
RETENTION_BELOW_MINIMUM = "retention below minimum"
SCHEDULE_UNREADABLE = "schedule unreadable"
SCHEDULE_INTERVAL_TOO_LONG = "schedule interval too long"
NO_SELECTION = "no backup selection"
SELECTION_NOT_EFS_ONLY = "selection not EFS-only"
SELECTION_WITHOUT_TAG = "selection without tag condition"
NO_ALERTS = "no alerts"
NO_RESTORE_TESTING = "no restore testing"
NO_COPY = "no copy to another account"
NOT_AIR_GAPPED = "copy not air-gapped"
GUARDRAILS_MISSING = "guardrails missing"
NO_FRAMEWORK = "no audit framework"
CONFIG_NOT_RECORDING = "config not recording"
SKIPPED_BY_FAILURE = "skipped by failure"
NO_REGION = "no region covered"
REQUIRED_REGION_MISSING = "required region missing"
SHARDS_INCOMPLETE = "shards incomplete"
AUDIT_FAILED = "audit failed"
BACKUP_ROLE_UNUSABLE = "backup role unusable"
VAULT_DRIFT = "vault differs from policy"
PLAN_DRIFT = "plan differs from policy"
SELECTION_DRIFT = "selection differs from policy"
FILE_SYSTEM_UNPROTECTED = "file system unprotected"
RECOVERY_POINTS_UNREADABLE = "recovery points unreadable"
NEVER_BACKED_UP = "never backed up"
BACKUP_TOO_OLD = "latest backup too old"
NO_COPY_FOUND = "no copy in central vault"
COPY_TOO_OLD = "copy too old"
CENTRAL_VAULT = "central vault"
NEVER_RESTORE_TESTED = "never restore tested"
RESTORE_TEST_TOO_OLD = "restore test too old"
RESTORE_TESTS_UNREADABLE = "restore tests unreadable"
DUPLICATE_AUTOMATIC_BACKUPS = "duplicate automatic backups"

FlagValue = Literal["switch", "days", "hours", "regions"]
Command = Literal["report", "audit"]
_METAVARS = {"days": "N", "hours": "H", "regions": "REGION"}


@dataclass(frozen=True, slots=True)
class Flag:
    """A threshold: a command-line option that turns checks on, and the `Thresholds` field (and
    JSON summary key) that carries its value. `value` says what it takes: nothing (`switch`), a
    positive whole number of days, a positive number of hours, or regions."""

    name: str
    option: str
    help: str
    value: FlagValue = "switch"
    commands: frozenset[Command] = frozenset({"report", "audit"})

    @property
    def off(self) -> Any:
        return {"switch": False, "regions": ()}.get(self.value)

    @property
    def metavar(self) -> str | None:
        return _METAVARS.get(self.value)

    def is_on(self, value: Any) -> bool:
        return value not in (None, False, ())

    def shown(self, value: Any) -> str | None:
        """The flag as the thresholds line writes it (as it would be typed), None when off."""
        if not self.is_on(value):
            return None
        if self.value == "switch":
            return self.option
        if self.value == "regions":
            return f"{self.option} {' '.join(value)}"
        return f"{self.option} {value:g}" if self.value == "hours" else f"{self.option} {value}"


MIN_RETENTION = Flag(
    "min_retention_days",
    "--min-retention-days",
    "finding when a rule keeps backups fewer days",
    "days",
)
REQUIRED_REGIONS = Flag(
    "required_regions",
    "--required-regions",
    "finding for every covered account missing one of these regions",
    "regions",
)
VAULT_LOCK = Flag(
    "require_vault_lock",
    "--require-vault-lock",
    "finding for every vault without AWS Backup Vault Lock",
)
MAX_INTERVAL = Flag(
    "max_interval_hours",
    "--max-interval-hours",
    "finding when a schedule can leave more than H hours between backups",
    "hours",
)
# `report` only: the audit reads neither the rules nor the restore testing plans as such.
ALERTS = Flag(
    "require_alerts",
    "--require-alerts",
    "finding for every account-region that does not forward failed backup, copy and restore"
    " jobs to the central alerts bus",
    commands=frozenset({"report"}),
)
RESTORE_TESTING = Flag(
    "require_restore_testing",
    "--require-restore-testing",
    "finding for every account-region without a restore testing plan",
    commands=frozenset({"report"}),
)
# `audit` only: it reads each file system's restore jobs.
RESTORE_TEST_AGE = Flag(
    "max_restore_test_age_days",
    "--max-restore-test-age-days",
    "finding for every tagged file system not restored and validated successfully by its"
    " restore testing plan in the last N days",
    "days",
    commands=frozenset({"audit"}),
)
COPY = Flag(
    "require_copy",
    "--require-copy",
    "finding for every account-region whose rules copy to no other account (the central"
    " account's own are exempt)",
)
AIR_GAPPED = Flag(
    "require_air_gapped",
    "--require-air-gapped",
    "finding for every account-region whose copies do not land in an air-gapped vault",
)
GUARDRAILS = Flag(
    "require_guardrails",
    "--require-guardrails",
    "finding for every account-region whose vault policy or organization SCP guardrail is"
    " missing (guardrails_enabled)",
    commands=frozenset({"report"}),
)

FRAMEWORKS = Flag(
    "require_frameworks",
    "--require-frameworks",
    "finding for every account-region without a deployed Backup Audit Manager framework, or"
    " where AWS Config does not record what its controls need",
)

FLAGS: tuple[Flag, ...] = (
    MIN_RETENTION,
    REQUIRED_REGIONS,
    VAULT_LOCK,
    MAX_INTERVAL,
    ALERTS,
    RESTORE_TESTING,
    RESTORE_TEST_AGE,
    COPY,
    AIR_GAPPED,
    GUARDRAILS,
    FRAMEWORKS,
)

_ANNOTATIONS = {
    "switch": bool,
    "days": int | None,
    "hours": float | None,
    "regions": tuple[str, ...],
}
Thresholds = make_dataclass(
    "Thresholds",
    [(flag.name, _ANNOTATIONS[flag.value], field(default=flag.off)) for flag in FLAGS],
    frozen=True,
    slots=True,
)
Thresholds.__module__ = __name__
Thresholds.__doc__ = """What the organization requires: one field per flag of `FLAGS`, by its
name; None (or empty, or False) turns its checks off."""

RegionCheck = Callable[..., Iterator[str]]


@dataclass(frozen=True, slots=True)
class Kind:
    """One finding kind: its label, the doc line that says when it is found, the flags that turn
    it on (none: always checked; several: any of them), and either its check of one
    account-region or `found_by`, where it is found instead."""

    label: str
    doc: str
    check: RegionCheck | None = None
    flags: tuple[Flag, ...] = ()
    found_by: str = ""

    def findings(self, place: checks.Place, thresholds: Any) -> Iterator[str]:
        """The check's sentences for `place`, with its flags' values; none while they are off."""
        if self.check is None:
            return iter(())
        values = [getattr(thresholds, flag.name) for flag in self.flags]
        if self.flags and not any(
            flag.is_on(value) for flag, value in zip(self.flags, values, strict=True)
        ):
            return iter(())
        return self.check(place, *values)


KINDS: tuple[Kind, ...] = (
    Kind(
        DEGRADED,
        "the account's lookup failed in this run; it is kept as it was (previous state)",
        checks.degraded,
    ),
    Kind(
        NOT_DEPLOYED,
        "the vault, plan or selection has no deployed id, or the input is a synth output; judge"
        " a plan with `--planned`",
        checks.not_deployed,
    ),
    Kind(NO_VAULT, "no backup vault in the account-region", checks.no_vault),
    Kind(
        VAULT_LOCK_MISSING,
        "no vault lock where `--require-vault-lock` (or the policy) asks for one",
        checks.vault_lock_missing,
        (VAULT_LOCK,),
    ),
    Kind(NO_PLAN, "no backup plan in the account-region", checks.no_plan),
    Kind(NO_RULES, "a backup plan with no rule", checks.no_rules),
    Kind(
        RETENTION_BELOW_MINIMUM,
        "a rule keeps recovery points fewer days than `--min-retention-days`",
        checks.retention_below_minimum,
        (MIN_RETENTION,),
    ),
    Kind(
        SCHEDULE_UNREADABLE,
        "a schedule that cannot be checked against `--max-interval-hours`",
        checks.schedule_unreadable,
        (MAX_INTERVAL,),
    ),
    Kind(
        SCHEDULE_INTERVAL_TOO_LONG,
        "a schedule that can leave more than `--max-interval-hours` between backups",
        checks.schedule_interval_too_long,
        (MAX_INTERVAL,),
    ),
    Kind(NO_SELECTION, "no backup selection, so the plan backs up nothing", checks.no_selection),
    Kind(
        SELECTION_NOT_EFS_ONLY,
        "the selection picks more (or other) than EFS file systems",
        checks.selection_not_efs_only,
    ),
    Kind(
        SELECTION_WITHOUT_TAG,
        "the selection has no tag condition",
        checks.selection_without_tag,
    ),
    Kind(
        NO_ALERTS,
        "`--require-alerts`: failed jobs of the account-region raise no central alert",
        checks.no_alerts,
        (ALERTS,),
    ),
    Kind(
        NO_RESTORE_TESTING,
        "`--require-restore-testing`: no restore testing plan and selection",
        checks.no_restore_testing,
        (RESTORE_TESTING,),
    ),
    Kind(
        NO_COPY,
        "`--require-copy`: no copy action to a vault in another account",
        checks.no_copy,
        (COPY, AIR_GAPPED),
    ),
    Kind(
        NOT_AIR_GAPPED,
        "`--require-air-gapped`: copies do not land in a logically air-gapped vault",
        checks.copy_not_air_gapped,
        (AIR_GAPPED,),
    ),
    Kind(
        GUARDRAILS_MISSING,
        "`--require-guardrails`: the vault access policy or the organization SCP that keeps the"
        " account's own administrators from erasing its backups is missing",
        checks.guardrails_missing,
        (GUARDRAILS,),
    ),
    Kind(
        NO_FRAMEWORK,
        "`--require-frameworks` (or, in the audit, the policy): no Backup Audit Manager"
        " framework, or one whose deployment FAILED",
        checks.no_framework,
        (FRAMEWORKS,),
    ),
    Kind(
        CONFIG_NOT_RECORDING,
        "`--require-frameworks` (or, in the audit, the policy): AWS Config does not record (or"
        " was not checked to record) the resource types the framework's controls need",
        checks.config_not_recording,
        (FRAMEWORKS,),
    ),
    Kind(
        SKIPPED_BY_FAILURE,
        "skipped for a reason other than policy (deploy role refused, ...)",
        found_by="reporting/checks.py (per account)",
    ),
    Kind(
        NO_REGION, "covered, but no region is listed", found_by="reporting/checks.py (per account)"
    ),
    Kind(
        REQUIRED_REGION_MISSING,
        "a `--required-regions` region is not covered",
        flags=(REQUIRED_REGIONS,),
        found_by="reporting/checks.py (per account)",
    ),
    Kind(
        SHARDS_INCOMPLETE,
        "a shard is missing, given twice, or the shard counts disagree",
        found_by="reporting/inputs.py (the inputs as a whole)",
    ),
    *(
        Kind(label, f"{doc} (audit)", flags=flags, found_by=f"audit/{module}.py")
        for label, doc, module, flags in (
            (AUDIT_FAILED, "the account could not be read", "checks", ()),
            (
                BACKUP_ROLE_UNUSABLE,
                "the IAM role AWS Backup assumes is missing or does not trust it",
                "checks",
                (),
            ),
            (VAULT_DRIFT, "the vault's lock or key differs from the policy", "checks", ()),
            (PLAN_DRIFT, "the plan's rule differs from the policy", "checks", ()),
            (
                SELECTION_DRIFT,
                "the selection picks other resources than the policy says",
                "checks",
                (),
            ),
            (
                FILE_SYSTEM_UNPROTECTED,
                "a tagged EFS file system where the rollout does not cover",
                "checks",
                (),
            ),
            (
                RECOVERY_POINTS_UNREADABLE,
                "a file system's recovery points could not be listed",
                "checks",
                (),
            ),
            (
                NEVER_BACKED_UP,
                "a selected file system has no completed recovery point",
                "checks",
                (),
            ),
            (
                BACKUP_TOO_OLD,
                "the latest recovery point is older than the schedule allows",
                "checks",
                (),
            ),
            (
                NO_COPY_FOUND,
                "a selected file system has no recent copy in the central vault",
                "copy_checks",
                (),
            ),
            (
                COPY_TOO_OLD,
                "the latest copy in the central vault is older than the rules allow",
                "copy_checks",
                (),
            ),
            (
                CENTRAL_VAULT,
                "the central vault is missing, of the wrong kind, or its policy differs",
                "copy_checks",
                (),
            ),
            (
                NEVER_RESTORE_TESTED,
                "a selected file system was never restored and validated",
                "restore_tests",
                (RESTORE_TEST_AGE,),
            ),
            (
                RESTORE_TEST_TOO_OLD,
                "the last successful restore test is older than `--max-restore-test-age-days`",
                "restore_tests",
                (RESTORE_TEST_AGE,),
            ),
            (
                RESTORE_TESTS_UNREADABLE,
                "the restore testing jobs could not be listed",
                "restore_tests",
                (RESTORE_TEST_AGE,),
            ),
            (
                DUPLICATE_AUTOMATIC_BACKUPS,
                "a tagged file system also has EFS automatic backups: a second recovery point"
                " a day, billed twice (unless `efs_automatic_backups` is `accept`)",
                "checks",
                (),
            ),
        )
    ),
)

REGION_KINDS = tuple(kind for kind in KINDS if kind.check is not None)


def thresholds_text(thresholds: Any) -> str:
    """The flags that were on, as they would be typed, in `FLAGS` order; "none" for none."""
    shown = (flag.shown(getattr(thresholds, flag.name)) for flag in FLAGS)
    return " ".join(part for part in shown if part) or "none"


def markdown_table() -> str:
    """The kinds as docs list them: label, when it is found, and the flag that turns it on."""
    lines = ["| kind | when | flag |", "| --- | --- | --- |"]
    lines += [
        f"| `{kind.label}` | {kind.doc} |"
        f" {', '.join(f'`{flag.option}`' for flag in kind.flags) or 'always'} |"
        for kind in KINDS
    ]
    return "\n".join(lines) + "\n"
