"""`accounts/`: one YAML file per account, reviewed in a pull request.

Strict on purpose: an unknown key, an account id that is not a quoted string, or the same
account in two files is an error naming the file, because a typo must never fall back to a
default. An unquoted id is a number to YAML: PyYAML reads `004237524212` as the octal 578726026
and hands `016070343078` over as a string, while YAML 1.2 tools read both as decimal numbers, so
the id is checked on the node as written, before any value is made of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from org_backup.aws_rules import limits
from org_backup.config.policy import BackupPolicy, PolicyOverrides, RoleName, build_policy
from org_backup.config.settings import check_regions, check_tags
from org_backup.config.yaml_files import read_yaml_node
from org_backup.errors import MISSING, InputError, Problem, problems_from_validation

SUFFIXES = (".yaml", ".yml")


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


def account_file_paths(directory: Path) -> list[Path]:
    """The account files of `directory`: every `*.yaml`/`*.yml` not starting with `_`."""
    return sorted(
        path
        for path in directory.iterdir()
        if path.suffix in SUFFIXES and not path.name.startswith("_") and path.is_file()
    )


def load_account_files(
    directory: Path, policy_defaults: dict[str, Any] | None
) -> list[LoadedAccount]:
    """Read every account file of `directory`; raise InputError listing all problems.

    Without `policy_defaults` (invalid settings) only each file's own fields are checked.
    """
    if not directory.is_dir():
        message = (
            "is a file, not a directory; pass the directory that holds the account files"
            if directory.exists()
            else "does not exist; pass --accounts-dir or create it"
        )
        raise InputError([Problem(str(directory), "--accounts-dir", MISSING, message)])
    problems: list[Problem] = []
    loaded: list[LoadedAccount] = []
    seen: dict[str, str] = {}
    for path in account_file_paths(directory):
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
        document, node = read_yaml_node(path)
    except InputError as error:
        return None, error.problems
    if not isinstance(document, dict):
        return None, [
            Problem(source, "(document)", document, "must be a mapping with at least account_id")
        ]
    unquoted = _unquoted_account_id(node)
    if unquoted is not None:
        return None, [
            Problem(
                source,
                "account_id",
                MISSING,
                f'{unquoted} must be quoted: write account_id: "{unquoted}" (unquoted, YAML'
                " reads an id as a number, and a leading zero is lost or read as octal)",
            )
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


def _unquoted_account_id(node: yaml.Node | None) -> str | None:
    """The text of a top-level `account_id` written as a plain (unquoted) scalar, else None."""
    if not isinstance(node, yaml.MappingNode):
        return None
    for key, value in node.value:
        if (
            isinstance(key, yaml.ScalarNode)
            and key.value == "account_id"
            and isinstance(value, yaml.ScalarNode)
            and value.style not in ("'", '"')
            and value.tag != "tag:yaml.org,2002:null"
        ):
            return value.value
    return None


class _QuotedStr(str):
    """A string the dumper always writes in double quotes."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(
    _QuotedStr, lambda dumper, text: dumper.represent_scalar("tag:yaml.org,2002:str", text, '"')
)


def dump_account_file(document: Mapping[str, Any]) -> str:
    """An account file's YAML, keys in the given order, `account_id` always double-quoted, so
    the file is one this loader (and every YAML 1.2 tool) reads as a string."""
    quoted = {
        key: _QuotedStr(value) if key == "account_id" else value for key, value in document.items()
    }
    return yaml.dump(quoted, Dumper=_Dumper, sort_keys=False, allow_unicode=True)
