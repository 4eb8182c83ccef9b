"""The backup policy of one account: its rules, the selection tag, the vault's lock and key.

Settings give the organization's default; an account file may override the fields of
`PolicyOverrides`. The merged policy is validated as a whole, because rules such as
"delete after >= cold storage + 90 days" can only be checked once both values are known.
A policy holds one to ten rules (retention tiers); the single-rule fields make the one default
rule, and fill what a listed rule leaves out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)

from org_backup.aws_rules import limits
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
# What org-backup does about EFS's own automatic backups of the file systems it protects.
EfsAutomaticBackups = Literal["leave", "accept", "disable"]


class VaultLock(BaseModel):
    """AWS Backup Vault Lock: governance mode, or compliance mode once `changeable_for_days` pass."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_retention_days: int
    max_retention_days: int
    changeable_for_days: int | None = None

    @property
    def mode(self) -> str:
        return "governance" if self.changeable_for_days is None else "compliance"


class RuleSpec(BaseModel):
    """One rule as written in the setting `rules` or an `accounts/` file's `backup.rules`.

    Fields left out take the single-rule values (settings, or the file's own `backup:` fields);
    the copy's lifecycle defaults to the settings `copy_*`, then to the rule's own.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    name: BackupName
    schedule: Schedule
    delete_after_days: Days
    schedule_timezone: Timezone | None = None
    start_window_minutes: StartWindow | None = None
    completion_window_minutes: CompletionWindow | None = None
    cold_storage_after_days: Days | None = None
    copy_enabled: bool = Field(default=True, alias="copy")
    copy_delete_after_days: Days | None = None
    copy_cold_storage_after_days: Days | None = None


class BackupRule(BaseModel):
    """One effective rule of the plan, every value resolved."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    name: BackupName
    schedule: Schedule
    schedule_timezone: Timezone
    start_window_minutes: StartWindow
    completion_window_minutes: CompletionWindow
    delete_after_days: Days
    cold_storage_after_days: Days | None = None
    copy_enabled: bool = Field(default=True, alias="copy")
    copy_delete_after_days: Days
    copy_cold_storage_after_days: Days | None = None

    def problems(self, source: str, prefix: str, label: str) -> list[Problem]:
        """Rules between fields that AWS Backup enforces (or that make backup jobs fail)."""
        problems = []
        if self.completion_window_minutes < self.start_window_minutes + 60:
            problems.append(
                Problem(
                    source,
                    f"{prefix}completion_window_minutes",
                    self.completion_window_minutes,
                    f"must be at least start_window_minutes + 60 = {self.start_window_minutes + 60}"
                    f"{label}",
                )
            )
        for field, delete, cold in (
            ("delete_after_days", self.delete_after_days, self.cold_storage_after_days),
            (
                "copy_delete_after_days",
                self.copy_delete_after_days,
                self.copy_cold_storage_after_days,
            ),
        ):
            if cold is not None and delete < cold + limits.COLD_TO_DELETE_GAP:
                cold_field = field.replace("delete_after", "cold_storage_after")
                problems.append(
                    Problem(
                        source,
                        f"{prefix}{field}",
                        delete,
                        f"must be at least {cold_field} + 90 = {cold + 90}"
                        f" (AWS Backup keeps cold-storage backups for 90 days at least){label}",
                    )
                )
        return problems


# The single-rule fields of settings and `backup:`, which also fill what a listed rule leaves out.
SINGLE_RULE_FIELDS = (
    "schedule",
    "schedule_timezone",
    "start_window_minutes",
    "completion_window_minutes",
    "delete_after_days",
    "cold_storage_after_days",
)


