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
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from org_backup.config import limits
from org_backup.config.policy import (
    BackupName,
    BackupPolicy,
    ChangeableDays,
    CompletionWindow,
    Days,
    KmsKeyTemplate,
    PolicyOverrides,
    RoleName,
    Schedule,
    StartWindow,
    TagKey,
    TagValue,
    Timezone,
    VaultName,
)
from org_backup.errors import MISSING, InputError, Problem, problems_from_validation

ENV_PREFIX = "ORG_BACKUP_"
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
    exclude_accounts: list[str] = Field(default=[], description="Account ids never to touch.")
    include_management_account: bool = Field(
        default=False, description="Also cover the management account."
    )
    account_selection: Literal["all", "listed"] = Field(
        default="all", description="'listed' covers only accounts that have a file in accounts/."
    )
    discovery_role_arn: str | None = Field(
        default=None,
        description="Role to assume for Organizations discovery (e.g. in a delegated admin).",
    )
    deploy_role_name: RoleName = Field(
        default="OrganizationAccountAccessRole",
        description="Role assumed in each member account to deploy.",
    )
    deploy_role_external_id: str | None = Field(
        default=None, description="External id for assuming the deploy role."
    )
    check_deploy_roles: bool = Field(
        default=False,
        description="Assume every deploy role during discovery; skip accounts where it fails.",
    )
    max_workers: int = Field(default=8, ge=1, le=64, description="Concurrent per-account lookups.")
    tags: dict[str, str] = Field(
        default={}, description="Tags on every resource (JSON object; accounts/ files add theirs)."
    )
    shard_count: int = Field(
        default=1, ge=1, le=1000, description="Number of stacks the organization is split into."
    )
    shard_index: int = Field(default=0, ge=0, description="This stack's shard, 0-based.")

    # Safety (issue 8): the removal guard against the previous state
    max_accounts_removed: int = Field(
        default=3,
        ge=0,
        description="Most accounts one run of this stack may stop covering vs. its previous state.",
    )

    # Names (organization-wide, so that audits can find every resource)
    vault_name: VaultName = Field(default="org-backup-ai", description="Backup vault name.")
    plan_name: BackupName = Field(default="org-backup-ai", description="Backup plan name.")
    rule_name: BackupName = Field(default="daily", description="Name of the plan's rule.")
    selection_name: BackupName = Field(
        default="ai-efs-tagged", description="Name of the plan's resource selection."
    )
    backup_role_name: RoleName = Field(
        default="OrgBackupServiceRole", description="IAM role AWS Backup uses in each account."
    )

    # The default policy; an accounts/ file may override these (see PolicyOverrides)
    schedule: Schedule = Field(
        default="cron(0 5 * * ? *)", description="EventBridge cron expression of the backup rule."
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
    delete_after_days: Days = Field(default=90, description="Days a recovery point is kept.")
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
        description="KMS key ARN for vaults; may use {partition}, {region} and {account_id}.",
    )
    vault_lock_min_retention_days: Days | None = Field(
        default=None, description="Vault Lock minimum retention (enables the lock)."
    )
    vault_lock_max_retention_days: Days | None = Field(
        default=None, description="Vault Lock maximum retention (enables the lock)."
    )
    vault_lock_changeable_for_days: ChangeableDays | None = Field(
        default=None,
        description="Compliance mode: days until the lock becomes immutable (at least 3).",
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

    @field_validator("exclude_accounts")
    @classmethod
    def _account_ids(cls, value: list[str]) -> list[str]:
        bad = [item for item in value if limits.check_account_id(str(item))]
        if bad:
            raise ValueError(f"{bad} {limits.check_account_id(bad[0])}")
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

    def policy_defaults(self) -> dict[str, Any]:
        """The fields of BackupPolicy, as the base that account files override."""
        return self.model_dump(include=set(BackupPolicy.model_fields))


POLICY_FIELDS = frozenset(PolicyOverrides.model_fields)


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


def load_settings(
    stack_config: Mapping[str, Any] | None = None, stack_source: str = "Pulumi stack config"
) -> Settings:
    """Validate env and stack config into Settings; raise InputError listing every problem."""
    stack_config = dict(stack_config or {})
    sources = _SourceNames(os.environ, stack_config, stack_source)
    problems = [
        Problem(f"environment variable {name}", name, value, _unknown(name[len(ENV_PREFIX) :]))
        for name, value in os.environ.items()
        if name.upper().startswith(ENV_PREFIX)
        and name[len(ENV_PREFIX) :].lower() not in Settings.model_fields
    ]
    problems += [
        Problem(stack_source, f"{CONFIG_NAMESPACE}:{key}", value, _unknown(key))
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
    try:
        policy = BackupPolicy.model_validate(settings.policy_defaults())
    except ValidationError as error:
        return problems + _located(problems_from_validation(error, "settings"), sources)
    return problems + _located(policy.rule_problems("settings"), sources)


class _SourceNames:
    """Says where a field's value came from, so each message points at the right place."""

    def __init__(self, environ: Mapping[str, str], stack: Mapping[str, Any], stack_source: str):
        self._env = {name.upper() for name in environ}
        self._stack = stack
        self._stack_source = stack_source

    def of(self, field: str) -> str:
        if ENV_PREFIX + field.upper() in self._env:
            return f"environment variable {ENV_PREFIX}{field.upper()}"
        if field in self._stack:
            return f"{self._stack_source} ({CONFIG_NAMESPACE}:{field})"
        return "settings (default)"


def _unknown(name: str) -> str:
    close = difflib.get_close_matches(name.lower(), Settings.model_fields, n=1)
    hint = f"did you mean {close[0]}?" if close else "see README.md, Settings"
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


def read_stack_file(path: Path) -> dict[str, Any]:
    """The `org-backup:*` values of a `Pulumi.<stack>.yaml`, keyed by field name."""
    try:
        document = yaml.safe_load(path.read_text()) or {}
    except OSError as error:
        raise InputError(
            [Problem(str(path), "(file)", MISSING, f"cannot be read: {error}")]
        ) from error
    except yaml.YAMLError as error:
        raise InputError(
            [Problem(str(path), "(file)", MISSING, f"is not valid YAML: {error}")]
        ) from error
    config = document.get("config") if isinstance(document, dict) else None
    if config is None:
        return {}
    if not isinstance(config, dict):
        raise InputError(
            [Problem(str(path), "config", config, "must be a mapping of keys to values")]
        )
    prefix = CONFIG_NAMESPACE + ":"
    values = {key[len(prefix) :]: value for key, value in config.items() if key.startswith(prefix)}
    secrets = [
        Problem(
            str(path),
            f"{prefix}{key}",
            "secure: ...",
            f"is a Pulumi secret, which only the Pulumi CLI can decrypt; for synth set"
            f" {ENV_PREFIX}{key.upper()} instead",
        )
        for key, value in values.items()
        if _is_secret(value) and ENV_PREFIX + key.upper() not in os.environ
    ]
    if secrets:
        raise InputError(secrets)
    return {key: value for key, value in values.items() if not _is_secret(value)}


def _is_secret(value: Any) -> bool:
    return isinstance(value, dict) and "secure" in value


def stack_config_from_pulumi() -> dict[str, Any]:
    """Inside a Pulumi program: every `org-backup:*` key of the stack, by field name."""
    from pulumi.runtime.config import CONFIG

    prefix = CONFIG_NAMESPACE + ":"
    return {
        key[len(prefix) :]: value for key, value in CONFIG.get().items() if key.startswith(prefix)
    }
