"""What `collect` saw in one account: plain values, no boto3 types, so checks stay pure.

None means "looked, and it does not exist"; a call that failed never becomes None, it fails the
account (or, for recovery points, the file system) with the operation and AWS's reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from org_backup.manifest.model import ConfigRecording


@dataclass(frozen=True, slots=True)
class VaultState:
    name: str
    arn: str | None
    kms_key_arn: str | None
    locked: bool
    min_retention_days: int | None
    max_retention_days: int | None
    lock_date: datetime | None  # set only in compliance mode: when the lock becomes immutable


@dataclass(frozen=True, slots=True)
class CopyActionState:
    destination_vault_arn: str
    delete_after_days: int | None  # None: kept forever
    cold_storage_after_days: int | None


@dataclass(frozen=True, slots=True)
class RuleState:
    name: str
    target_vault: str
    schedule: str | None
    schedule_timezone: str
    start_window_minutes: int
    completion_window_minutes: int
    delete_after_days: int | None  # None: kept forever
    cold_storage_after_days: int | None
    copy_actions: tuple[CopyActionState, ...] = ()


@dataclass(frozen=True, slots=True)
class PlanState:
    name: str
    id: str
    arn: str | None
    version: str | None
    rules: tuple[RuleState, ...]


@dataclass(frozen=True, slots=True)
class Condition:
    """One entry of a selection's `Conditions` (or `ListOfTags`): operator, key, value."""

    operator: str
    key: str
    value: str


@dataclass(frozen=True, slots=True)
class SelectionState:
    name: str
    id: str
    iam_role_arn: str
    resources: tuple[str, ...]
    not_resources: tuple[str, ...]
    list_of_tags: tuple[Condition, ...]
    conditions: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class RoleState:
    name: str
    arn: str
    trusts_backup: bool  # its trust policy lets backup.amazonaws.com assume it


@dataclass(frozen=True, slots=True)
class RestoreTestState:
    """One restore job of the restore testing plan: how it ended and when."""

    job_id: str
    status: str  # PENDING, RUNNING, COMPLETED, ABORTED, FAILED
    validation_status: str | None  # FAILED, SUCCESSFUL, TIMED_OUT, VALIDATING; None: none sent
    created: datetime | None
    completed: datetime | None
    message: str | None  # the restore's or the validation's status message


@dataclass(frozen=True, slots=True)
class AutomaticBackupState:
    """EFS's own automatic backups of a file system, as far as they were seen."""

    tagged: bool  # carries aws:elasticfilesystem:default-backup=enabled
    points: int  # its recovery points in aws/efs/automatic-backup-vault
    # its EFS backup policy (ENABLED, ENABLING, DISABLED, DISABLING); None: not read, or none
    policy_status: str | None = None
    policy_error: str | None = None  # the backup policy could not be read

    @property
    def on(self) -> bool:
        """The policy decides where it was read; else the system tag does."""
        if self.policy_status is not None:
            return self.policy_status in ("ENABLED", "ENABLING")
        return self.tagged


@dataclass(frozen=True, slots=True)
class AutomaticPlanState:
    """The AWS-owned plan aws/efs/automatic-backup-plan: its (first) rule's schedule and
    retention, which the console lets an account edit."""

    schedule: str | None
    delete_after_days: int | None


@dataclass(frozen=True, slots=True)
class FrameworkState:
    name: str
    deployment_status: str | None
    status: str | None


@dataclass(frozen=True, slots=True)
class FileSystemState:
    """A file system carrying the selection tag, and its latest usable recovery point."""

    arn: str
    latest_backup: datetime | None = None
    lookup_error: str | None = None  # the recovery points could not be listed
    # None when not looked up (no --max-restore-test-age-days)
    restore_tests: tuple[RestoreTestState, ...] | None = None
    restore_tests_error: str | None = None  # the restore jobs could not be listed
    automatic_backups: AutomaticBackupState | None = None  # None: not seen


@dataclass(frozen=True, slots=True)
class RegionState:
    """A covered region has its backup resources observed; an uncovered one is only scanned."""

    region: str
    covered: bool
    vault: VaultState | None = None
    plan: PlanState | None = None
    selection: SelectionState | None = None
    file_systems: tuple[FileSystemState, ...] = ()
    # the restore testing plan looked for, and its ARN (None: it does not exist)
    restore_testing_plan: str | None = None
    restore_testing_plan_arn: str | None = None
    # the framework looked for (None: not looked for) and what was found (None: none)
    framework_name: str | None = None
    framework: FrameworkState | None = None
    config_types: tuple[str, ...] = ()  # what the framework's controls need recorded
    config: ConfigRecording | None = None  # what AWS Config records; None: not looked up
    automatic_plan: AutomaticPlanState | None = None  # read where a duplicate was seen


@dataclass(frozen=True, slots=True)
class AccountState:
    account_id: str
    tag: str  # the selection tag the scan searched for, e.g. Name=AIFilesystem
    role: RoleState | None  # None: missing, or not looked up because nothing is covered
    regions: tuple[RegionState, ...]


# The central account, read through its deploy role
@dataclass(frozen=True, slots=True)
class CentralRegionState:
    """One region's central vault: None where it does not exist or has no access policy."""

    region: str
    vault_arn: str | None = None
    vault_type: str | None = None  # BACKUP_VAULT or LOGICALLY_AIR_GAPPED_BACKUP_VAULT
    policy: dict | None = None
    latest_copies: dict[str, datetime] | None = None  # by source resource ARN
    lookup_error: str | None = None  # the region could not be read


@dataclass(frozen=True, slots=True)
class CentralState:
    account_id: str
    regions: tuple[CentralRegionState, ...] = ()
    failure: str | None = None  # the central account could not be reached at all
