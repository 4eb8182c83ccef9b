"""`accounts add | list | validate`: the per-account files of `accounts/`.

`add` onboards one member account: the name comes from the organization, so the file's `name`
guard is right from the start; the file is checked as `discover` checks files, written with the
id quoted (the loader refuses an unquoted one) and never over another file, and the account's
`discover` line is printed from the same planning code. `list` and `validate` read the files
offline, as a pull request's check would; `validate --org` also checks them against the
organization.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import boto3
from pydantic import ValidationError

from org_backup.aws.sessions import caller_session
from org_backup.commands import exit_codes
from org_backup.commands.discover import render_table
from org_backup.commands.discover_filters import account_id
from org_backup.commands.options import (
    accounts_dir_of,
    add_accounts_dir,
    add_stack,
    checked_regions,
    comma_list,
    flat,
    quiet,
    settings_inputs,
)
from org_backup.commands.output import (
    STDOUT,
    command_line_problem,
    write_atomic,
    write_output,
)
from org_backup.config.account_files import (
    AccountFile,
    LoadedAccount,
    dump_account_file,
    load_account_files,
)
from org_backup.config.policy import build_policy
from org_backup.coverage.pipeline import discover_and_cover, load_inputs
from org_backup.coverage.resolve import file_drift
from org_backup.errors import InputError, Problem, problems_from_validation
from org_backup.organization.discovery import OrgAccount, OrgInventory, discover_organization

HEADER = (
    "# Written by `org-backup accounts add`; fields: accounts/README.md.\n"
    "# `name` must stay the account's name in the organization.\n"
)
_ACCOUNT_ID = re.compile(r"^\d{12}$")
_ID_IN_REGIONS = "account_id_in_regions"


class _RegionsOrId(argparse.Action):
    """`--regions R ...` (nargs='+'), which would swallow the positional id that follows it: a
    12-digit value is the account id (no region name is 12 digits)."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        regions = list(getattr(namespace, self.dest) or [])
        for value in values:
            if _ACCOUNT_ID.match(value) and getattr(namespace, _ID_IN_REGIONS, None) is None:
                # Kept apart: argparse sets the absent positional to None after this runs.
                setattr(namespace, _ID_IN_REGIONS, account_id(value))
            else:
                regions.append(comma_list(value))
        setattr(namespace, self.dest, regions)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "accounts",
        help="add, list or validate the per-account files of accounts/",
        description="The per-account files of accounts/ (fields: accounts/README.md).",
        epilog=exit_codes.epilog(
            {
                exit_codes.OK: "done",
                exit_codes.INPUT: exit_codes.INVALID_INPUT,
                exit_codes.AWS: "add, validate --org: " + exit_codes.AWS_FAILED,
            }
        ),
    )
    commands = parser.add_subparsers(dest="subcommand", required=True, metavar="COMMAND")
    _register_add(commands)
    _register_list(commands)
    _register_validate(commands)


def _register_add(commands: argparse._SubParsersAction) -> None:
    add = commands.add_parser(
        "add",
        help="write accounts/<name>.yaml for an ACTIVE member account",
        description="Look the account up in the organization, write a validated"
        " accounts/<name>.yaml (name from the organization) and print its discover line."
        " An existing file is never overwritten.",
        epilog=exit_codes.epilog(
            {
                exit_codes.OK: "the file is written",
                exit_codes.INPUT: exit_codes.INVALID_INPUT
                + "; also an account that is not an ACTIVE member, or that has a file already",
                exit_codes.AWS: exit_codes.AWS_FAILED,
            }
        ),
    )
    add.add_argument("account_id", nargs="?", type=account_id, metavar="ACCOUNT_ID")
    add.add_argument(
        "-r",
        "--region",
        dest="regions",
        action="extend",
        nargs=1,
        type=comma_list,
        metavar="R",
        help="one of the account's regions (repeat, or a comma list; default: the setting)",
    )
    add.add_argument(
        "--regions",
        dest="regions",
        action=_RegionsOrId,
        nargs="+",
        metavar="R",
        help="the account's regions, as a list (the same as -r)",
    )
    add_accounts_dir(add)
    add_stack(add)
    add.set_defaults(run=run_add)


def _register_list(commands: argparse._SubParsersAction) -> None:
    listing = commands.add_parser(
        "list",
        help="one line per account file: id, name, regions, overrides (offline)",
        description="Read every account file (offline) and list what each one sets.",
        epilog=exit_codes.epilog(
            {exit_codes.OK: "the listing is written", exit_codes.INPUT: exit_codes.INVALID_INPUT}
        ),
    )
    add_accounts_dir(listing)
    listing.add_argument("-f", "--format", choices=("table", "json"), default="table")
    listing.add_argument("-o", "--out", default=STDOUT, metavar="FILE", help="default: stdout")
    listing.set_defaults(run=run_list)


def _register_validate(commands: argparse._SubParsersAction) -> None:
    validate = commands.add_parser(
        "validate",
        help="check every account file with the stack's settings (a pull request's check)",
        description="Check every account file as discover and pulumi up read it: its fields,"
        " its policy merged with the stack's settings, one file per account. Offline unless"
        " --org. Nothing is written.",
        epilog=exit_codes.epilog(
            {
                exit_codes.OK: "every file is valid",
                exit_codes.INPUT: exit_codes.INVALID_INPUT
                + "; with --org also a file that does not match the organization",
                exit_codes.AWS: "--org: " + exit_codes.AWS_FAILED,
            }
        ),
    )
    add_accounts_dir(validate)
    add_stack(validate)
    validate.add_argument(
        "--org",
        action="store_true",
        help="also check each file against the organization (management credentials): an"
        " ACTIVE member, its name, not the management account",
    )
    validate.set_defaults(run=run_validate)


