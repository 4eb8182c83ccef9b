"""`accounts add`: onboard one member account with a validated `accounts/<name>.yaml`.

The name comes from the organization, so the file's `name` guard is right from the start; the
file is checked as `discover` checks files, and the account's `discover` line is printed from
the same planning code. An existing file is never overwritten.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import boto3
import yaml
from pydantic import ValidationError

from org_backup.aws.sessions import caller_session
from org_backup.commands.discover import render_table
from org_backup.commands.discover_filters import account_id
from org_backup.commands.options import add_accounts_dir, add_stack, stack_config
from org_backup.config.account_files import AccountFile, LoadedAccount
from org_backup.config.policy import build_policy
from org_backup.coverage.pipeline import discover_and_cover, load_inputs
from org_backup.errors import MISSING, InputError, Problem, problems_from_validation
from org_backup.organization.discovery import OrgAccount, discover_organization

HEADER = (
    "# Written by `python -m org_backup accounts add`; fields: accounts/README.md.\n"
    "# `name` must stay the account's name in the organization.\n"
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("accounts", help="manage the per-account files of accounts/")
    commands = parser.add_subparsers(dest="accounts_command", required=True)
    add = commands.add_parser(
        "add",
        help="write accounts/<name>.yaml for an ACTIVE member account",
        description="Look the account up in the organization, write a validated"
        " accounts/<name>.yaml (name from the organization) and print its discover line."
        " An existing file is never overwritten.",
    )
    add.add_argument("account_id", type=account_id, metavar="ACCOUNT_ID")
    add.add_argument(
        "--regions", nargs="+", metavar="R", help="the account's regions (default: the setting)"
    )
    add_accounts_dir(add)
    add_stack(add)
    add.set_defaults(run=run_add)


def run_add(args: argparse.Namespace) -> int:
    config, source = stack_config(args)
    settings, files = load_inputs(args.accounts_dir, config, source, args.stack)
    for loaded in files:
        if loaded.spec.account_id == args.account_id:
            raise InputError(
                [Problem(loaded.source, "account_id", args.account_id, "already has this file")]
            )
    session = caller_session(boto3.Session())
    inventory = discover_organization(session)
    member = _active_member(inventory.by_id().get(args.account_id), args.account_id, inventory)
    path = args.accounts_dir / f"{file_stem(member.name)}.yaml"
    document: dict[str, Any] = {"account_id": member.id, "name": member.name}
    if args.regions:
        document["regions"] = args.regions
    loaded = _validated(path, document, settings.policy_defaults())
    # Only this account is planned (as if listed alone, in one shard), with the real settings.
    alone = settings.model_copy(
        update={"account_selection": "listed", "shard_count": 1, "shard_index": 0}
    )
    coverage = discover_and_cover(alone, [loaded], session)
    coverage = coverage.model_copy(
        update={"accounts": tuple(a for a in coverage.accounts if a.account_id == member.id)}
    )
    _write_new(path, HEADER + yaml.safe_dump(document, sort_keys=False, default_style=None))
    print(f"wrote {path}", file=sys.stderr)
    sys.stdout.write(render_table(coverage))
    return 0


def file_stem(name: str) -> str:
    """A file name from an account name: lower case, runs of other characters as one '-'."""
    return re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-.") or "account"


def _active_member(member: OrgAccount | None, wanted: str, inventory) -> OrgAccount:
    if member is None:
        message = f"is not an account of organization {inventory.organization_id}"
    elif member.state != "ACTIVE":
        message = f"is {member.state} in the organization; only ACTIVE accounts can be added"
    elif member.id == inventory.management_account_id:
        message = (
            "is the management account; it is covered only with include_management_account,"
            " which needs no file"
        )
    else:
        return member
    raise InputError([Problem("command line", "ACCOUNT_ID", wanted, message)])


def _validated(path: Path, document: dict[str, Any], defaults: dict[str, Any]) -> LoadedAccount:
    """The file as `discover` will read it: the same model and policy merge."""
    try:
        spec = AccountFile.model_validate(document)
    except ValidationError as error:
        raise InputError(
            [
                Problem("command line", f"--{p.field}", p.value, p.message)
                for p in problems_from_validation(error, str(path))
            ]
        ) from None
    policy, problems = build_policy(defaults, spec.backup, str(path), "backup.")
    if policy is None:
        raise InputError(problems)
    return LoadedAccount(source=str(path), spec=spec, policy=policy)


def _write_new(path: Path, text: str) -> None:
    try:
        with open(path, "x", encoding="utf-8") as file:
            file.write(text)
    except FileExistsError:
        raise InputError(
            [Problem(str(path), "(file)", path.name, "already exists; it is never overwritten")]
        ) from None
    except OSError as error:
        raise InputError(
            [Problem(str(path), "(file)", MISSING, f"cannot be written: {error}")]
        ) from None