class PolicyOverrides(BaseModel):
    """The policy fields an `accounts/` file may set in its `backup:` block."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schedule: Schedule | None = None
    schedule_timezone: Timezone | None = None
    start_window_minutes: StartWindow | None = None
    completion_window_minutes: CompletionWindow | None = None
    delete_after_days: Days | None = None
    cold_storage_after_days: Days | None = None
    rules: list[RuleSpec] | None = Field(default=None, min_length=1)
    selection_tag_key: TagKey | None = None
    selection_tag_value: TagValue | None = None
    vault_kms_key_arn: KmsKeyTemplate | None = None
    vault_lock_min_retention_days: Days | None = None
    vault_lock_max_retention_days: Days | None = None
    vault_lock_changeable_for_days: ChangeableDays | None = None
    efs_automatic_backups: EfsAutomaticBackups | None = None


class BackupPolicy(BaseModel):
    """The effective policy of one account, in every one of its regions."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    vault_name: VaultName
    plan_name: BackupName
    selection_name: BackupName
    backup_role_name: RoleName
    rules: tuple[BackupRule, ...] = Field(min_length=1, max_length=limits.MAX_RULES_PER_PLAN)
    selection_tag_key: TagKey
    selection_tag_value: TagValue
    vault_kms_key_arn: KmsKeyTemplate | None = None
    vault_lock_min_retention_days: Days | None = None
    vault_lock_max_retention_days: Days | None = None
    vault_lock_changeable_for_days: ChangeableDays | None = None
    efs_automatic_backups: EfsAutomaticBackups = "leave"

    @property
    def vault_lock(self) -> VaultLock | None:
        if (
            self.vault_lock_min_retention_days is None
            and self.vault_lock_max_retention_days is None
        ):
            return None
        low, high = limits.retention_range(
            self.vault_lock_min_retention_days, self.vault_lock_max_retention_days
        )
        return VaultLock(
            min_retention_days=low,
            max_retention_days=high,
            changeable_for_days=self.vault_lock_changeable_for_days,
        )

    def lock_problems(
        self, source: str, prefix: str, rule_places: list[tuple[str, str]]
    ) -> list[Problem]:
        """The vault lock's own consistency, and every rule's retention inside its range."""
        problems = []
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
        if lock is None:
            return problems
        if lock.min_retention_days > lock.max_retention_days:
            problems.append(
                Problem(
                    source,
                    f"{prefix}vault_lock_min_retention_days",
                    lock.min_retention_days,
                    f"must not exceed vault_lock_max_retention_days ({lock.max_retention_days})",
                )
            )
            return problems
        for rule, (rule_prefix, label) in zip(self.rules, rule_places, strict=True):
            if not lock.min_retention_days <= rule.delete_after_days <= lock.max_retention_days:
                problems.append(
                    Problem(
                        source,
                        f"{rule_prefix}delete_after_days",
                        rule.delete_after_days,
                        f"must lie within the vault lock's retention range"
                        f" [{lock.min_retention_days}, {lock.max_retention_days}],"
                        f" or every backup job into the locked vault fails{label}",
                    )
                )
        return problems


class OrganizationRules(BaseModel):
    """What the organization imposes on every account's rules; no `accounts/` file can change it.

    `copy_range` is the central vault's retention range when copies go to a vault that enforces
    one (air-gapped, or a locked standard vault), else None.
    """

    model_config = ConfigDict(frozen=True)

    rule_name: str
    rules: tuple[RuleSpec, ...] = ()
    copy_delete_after_days: int | None = None
    copy_cold_storage_after_days: int | None = None
    min_delete_after_days: int | None = None
    copy_range: tuple[int, int] | None = None


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
    """Merge an account's overrides over the defaults and validate the result as a whole.

    `defaults` is `Settings.policy_defaults()`: the policy's fields, the single-rule fields and,
    under "organization", the OrganizationRules.
    """
    values = dict(defaults)
    organization: OrganizationRules = values.pop("organization")
    written = overrides.model_dump(exclude_unset=True, by_alias=True) if overrides else {}
    file_rules = overrides.rules if overrides else None
    written.pop("rules", None)
    values.update(written)
    specs, list_prefix, problems = _listed_rules(file_rules, organization, written, source, prefix)
    single = {field: values.pop(field) for field in SINGLE_RULE_FIELDS}
    if specs:
        rule_values = [
            {**single, **spec.model_dump(exclude_unset=True, by_alias=True)} for spec in specs
        ]
        places = [
            (f"{list_prefix}{index}.", f" (rule {index}, {spec.name!r})")
            for index, spec in enumerate(specs)
        ]
    else:
        rule_values = [{**single, "name": organization.rule_name}]
        places = [(prefix, "")]
    for rule in rule_values:
        _default_copy_lifecycle(rule, organization)
    try:
        policy = BackupPolicy.model_validate({**values, "rules": rule_values})
    except ValidationError as error:
        return None, problems + problems_from_validation(error, source, prefix)
    for rule, (rule_prefix, label) in zip(policy.rules, places, strict=True):
        problems += rule.problems(source, rule_prefix, label)
        problems += _organization_problems(rule, organization, source, rule_prefix, label)
    problems += _duplicate_names(policy.rules, source, list_prefix or prefix)
    problems += policy.lock_problems(source, prefix, places)
    return (None if problems else policy), problems