def run_add(args: argparse.Namespace) -> int:
    wanted = args.account_id or getattr(args, _ID_IN_REGIONS, None)
    if wanted is None:
        raise InputError([command_line_problem("ACCOUNT_ID", "", "is required")])
    regions = checked_regions("--region", flat(args.regions)) if args.regions else None
    inputs = settings_inputs(args)
    settings, files = load_inputs(inputs.accounts_dir, inputs.config, inputs.source, inputs.stack)
    for loaded in files:
        if loaded.spec.account_id == wanted:
            raise InputError(
                [Problem(loaded.source, "account_id", wanted, "already has this file")]
            )
    session = caller_session(boto3.Session())
    inventory = discover_organization(session)
    member = _active_member(inventory.by_id().get(wanted), wanted, inventory)
    path = inputs.accounts_dir / f"{file_stem(member.name)}.yaml"
    document: dict[str, Any] = {"account_id": member.id, "name": member.name}
    if regions:
        document["regions"] = regions
    loaded = _validated(path, document, settings.policy_defaults())
    # Only this account is planned (as if listed alone, in one shard), with the real settings.
    alone = settings.model_copy(
        update={"account_selection": "listed", "shard_count": 1, "shard_index": 0}
    )
    coverage = discover_and_cover(alone, [loaded], session)
    coverage = coverage.model_copy(
        update={"accounts": tuple(a for a in coverage.accounts if a.account_id == member.id)}
    )
    write_atomic(path, HEADER + dump_account_file(document), overwrite=False)
    if not quiet(args):
        print(f"wrote {path}", file=sys.stderr)
    sys.stdout.write(render_table(coverage))
    return 0


def run_list(args: argparse.Namespace) -> int:
    directory = accounts_dir_of(args)
    files = load_account_files(directory, None)
    rows = [_listed(loaded) for loaded in files]
    text = json.dumps(rows, indent=2) + "\n" if args.format == "json" else _table(rows)
    write_output(args.out, text)
    return 0


def run_validate(args: argparse.Namespace) -> int:
    inputs = settings_inputs(args)
    settings, files = load_inputs(inputs.accounts_dir, inputs.config, inputs.source, inputs.stack)
    if args.org:
        inventory = discover_organization(caller_session(boto3.Session()))
        problems = list(file_drift(files, inventory).warnings)
        if not settings.include_management_account:
            problems += _management_files(files, inventory)
        if problems:
            raise InputError(problems)
    if not quiet(args):
        checked = "checked against the organization" if args.org else "offline"
        print(
            f"accounts validate: {len(files)} file{'' if len(files) == 1 else 's'} valid"
            f" ({checked})",
            file=sys.stderr,
        )
    return 0


def file_stem(name: str) -> str:
    """A file name from an account name: lower case, runs of other characters as one '-'."""
    return re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-.") or "account"


def _listed(loaded: LoadedAccount) -> dict[str, Any]:
    spec = loaded.spec
    overrides = spec.backup.model_dump(exclude_unset=True) if spec.backup else {}
    return {
        "file": loaded.source,
        "account_id": spec.account_id,
        "name": spec.name,
        "enabled": spec.enabled,
        "regions": spec.regions,
        "backup": sorted(overrides),
    }


def _table(rows: list[dict[str, Any]]) -> str:
    header = ("FILE", "ACCOUNT_ID", "NAME", "ENABLED", "REGIONS", "OVERRIDES")
    cells = [
        (
            row["file"],
            row["account_id"],
            row["name"] or "-",
            "yes" if row["enabled"] else "no",
            ",".join(row["regions"]) if row["regions"] is not None else "(setting)",
            ",".join(f"backup.{key}" for key in row["backup"]) or "-",
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in [header, *cells]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in [header, *cells]
    ]
    lines.append(f"{len(rows)} account file{'' if len(rows) == 1 else 's'}")
    return "\n".join(lines) + "\n"


def _management_files(files: list[LoadedAccount], inventory: OrgInventory) -> list[Problem]:
    return [
        Problem(
            loaded.source,
            "account_id",
            loaded.spec.account_id,
            "is the management account, which is covered only with include_management_account",
        )
        for loaded in files
        if loaded.spec.account_id == inventory.management_account_id
    ]


def _active_member(member: OrgAccount | None, wanted: str, inventory: OrgInventory) -> OrgAccount:
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
    raise InputError([command_line_problem("ACCOUNT_ID", wanted, message)])


def _validated(path: Path, document: dict[str, Any], defaults: dict[str, Any]) -> LoadedAccount:
    """The file as `discover` will read it: the same model and policy merge."""
    try:
        spec = AccountFile.model_validate(document)
    except ValidationError as error:
        raise InputError(
            [
                command_line_problem(f"--{p.field}", p.value, p.message)
                for p in problems_from_validation(error, str(path))
            ]
        ) from None
    policy, problems = build_policy(defaults, spec.backup, str(path), "backup.")
    if policy is None:
        raise InputError(problems)
    return LoadedAccount(source=str(path), spec=spec, policy=policy)
