"""`accounts/`: one YAML file per account, reviewed in a pull request.

Strict on purpose: an unknown key, a number where an account id belongs, or the same account in
two files is an error naming the file, because a typo must never fall back to a default.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from org_backup.aws_rules import limits
from org_backup.config.policy import BackupPolicy, PolicyOverrides, RoleName, build_policy
from org_backup.config.settings import check_regions, check_tags
from org_backup.errors import MISSING, InputError, Problem, problems_from_validation


class AccountFile(BaseModel):
    """The fields of an `accounts/*.yaml` file (documented in accounts/README.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    account_id: str
    name: str | None = None
    enabled: bool = True
    regions: list[str] | None = None
    deploy_role_name: RoleName | None = None
    deploy_role_external_id: str | None = None
    tags: dict[str, str] = {}
    backup: PolicyOverrides | None = None

    @field_validator("account_id", mode="before")
    @classmethod
    def _account_id(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            digits = len(str(value))
            lost = (
                f"; as a number it has {digits} digits, so a leading zero was lost"
                if digits < 12
                else ""
            )
            raise ValueError(
                f"is a YAML number{lost}; write the account id as a quoted string,"
                f' e.g. account_id: "{value:012d}"'
            )
        if isinstance(value, str) and limits.check_account_id(value):
            raise ValueError(limits.check_account_id(value))
        return value

    @field_validator("regions")
    @classmethod
    def _regions(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        return check_regions(value)

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: dict[str, str]) -> dict[str, str]:
        return check_tags(value)


@dataclass(frozen=True)
class LoadedAccount:
    """A validated account file, with its effective policy merged and checked.

    `policy` is None only when the settings were invalid, so there was nothing to merge with;
    the caller reports the settings' problems and stops.
    """

    source: str
    spec: AccountFile
    policy: BackupPolicy | None


def load_account_files(
    directory: Path, policy_defaults: dict[str, Any] | None
) -> list[LoadedAccount]:
    """Read every `*.yaml`/`*.yml` not starting with `_`; raise InputError listing all problems.

    Without `policy_defaults` (invalid settings) only each file's own fields are checked.
    """
    if not directory.is_dir():
        raise InputError(
            [
                Problem(
                    str(directory),
                    "(directory)",
                    MISSING,
                    "does not exist; pass --accounts-dir or create it",
                )
            ]
        )
    problems: list[Problem] = []
    loaded: list[LoadedAccount] = []
    seen: dict[str, str] = {}
    paths = sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml"))
    for path in paths:
        if path.name.startswith("_") or not path.is_file():
            continue
        account, file_problems = _load_one(path, policy_defaults)
        problems += file_problems
        if account is None:
            continue
        account_id = account.spec.account_id
        if account_id in seen:
            problems.append(
                Problem(
                    account.source,
                    "account_id",
                    account_id,
                    f"is already configured in {seen[account_id]}; keep one file per account",
                )
            )
            continue
        seen[account_id] = account.source
        loaded.append(account)
    if problems:
        raise InputError(problems)
    return loaded


def _load_one(
    path: Path, policy_defaults: dict[str, Any] | None
) -> tuple[LoadedAccount | None, list[Problem]]:
    source = str(path)
    try:
        document = yaml.safe_load(path.read_text())
    except OSError as error:
        return None, [Problem(source, "(file)", MISSING, f"cannot be read: {error}")]
    except yaml.YAMLError as error:
        return None, [Problem(source, "(file)", MISSING, f"is not valid YAML: {error}")]
    if not isinstance(document, dict):
        return None, [
            Problem(source, "(document)", document, "must be a mapping with at least account_id")
        ]
    try:
        spec = AccountFile.model_validate(document)
    except ValidationError as error:
        return None, problems_from_validation(error, source)
    if policy_defaults is None:
        return LoadedAccount(source=source, spec=spec, policy=None), []
    policy, problems = build_policy(policy_defaults, spec.backup, source, "backup.")
    if policy is None:
        return None, problems
    return LoadedAccount(source=source, spec=spec, policy=policy), []