def _listed_rules(
    file_rules: list[RuleSpec] | None,
    organization: OrganizationRules,
    written: dict[str, Any],
    source: str,
    prefix: str,
) -> tuple[list[RuleSpec], str, list[Problem]]:
    """The account file's rules, else the organization's, else none (the single rule); with
    the prefix their fields are named by. Single-rule fields that the organization's rules
    would silently ignore are problems."""
    if file_rules is not None:
        return list(file_rules), f"{prefix}rules.", []
    if not organization.rules:
        return [], "", []
    ignored = [
        Problem(
            source,
            f"{prefix}{field}",
            written[field],
            "has no effect: the setting rules gives every rule its own; set backup.rules"
            " in this file to change this account's rules",
        )
        for field in ("schedule", "delete_after_days")
        if field in written
    ]
    return list(organization.rules), "rules.", ignored


def _default_copy_lifecycle(rule: dict[str, Any], organization: OrganizationRules) -> None:
    """The rule's own copy_* fields, else the settings', else the rule's own lifecycle."""
    rule.setdefault("copy_delete_after_days", organization.copy_delete_after_days)
    rule.setdefault("copy_cold_storage_after_days", organization.copy_cold_storage_after_days)
    if rule["copy_delete_after_days"] is None:
        rule["copy_delete_after_days"] = rule["delete_after_days"]
        if rule["copy_cold_storage_after_days"] is None:
            rule["copy_cold_storage_after_days"] = rule["cold_storage_after_days"]


def _organization_problems(
    rule: BackupRule, organization: OrganizationRules, source: str, prefix: str, label: str
) -> list[Problem]:
    """The floor on retention, copies included, and the central vault's retention range."""
    problems = []
    floor = organization.min_delete_after_days
    # A copy kept as long as its rule is reported once, on the rule.
    copies = (
        [("copy_delete_after_days", rule.copy_delete_after_days)]
        if rule.copy_enabled and rule.copy_delete_after_days != rule.delete_after_days
        else []
    )
    if floor is not None:
        for field, days in [("delete_after_days", rule.delete_after_days), *copies]:
            if days < floor:
                problems.append(
                    Problem(
                        source,
                        f"{prefix}{field}",
                        days,
                        f"must be at least min_delete_after_days ({floor}), the organization's"
                        f" floor for every recovery point and copy{label}",
                    )
                )
    if organization.copy_range is not None and rule.copy_enabled:
        low, high = organization.copy_range
        if not low <= rule.copy_delete_after_days <= high:
            problems.append(
                Problem(
                    source,
                    f"{prefix}copy_delete_after_days",
                    rule.copy_delete_after_days,
                    f"the copies of this rule would be kept {rule.copy_delete_after_days} days,"
                    f" outside the central vault's retention range [{low}, {high}]"
                    " (central_vault_min/max_retention_days), so every copy job would fail; set"
                    f" copy_delete_after_days inside it, or copy: false{label}",
                )
            )
    return problems


def _duplicate_names(rules: tuple[BackupRule, ...], source: str, prefix: str) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for index, rule in enumerate(rules):
        if rule.name in seen:
            problems.append(
                Problem(
                    source,
                    f"{prefix}{index}.name",
                    rule.name,
                    "is the name of an earlier rule; rule names must be unique in a plan",
                )
            )
        seen.add(rule.name)
    return problems
