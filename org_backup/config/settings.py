"""Organization-wide settings: `ORG_BACKUP_<FIELD>` environment variables over Pulumi stack
config (`org-backup:<field>`) over the defaults below (CONTRACT.md, "Environment").

Every problem is collected and reported at once, each naming where the value came from.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import typing
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from org_backup.aws_rules import limits
from org_backup.config.policy import (
    SINGLE_RULE_FIELDS,
    BackupName,
    BackupPolicy,
    ChangeableDays,
    CompletionWindow,
    Days,
    EfsAutomaticBackups,
    KmsKeyTemplate,
    OrganizationRules,
    RoleName,
    RuleSpec,
    Schedule,
    StartWindow,
    TagKey,
    TagValue,
    Timezone,
    VaultName,
    build_policy,
)
from org_backup.errors import MISSING, InputError, Problem, problems_from_validation

ENV_PREFIX = "ORG_BACKUP_"
# Not a setting: the `pulumi stack export` file one `pulumi up` reads (state/stack_output.py).
STATE_EXPORT_VARIABLE = ENV_PREFIX + "STATE_EXPORT"
CONFIG_NAMESPACE = "org-backup"
_OU_ID = re.compile(r"^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$")
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")


class Settings(BaseSettings):
    """Discovery scope, deployment knobs and the default backup policy of the organization."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, extra="forbid", case_sensitive=False, enable_decoding=False
    )

    # Scope and discovery
    regions: list[str] = Field(
        default=["us-east-1"],
        description="Regions to protect in every account (an accounts/ file may replace them).",
    )
    target_ous: list[str] = Field(
        default=[],
        description="OU or root ids to cover, nested OUs included; empty: the whole organization.",
    )
    exclude_accounts: list[str] = Field(
        default=[],
        description="Account ids never to cover (skipped as excluded), wherever they are in the organization.",
    )
    include_management_account: bool = Field(
        default=False,
        description="Also cover the management account (deployed with the caller's own credentials; SCPs never apply to it).",
    )
    account_selection: Literal["all", "listed"] = Field(
        default="all",
        description="'all' covers every account in scope; 'listed' only those that have a file in accounts/ (the others are skipped as not listed).",
    )
    discovery_role_arn: str | None = Field(
        default=None,
        description="Management-account role to assume for Organizations discovery when the caller is a delegated administrator (none: the caller's own credentials).",
    )
    deploy_role_name: RoleName = Field(
        default="OrganizationAccountAccessRole",
        description="Role assumed in each member account to deploy.",
    )
    deploy_role_external_id: str | None = Field(
        default=None, description="External id for assuming the deploy role."
    )
    readonly_role_name: RoleName | None = Field(
        default=None,
        description="Read-only role in each member account for audit and the rollout's lookups"
        " (none: the deploy role).",
    )
    check_deploy_roles: bool = Field(
        default=False,
        description="Assume every deploy role during discovery; skip accounts where it fails.",
    )
    max_workers: int = Field(
        default=8,
        ge=1,
        le=64,
        description="Accounts looked up at the same time (discovery's per-account calls, adoption lookups, audit reads).",
    )
    account_timeout_seconds: int = Field(
        default=120,
        ge=1,
        le=3600,
        description="Most seconds one account's lookups may take; then it is a failed lookup.",
    )
    tags: dict[str, str] = Field(
        default={}, description="Tags on every resource (JSON object; accounts/ files add theirs)."
    )
    shard_count: int = Field(
        default=1,
        ge=1,
        le=1000,
        description="Number of stacks the organization is split into; an account's shard is chosen by rendezvous hashing of its id.",
    )
    shard_index: int = Field(
        default=0, ge=0, description="This stack's shard, 0 to shard_count - 1."
    )

    # The removal guard against the previous state
    max_accounts_removed: int = Field(
        default=3,
        ge=0,
        description="Most accounts one run of this stack may stop covering vs. its previous state; over it, the run stops (exit 2) before anything is deployed.",
    )
    max_accounts_degraded: int | None = Field(
        default=None,
        ge=0,
        description=(
            "Most covered accounts one run may keep degraded (lookup failed) before it stops"
            " (exit 3); none: the larger of 5 and 10 % of the accounts covered."
        ),
    )
    allow_replacements: list[str] = Field(
        default=[],
        description="Logical names of retained resources (vaults, locks) this run may replace; set for one run only.",
    )

    # Names (organization-wide, so that audits can find every resource)
    vault_name: VaultName = Field(
        default="org-backup-ai",
        description="Name of the backup vault in every covered account and region (organization-wide, so audits find every vault).",
    )
    plan_name: BackupName = Field(
        default="org-backup-ai",
        description="Name of the backup plan in every covered account and region.",
    )
    rule_name: BackupName = Field(
        default="daily",
        description="Name of the plan's rule when rules is empty (each entry of rules names its own).",
    )
    selection_name: BackupName = Field(
        default="ai-efs-tagged", description="Name of the plan's resource selection."
    )
    backup_role_name: RoleName = Field(
        default="OrgBackupServiceRole", description="IAM role AWS Backup uses in each account."
    )

    # The default policy; an accounts/ file may override these (see PolicyOverrides)
    schedule: Schedule = Field(
        default="cron(0 5 * * ? *)",
        description="When backups start: an AWS Backup cron expression in schedule_timezone, at least 60 minutes between two runs.",
    )
    schedule_timezone: Timezone = Field(
        default="Etc/UTC", description="IANA time zone of the schedule."
    )
    start_window_minutes: StartWindow = Field(
        default=120, description="Minutes a job may wait to start (at least 60)."
    )
    completion_window_minutes: CompletionWindow = Field(
        default=360, description="Minutes a job may run (at least start window + 60)."
    )
    delete_after_days: Days = Field(
        default=90,
        description="Days a recovery point is kept (at least cold_storage_after_days + 90, and inside the vault lock's range).",
    )
    cold_storage_after_days: Days | None = Field(
        default=None, description="Days before moving to cold storage (delete >= this + 90)."
    )
    selection_tag_key: TagKey = Field(
        default="Name", description="Tag key an EFS file system must carry to be backed up."
    )
    selection_tag_value: TagValue = Field(
        default="AIFilesystem", description="Tag value an EFS file system must carry."
    )
    vault_kms_key_arn: KmsKeyTemplate | None = Field(
        default=None,
        description=(
            "KMS key for vaults: a key ARN, an alias ARN or alias/NAME (resolved to the key ARN"
            " in each account and region); may use {partition}, {region} and {account_id}."
        ),
    )
    vault_lock_min_retention_days: Days | None = Field(
        default=None,
        description="Vault Lock: fewest days a recovery point must be kept (this or the maximum puts a governance-mode lock on every vault).",
    )
    vault_lock_max_retention_days: Days | None = Field(
        default=None,
        description="Vault Lock: most days a recovery point may be kept (this or the minimum puts a governance-mode lock on every vault).",
    )
    vault_lock_changeable_for_days: ChangeableDays | None = Field(
        default=None,
        description="Compliance mode: days until the lock becomes immutable (at least 3); after them nobody can remove it.",
    )

    # Alerts and restore testing (see org_backup/coverage/alerting.py)
    alerts_enabled: bool = Field(
        default=False,
        description="Forward AWS Backup's failed jobs to a central bus and email (needs"
        " central_account_id).",
    )
    alert_emails: list[str] = Field(
        default=[], description="Addresses subscribed to the central alerts topic (JSON list)."
    )
    alerts_region: str | None = Field(
        default=None, description="Region of the central bus and topic (default: first of regions)."
    )
    alerts_bus_name: str = Field(
        default="org-backup-alerts", description="Name of the central event bus and SNS topic."
    )
    alerts_muted_accounts: list[str] = Field(
        default=[],
        description="Account ids whose failures send no email (still forwarded; JSON list).",
    )
    alerts_forwarder_role_name: RoleName = Field(
        default="OrgBackupAlertsForwarder",
        description="IAM role EventBridge assumes in each account to forward to the central bus.",
    )
    restore_testing_schedule: Schedule | None = Field(
        default=None, description="Cron of the restore tests (default: none, restore testing off)."
    )
    restore_testing_timezone: Timezone = Field(
        default="Etc/UTC", description="IANA time zone of the restore testing schedule."
    )
    restore_testing_selection_window_days: int = Field(
        default=7, ge=1, le=365, description="Test the latest recovery point of the last N days."
    )
    restore_testing_start_window_hours: int = Field(
        default=24, ge=1, le=168, description="Hours a restore test may wait to start."
    )
    restore_testing_validation_window_hours: int = Field(
        default=1,
        ge=1,
        le=168,
        description="Hours the restored file system is kept for validation, then deleted.",
    )
    # Copies: the central account, its vaults and the copies into them
    central_account_id: str | None = Field(
        default=None,
        description="Account holding the central vaults that every rule copies into (none: no copies).",
    )
    central_vault_name: VaultName = Field(
        default="org-backup-central", description="Name of the central vault in every region."
    )
    central_vault_kind: Literal["standard", "air-gapped"] = Field(
        default="standard",
        description="'standard' (a vault, optionally locked) or 'air-gapped' (logically air-gapped vault).",
    )
    central_vault_min_retention_days: Days | None = Field(
        default=None,
        description="Central vault's minimum retention (air-gapped: required; standard: sets a lock).",
    )
    central_vault_max_retention_days: Days | None = Field(
        default=None,
        description="Central vault's maximum retention (air-gapped: required; standard: sets a lock).",
    )
    central_region: str | None = Field(
        default=None,
        description="Region of the one central vault every region copies to (none: the same region).",
    )
    central_share_with_organization: bool = Field(
        default=False,
        description="Share an air-gapped central vault with the whole organization through AWS RAM"
        " (every account may restore every copy).",
    )
    central_recovery_accounts: list[str] = Field(
        default=[],
        description="Account ids an air-gapped central vault is shared with through AWS RAM, for"
        " restores (JSON list; default: nobody).",
    )
    central_mpa_enabled: bool | None = Field(
        default=None,
        description="AWS Backup global setting isMpaEnabled, as it is today (required with a central account).",
    )
    central_delegated_administrator_enabled: bool | None = Field(
        default=None,
        description="AWS Backup global setting isDelegatedAdministratorEnabled, as it is today (required with a central account).",
    )
    # Guardrails on member accounts (org_backup/coverage/guardrails.py)
    guardrails_enabled: bool = Field(
        default=False,
        description="Deny everyone but the deploy role deleting recovery points and changing"
        " org-backup's resources: a vault policy per vault and an SCP on the covered OUs.",
    )
    # Audit evidence: Backup Audit Manager, AWS Config, EFS automatic backups
    # (docs/audit-evidence.md)
    audit_frameworks_enabled: bool = Field(
        default=False,
        description="One AWS Backup Audit Manager framework per covered account-region, its"
        " controls and their parameters taken from the policy (AWS Config must record there).",
    )
    audit_reports_bucket: str | None = Field(
        default=None,
        description="S3 bucket the organization's Backup Audit Manager report plans (management"
        " account, shard 0) deliver to; none: no report plans.",
    )
    audit_reports_prefix: str = Field(
        default="org-backup",
        min_length=1,
        max_length=256,
        description="S3 key prefix of the reports: s3://<bucket>/<prefix>/Backup/<region>/...",
    )
    audit_reports_region: str | None = Field(
        default=None,
        description="Region of the report plans (default: first of regions).",
    )
    restore_testing_max_restore_minutes: int = Field(
        default=720,
        ge=1,
        description="Restore time target, in minutes, of the framework's restore time control"
        " (with restore testing on).",
    )
    check_config_recording: bool = Field(
        default=False,
        description="Look up AWS Config's recorder in every covered account-region during"
        " discover, synth and pulumi up (2 calls each), so the manifest says whether the"
        " frameworks can evaluate; off: only audit looks.",
    )
    efs_automatic_backups: EfsAutomaticBackups = Field(
        default="leave",
        description="EFS's own automatic backups of the tagged file systems: 'leave' them (audit"
        " reports each duplicate), 'accept' them (no finding), or 'disable' them (an EFS backup"
        " policy DISABLED per tagged file system; org-backup never turns them back on).",
    )
    rules: list[RuleSpec] = Field(
        default=[],
        description="Retention tiers: a JSON list of rules {name, schedule, delete_after_days, ...};"
        " empty: the one rule of the single-rule settings.",
    )
    min_delete_after_days: Days | None = Field(
        default=None,
        description="Floor on every rule's retention, copies included; no accounts/ file may go under it.",
    )
    copy_delete_after_days: Days | None = Field(
        default=None, description="Days a copy in the central vault is kept (none: the rule's)."
    )
    copy_cold_storage_after_days: Days | None = Field(
        default=None,
        description="Days before a copy moves to cold storage (none: the rule's, when copy_delete_after_days is unset).",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Environment first, then the stack config, which arrives as init arguments."""
        return env_settings, init_settings

    @field_validator("*", mode="before")
    @classmethod
    def _decode(cls, value: Any, info: ValidationInfo) -> Any:
        """Env vars and Pulumi config are strings: lists and maps arrive as JSON text."""
        return decode_setting(info.field_name or "", value)

    @field_validator("regions")
    @classmethod
    def _regions(cls, value: list[str]) -> list[str]:
        return check_regions(value)

    @field_validator("exclude_accounts", "alerts_muted_accounts", "central_recovery_accounts")
    @classmethod
    def _account_ids(cls, value: list[str]) -> list[str]:
        bad = [item for item in value if limits.check_account_id(str(item))]
        if bad:
            raise ValueError(f"{bad} {limits.check_account_id(bad[0])}")
        return value

    @field_validator("central_account_id")
    @classmethod
    def _central_account_id(cls, value: str | None) -> str | None:
        if value is not None and limits.check_account_id(value):
            raise ValueError(limits.check_account_id(value))
        return value

    @field_validator("central_region")
    @classmethod
    def _central_region(cls, value: str | None) -> str | None:
        if value is not None and limits.check_region(value):
            raise ValueError(f"{value} {limits.check_region(value)}")
        return value

    @field_validator("target_ous")
    @classmethod
    def _ou_ids(cls, value: list[str]) -> list[str]:
        bad = [item for item in value if not _OU_ID.match(item)]
        if bad:
            raise ValueError(
                f"{bad}: each must be a root id (r-xxxx) or an OU id (ou-xxxx-xxxxxxxx)"
            )
        return value

    @field_validator("discovery_role_arn")
    @classmethod
    def _role_arn(cls, value: str | None) -> str | None:
        if value is not None and not _ROLE_ARN.match(value):
            raise ValueError("must be an IAM role ARN, e.g. arn:aws:iam::123456789012:role/Name")
        return value

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: dict[str, str]) -> dict[str, str]:
        return check_tags(value)

    @field_validator("alert_emails")
    @classmethod
    def _emails(cls, value: list[str]) -> list[str]:
        bad = [address for address in value if limits.check_email(str(address))]
        if bad:
            raise ValueError(f"{bad[0]!r} {limits.check_email(str(bad[0]))}")
        return value

    @field_validator("audit_reports_bucket")
    @classmethod
    def _bucket(cls, value: str | None) -> str | None:
        if value is not None and limits.check_bucket_name(value):
            raise ValueError(limits.check_bucket_name(value))
        return value

    @field_validator("audit_reports_prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        if value.startswith("/") or value.endswith("/"):
            raise ValueError("must not begin or end with '/', e.g. org-backup")
        return value

    @field_validator("alerts_region", "audit_reports_region")
    @classmethod
    def _optional_region(cls, value: str | None) -> str | None:
        if value is not None and limits.check_region(value):
            raise ValueError(f"{value} {limits.check_region(value)}")
        return value

    @field_validator("alerts_bus_name")
    @classmethod
    def _bus_name(cls, value: str) -> str:
        message = limits.check_bus_name(value)
        if message:
            raise ValueError(message)
        return value

    def policy_defaults(self) -> dict[str, Any]:
        """The base that account files override (see `build_policy`): the policy's own fields,
        the single-rule fields, and what the organization imposes on every rule."""
        values = self.model_dump(
            include=(set(BackupPolicy.model_fields) - {"rules"}) | set(SINGLE_RULE_FIELDS)
        )
        values["organization"] = OrganizationRules(
            rule_name=self.rule_name,
            rules=tuple(self.rules),
            copy_delete_after_days=self.copy_delete_after_days,
            copy_cold_storage_after_days=self.copy_cold_storage_after_days,
            min_delete_after_days=self.min_delete_after_days,
            copy_range=self._copy_range(),
        )
        return values

    def _copy_range(self) -> tuple[int, int] | None:
        """The central vault's retention range that copies must fall in, if it enforces one."""
        low, high = self.central_vault_min_retention_days, self.central_vault_max_retention_days
        if self.central_account_id is None or (low is None and high is None):
            return None
        return limits.retention_range(low, high)


def check_regions(value: list[str]) -> list[str]:
    if not value:
        raise ValueError('must list at least one region, e.g. ["us-east-1"]')
    bad = [region for region in value if limits.check_region(region)]
    if bad:
        raise ValueError(f"{', '.join(bad)} {limits.check_region(bad[0])}")
    if len(set(value)) != len(value):
        raise ValueError("lists a region twice")
    return value


def check_tags(value: dict[str, str]) -> dict[str, str]:
    if len(value) > 40:
        raise ValueError("has more than 40 tags; AWS allows 50 per resource and keeps some")
    for key, tag_value in value.items():
        if not 1 <= len(key) <= 128 or key.startswith("aws:"):
            raise ValueError(f"tag key {key!r} must be 1 to 128 characters, not starting aws:")
        if len(tag_value) > 256:
            raise ValueError(f"tag {key!r} has a value longer than 256 characters")
    return value


# Settings parity with the Pulumi CLI: config values that remember their file
class StackConfig(dict[str, Any]):
    """Stack config values by field name, each remembering the file it came from (Pulumi.yaml's
    project config or Pulumi.<stack>.yaml, see config/pulumi_files.py), so that a message names
    the file to fix."""

    def __init__(
        self, values: Mapping[str, Any] | None = None, origins: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(values or {})
        self.origins = dict(origins or {})


def load_settings(
    stack_config: Mapping[str, Any] | None = None, stack_source: str = "Pulumi stack config"
) -> Settings:
    """Validate env and stack config into Settings; raise InputError listing every problem.

    `stack_source` names the stack config where a value does not say its own file (a
    `StackConfig` does).
    """
    origins = stack_config.origins if isinstance(stack_config, StackConfig) else {}
    stack_config = dict(stack_config or {})
    sources = _SourceNames(os.environ, stack_config, stack_source, origins)
    problems = [
        Problem(f"environment variable {name}", name, value, _unknown(name[len(ENV_PREFIX) :]))
        for name, value in os.environ.items()
        if name.upper().startswith(ENV_PREFIX)
        and name[len(ENV_PREFIX) :].lower() not in Settings.model_fields
        and name.upper() != STATE_EXPORT_VARIABLE
    ]
    problems += [
        Problem(origins.get(key, stack_source), f"{CONFIG_NAMESPACE}:{key}", value, _unknown(key))
        for key, value in stack_config.items()
        if key not in Settings.model_fields
    ]
    known = {key: value for key, value in stack_config.items() if key in Settings.model_fields}
    settings = None
    try:
        settings = Settings(**known)
    except ValidationError as error:
        problems += _located(problems_from_validation(error, "settings"), sources)
    if settings is not None:
        problems += _cross_field_problems(settings, sources)
    if problems:
        raise InputError(problems)
    assert settings is not None
    return settings


def alerting_problems(settings: Settings) -> list[tuple[str, Any, str]]:
    """Alerts need the central account: its event bus and topic live there."""
    if settings.alerts_enabled and settings.central_account_id is None:
        return [
            (
                "alerts_enabled",
                True,
                "needs central_account_id: the alerts' event bus and topic live in the central"
                " account",
            )
        ]
    return []


def central_problems(settings: Settings) -> list[tuple[str, Any, str]]:
    """The central account's settings that only make sense together: (field, value, message)."""
    found: list[tuple[str, Any, str]] = []
    low, high = settings.central_vault_min_retention_days, settings.central_vault_max_retention_days
    if settings.central_account_id is None:
        return found
    for field, key in (
        ("central_mpa_enabled", "isMpaEnabled"),
        ("central_delegated_administrator_enabled", "isDelegatedAdministratorEnabled"),
    ):
        if getattr(settings, field) is None:
            found.append(
                (
                    field,
                    MISSING,
                    f"is required with central_account_id: org-backup then manages AWS Backup's"
                    f" global settings, and sets {key} to this value; set it to the value the"
                    " management account has today (aws backup describe-global-settings), so"
                    " it is never flipped by accident",
                )
            )
    if settings.central_recovery_accounts and settings.central_share_with_organization:
        found.append(
            (
                "central_recovery_accounts",
                settings.central_recovery_accounts,
                "cannot be set with central_share_with_organization: true, which already shares"
                " the vault with every account; choose one",
            )
        )
    if settings.central_recovery_accounts and settings.central_vault_kind != "air-gapped":
        found.append(
            (
                "central_recovery_accounts",
                settings.central_recovery_accounts,
                "needs central_vault_kind air-gapped: only a logically air-gapped vault is"
                " shared through AWS RAM (restores from a standard central vault are made in"
                " the central account)",
            )
        )
    if settings.central_vault_kind == "air-gapped":
        for field, value in (
            ("central_vault_min_retention_days", low),
            ("central_vault_max_retention_days", high),
        ):
            if value is None:
                found.append(
                    (
                        field,
                        MISSING,
                        "is required for central_vault_kind air-gapped (AWS requires it)",
                    )
                )
        if low is not None and low < limits.AIR_GAPPED_MIN_RETENTION_DAYS:
            found.append(
                (
                    "central_vault_min_retention_days",
                    low,
                    f"must be at least {limits.AIR_GAPPED_MIN_RETENTION_DAYS} for an air-gapped vault",
                )
            )
    if low is not None and high is not None and low > high:
        found.append(
            (
                "central_vault_min_retention_days",
                low,
                f"must not exceed central_vault_max_retention_days ({high})",
            )
        )
    return found


def _located(problems: list[Problem], sources: _SourceNames) -> list[Problem]:
    """Point each problem at the env var or stack key its field came from."""
    return [
        Problem(sources.of(p.field.split(".")[0]), p.field, p.value, p.message) for p in problems
    ]


def _cross_field_problems(settings: Settings, sources: _SourceNames) -> list[Problem]:
    problems = []
    if settings.shard_index >= settings.shard_count:
        problems.append(
            Problem(
                sources.of("shard_index"),
                "shard_index",
                settings.shard_index,
                f"must be below shard_count ({settings.shard_count}): 0 to {settings.shard_count - 1}",
            )
        )
    problems += [
        Problem(sources.of(field), field, value, message)
        for field, value, message in alerting_problems(settings)
    ]
    problems += [
        Problem(sources.of(field), field, value, message)
        for field, value, message in central_problems(settings)
    ]
    _, policy_problems = build_policy(settings.policy_defaults(), None, "settings", "")
    return problems + _located(policy_problems, sources)


class _SourceNames:
    """Says where a field's value came from, so each message points at the right place."""

    def __init__(
        self,
        environ: Mapping[str, str],
        stack: Mapping[str, Any],
        stack_source: str,
        origins: Mapping[str, str],
    ):
        self._env = {name.upper() for name in environ}
        self._stack = stack
        self._stack_source = stack_source
        self._origins = origins

    def of(self, field: str) -> str:
        if ENV_PREFIX + field.upper() in self._env:
            return f"environment variable {ENV_PREFIX}{field.upper()}"
        if field in self._stack:
            return f"{self._origins.get(field, self._stack_source)} ({CONFIG_NAMESPACE}:{field})"
        return "settings (default)"


def closest_setting(name: str) -> str | None:
    """The setting `name` most likely means, if any is close."""
    close = difflib.get_close_matches(name.lower(), Settings.model_fields, n=1)
    return close[0] if close else None


def _unknown(name: str) -> str:
    close = closest_setting(name)
    hint = f"did you mean {close}?" if close else "see docs/settings.md"
    return f"unknown setting; {hint}"


def decode_setting(field: str, value: Any) -> Any:
    """Decode a string setting: JSON for lists and maps; empty means "not set" when optional.

    Pulumi.yaml can only declare a default of the field's own type, so optional fields are
    declared as strings defaulting to "".
    """
    info = Settings.model_fields.get(field)
    if info is None or not isinstance(value, str):
        return value
    if value == "" and _is_optional(info.annotation):
        return None
    if typing.get_origin(info.annotation) not in (list, dict):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError as error:
        raise ValueError(
            'is not valid JSON; write lists and maps as JSON, e.g. ["us-east-1"] or {"team": "ml"}'
        ) from error


def _is_optional(annotation: Any) -> bool:
    return type(None) in typing.get_args(annotation)
