"""The backup policy of one account: the rule, the selection tag, the vault's lock and key.

Settings give the organization's default; an account file may override the fields of
`PolicyOverrides`. The merged policy is validated as a whole, because rules such as
"delete after >= cold storage + 90 days" can only be checked once both values are known.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)

from org_backup.config import limits
from org_backup.errors import Problem, problems_from_validation


def _checked(check: Callable[[str], str | None]) -> Callable[[str], str]:
    def validate(value: str) -> str:
        message = check(value)
        if message:
            raise ValueError(message)
        return value

    return validate


def _check_kms_template(value: str) -> str | None:
    try:
        kms_key_id(value, "aws", "us-east-1", "111122223333")
    except (KeyError, IndexError, ValueError):
        return (
            "must be a KMS key ARN, a KMS alias ARN or an alias name (alias/NAME: letters,"
            " digits, '/', '_', '-' and ':'); it may use the placeholders {partition}, {region}"
            " and {account_id}, e.g. arn:{partition}:kms:{region}:{account_id}:key/<key id>"
            " or alias/org-backup"
        )
    return None


# Field types shared by Settings, account files and the effective policy, so a value is
# checked the same way wherever it is written.
Days = Annotated[int, Field(ge=1, le=limits.MAX_DAYS)]
StartWindow = Annotated[int, Field(ge=limits.MIN_START_WINDOW, le=52_560_000)]
CompletionWindow = Annotated[int, Field(ge=1, le=52_560_000)]
ChangeableDays = Annotated[int, Field(ge=limits.VAULT_LOCK_MIN_CHANGEABLE_DAYS, le=limits.MAX_DAYS)]
VaultName = Annotated[str, AfterValidator(_checked(limits.check_vault_name))]
BackupName = Annotated[str, AfterValidator(_checked(limits.check_backup_name))]
RoleName = Annotated[str, AfterValidator(_checked(limits.check_role_name))]
Schedule = Annotated[
    str, StringConstraints(strip_whitespace=True), AfterValidator(_checked(limits.check_schedule))
]
Timezone = Annotated[str, AfterValidator(_checked(limits.check_timezone))]
TagKey = Annotated[str, Field(min_length=1, max_length=128)]
TagValue = Annotated[str, Field(max_length=256)]
KmsKeyTemplate = Annotated[str, AfterValidator(_checked(_check_kms_template))]


class VaultLock(BaseModel):
    """AWS Backup Vault Lock: governance mode, or compliance mode once `changeable_for_days` pass."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_retention_days: int
    max_retention_days: int
    changeable_for_days: int | None = None

    @property
    def mode(self) -> str:
        return "governance" if self.changeable_for_days is None else "compliance"


