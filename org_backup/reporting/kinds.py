"""Finding kinds: the short, stable labels that group findings (`findings_by_kind`, the HTML's
groups, the identity `--since` compares).

A label is part of the public interface: never rename one. To add a check: add its constant and
a line to `DESCRIPTIONS` here (a test keeps the two in step), write the check as a generator of
`(kind, sentence)` pairs, and turn each pair into `Finding(*pair)` where the row is built (see
`checks.region_row`)."""

from __future__ import annotations

# The report's checks (reporting/checks.py)
NOT_DEPLOYED = "not deployed"
DEGRADED = "degraded"
SKIPPED_BY_FAILURE = "skipped by failure"
NO_REGION = "no region covered"
REQUIRED_REGION_MISSING = "required region missing"
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
# Copies out of the account (reporting/copies.py)
NO_COPY = "no copy to another account"
NOT_AIR_GAPPED = "copy not air-gapped"
# Alerts and restore testing (reporting/alerting_checks.py)
NO_ALERTS = "no alerts"
NO_RESTORE_TESTING = "no restore testing"
# Guardrails (reporting/guardrails.py)
GUARDRAILS_MISSING = "guardrails missing"
# The inputs as a whole (reporting/inputs.py)
SHARDS_INCOMPLETE = "shards incomplete"
# The live audit (audit/checks.py)
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

DESCRIPTIONS: dict[str, str] = {
    NOT_DEPLOYED: "the vault, plan or selection has no deployed id, or the input is a synth"
    " output; judge a plan with `--planned`",
    DEGRADED: "the account's lookup failed in this run; it is kept as it was (previous state)",
    SKIPPED_BY_FAILURE: "skipped for a reason other than policy (deploy role refused, ...)",
    NO_REGION: "covered, but no region is listed",
    REQUIRED_REGION_MISSING: "a `--required-regions` region is not covered",
    NO_VAULT: "no backup vault in the account-region",
    VAULT_LOCK_MISSING: "no vault lock where `--require-vault-lock` (or the policy) asks for one",
    NO_PLAN: "no backup plan in the account-region",
    NO_RULES: "a backup plan with no rule",
    RETENTION_BELOW_MINIMUM: "a rule keeps recovery points fewer days than `--min-retention-days`",
    SCHEDULE_UNREADABLE: "a schedule that cannot be checked against `--max-interval-hours`",
    SCHEDULE_INTERVAL_TOO_LONG: "a schedule that can leave more than `--max-interval-hours`"
    " between backups",
    NO_SELECTION: "no backup selection, so the plan backs up nothing",
    SELECTION_NOT_EFS_ONLY: "the selection picks more (or other) than EFS file systems",
    SELECTION_WITHOUT_TAG: "the selection has no tag condition",
    NO_COPY: "`--require-copy`: no copy action to a vault in another account",
    NOT_AIR_GAPPED: "`--require-air-gapped`: copies do not land in a logically air-gapped vault",
    NO_ALERTS: "`--require-alerts`: failed jobs of the account-region raise no central alert",
    NO_RESTORE_TESTING: "`--require-restore-testing`: no restore testing plan and selection",
    GUARDRAILS_MISSING: "`--require-guardrails`: the vault access policy or the organization SCP"
    " that keeps the account's own administrators from erasing its backups is missing",
    SHARDS_INCOMPLETE: "a shard is missing, given twice, or the shard counts disagree",
    AUDIT_FAILED: "the account could not be read (audit)",
    BACKUP_ROLE_UNUSABLE: "the IAM role AWS Backup assumes is missing or does not trust it (audit)",
    VAULT_DRIFT: "the vault's lock or key differs from the policy (audit)",
    PLAN_DRIFT: "the plan's rule differs from the policy (audit)",
    SELECTION_DRIFT: "the selection picks other resources than the policy says (audit)",
    FILE_SYSTEM_UNPROTECTED: "a tagged EFS file system where the rollout does not cover (audit)",
    RECOVERY_POINTS_UNREADABLE: "a file system's recovery points could not be listed (audit)",
    NEVER_BACKED_UP: "a selected file system has no completed recovery point (audit)",
    BACKUP_TOO_OLD: "the latest recovery point is older than the schedule allows (audit)",
    NO_COPY_FOUND: "a selected file system has no recent copy in the central vault (audit)",
    COPY_TOO_OLD: "the latest copy in the central vault is older than the rules allow (audit)",
    CENTRAL_VAULT: "the central vault is missing, of the wrong kind, or its policy differs (audit)",
    NEVER_RESTORE_TESTED: "a selected file system was never restored and validated (audit)",
    RESTORE_TEST_TOO_OLD: "the last successful restore test is older than"
    " `--max-restore-test-age-days` (audit)",
    RESTORE_TESTS_UNREADABLE: "the restore testing jobs could not be listed (audit)",
}