class PolicyOverrides(BaseModel):
    """The policy fields an `accounts/` file may set in its `backup:` block."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schedule: Schedule | None = None
    schedule_timezone: Timezone | None = None
    start_window_minutes: StartWindow | None = None
    completion_window_minutes: CompletionWindow | None = None
    delete_after_days: Days | None = None
    cold_storage_after_days: Days | None = None
    selection_tag_key: TagKey | None = None
    selection_tag_value: TagValue | None = None
    vault_kms_key_arn: KmsKeyTemplate | None = None
    vault_lock_min_retention_days: Days | None = None
    vault_lock_max_retention_days: Days | None = None
    vault_lock_changeable_for_days: ChangeableDays | None = None


class BackupPolicy(BaseModel):
    """The effective policy of one account, in every one of its regions."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    vault_name: VaultName
    plan_name: BackupName
    rule_name: BackupName
    selection_name: BackupName
    backup_role_name: RoleName
    schedule: Schedule
    schedule_timezone: Timezone
    start_window_minutes: StartWindow
    completion_window_minutes: CompletionWindow
    delete_after_days: Days
    cold_storage_after_days: Days | None = None
    selection_tag_key: TagKey
    selection_tag_value: TagValue
    vault_kms_key_arn: KmsKeyTemplate | None = None
    vault_lock_min_retention_days: Days | None = None
    vault_lock_max_retention_days: Days | None = None
    vault_lock_changeable_for_days: ChangeableDays | None = None

    @property
    def vault_lock(self) -> VaultLock | None:
        if (
            self.vault_lock_min_retention_days is None
            and self.vault_lock_max_retention_days is None
        ):
            return None
        return VaultLock(
            min_retention_days=self.vault_lock_min_retention_days or 1,
            max_retention_days=self.vault_lock_max_retention_days or limits.MAX_DAYS,
            changeable_for_days=self.vault_lock_changeable_for_days,
        )

    def rule_problems(self, source: str, prefix: str = "") -> list[Problem]:
        """Rules between fields that AWS Backup enforces (or that make backup jobs fail)."""
        problems = []
        if self.completion_window_minutes < self.start_window_minutes + 60:
            problems.append(
                Problem(
                    source,
                    f"{prefix}completion_window_minutes",
                    self.completion_window_minutes,
                    f"must be at least start_window_minutes + 60 = {self.start_window_minutes + 60}",
                )
            )
        cold = self.cold_storage_after_days
        if cold is not None and self.delete_after_days < cold + limits.COLD_TO_DELETE_GAP:
            problems.append(
                Problem(
                    source,
                    f"{prefix}delete_after_days",
                    self.delete_after_days,
                    f"must be at least cold_storage_after_days + 90 = {cold + 90}"
                    " (AWS Backup keeps cold-storage backups for 90 days at least)",
                )
            )
        lock = self.vault_lock
        if self.vault_lock_changeable_for_days is not None and lock is None:
            problems.append(
                Problem(
                    source,
                    f"{prefix}vault_lock_changeable_for_days",
                    self.vault_lock_changeable_for_days,
                    "needs vault_lock_min_retention_days or vault_lock_max_retention_days too",
                )
            )
        if lock is not None:
            if lock.min_retention_days > lock.max_retention_days:
                problems.append(
                    Problem(
                        source,
                        f"{prefix}vault_lock_min_retention_days",
                        lock.min_retention_days,
                        f"must not exceed vault_lock_max_retention_days ({lock.max_retention_days})",
                    )
                )
            elif not lock.min_retention_days <= self.delete_after_days <= lock.max_retention_days:
                problems.append(
                    Problem(
                        source,
                        f"{prefix}delete_after_days",
                        self.delete_after_days,
                        f"must lie within the vault lock's retention range"
                        f" [{lock.min_retention_days}, {lock.max_retention_days}],"
                        " or every backup job into the locked vault fails",
                    )
                )
        return problems


# KMS's own rules (botocore: AliasNameType, 1-256 characters; key ids are UUIDs or mrk-...).
_KMS_ALIAS = re.compile(r"^alias/[a-zA-Z0-9:/_-]{1,250}$")
_KMS_KEY = re.compile(r"^key/[a-zA-Z0-9-]{1,128}$")


def kms_key_id(template: str, partition: str, region: str, account_id: str) -> str:
    """Expand the placeholders of `vault_kms_key_arn` into a KMS KeyId usable in that region:
    a key ARN, an alias ARN, or an alias name (looked up in the account itself)."""
    key_id = template.format(partition=partition, region=region, account_id=account_id)
    if key_id.startswith("alias/"):
        if not _KMS_ALIAS.match(key_id):
            raise ValueError(key_id)
        return key_id
    parts = key_id.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "kms":
        raise ValueError(key_id)
    if not (_KMS_KEY.match(parts[5]) or _KMS_ALIAS.match(parts[5])):
        raise ValueError(key_id)
    if parts[3] != region:
        raise ValueError(f"{key_id} is not in {region}")
    return key_id


def vault_key_id(policy: BackupPolicy, partition: str, region: str, account_id: str) -> str | None:
    """The KMS KeyId of the vault's key in that account and region; None: AWS Backup's own."""
    if not policy.vault_kms_key_arn:
        return None
    return kms_key_id(policy.vault_kms_key_arn, partition, region, account_id)


def known_kms_key_arn(key_id: str | None) -> str | None:
    """The key ARN when `key_id` already is one; None for an alias, which only KMS can resolve
    (the Pulumi program does, through the account's provider)."""
    return key_id if key_id is not None and ":key/" in key_id else None


def build_policy(
    defaults: dict[str, Any], overrides: PolicyOverrides | None, source: str, prefix: str
) -> tuple[BackupPolicy | None, list[Problem]]:
    """Merge an account's overrides over the defaults and validate the result as a whole."""
    values = dict(defaults)
    if overrides is not None:
        values.update(overrides.model_dump(exclude_unset=True))
    try:
        policy = BackupPolicy.model_validate(values)
    except ValidationError as error:
        return None, problems_from_validation(error, source, prefix)
    problems = policy.rule_problems(source, prefix)
    return (None if problems else policy), problems
