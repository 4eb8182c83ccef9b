"""`stacks [list] | sync | check`: the stacks of one deployment, from its base stack's
`shard_count`.

Shard 0 is the base stack (`prod`), shard i is `prod-shard-<i>`. `list --json` is CI's job
matrix, `sync` writes every sibling's file from the base's, and `check` (CI's lint) fails when a
sibling is missing, differs from what sync would write, or is left over from a larger count.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

import yaml

from org_backup.commands import exit_codes
from org_backup.commands.options import quiet
from org_backup.commands.output import STDOUT, command_line_problem, write_atomic, write_output
from org_backup.config.pulumi_files import (
    choose_stack,
    find_project,
    stack_config,
    stack_file,
    stack_file_document,
    stack_names,
)
from org_backup.config.settings import CONFIG_NAMESPACE, load_settings
from org_backup.config.stack_siblings import header, missing_secrets, sibling_document
from org_backup.errors import InputError, Problem
from org_backup.organization.sharding import shard_stack_names, shard_stack_stem


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "stacks",
        help="the shard stacks of a deployment: list, write (sync) or check their files",
        description="The stacks of the deployment whose base stack is -s BASE (default:"
        " $PULUMI_STACK): the base is shard 0, shard i is BASE-shard-<i>, as many as the"
        " base's shard_count. Without a subcommand: list them.",
        epilog=exit_codes.epilog(
            {
                exit_codes.OK: "done",
                exit_codes.INPUT: exit_codes.INVALID_INPUT
                + "; check: a sibling stack file missing, different or left over",
            }
        ),
    )
    _add_base(parser, argparse.SUPPRESS)
    _add_format(parser)
    parser.set_defaults(run=run_list)
    commands = parser.add_subparsers(dest="subcommand", metavar="COMMAND")
    listing = commands.add_parser("list", help="the stacks, their shard and file (the default)")
    _add_base(listing, argparse.SUPPRESS)
    _add_format(listing)
    listing.set_defaults(run=run_list)
    sync = commands.add_parser(
        "sync", help="write every shard stack's file from the base stack's file"
    )
    _add_base(sync, argparse.SUPPRESS)
    sync.set_defaults(run=run_sync)
    check = commands.add_parser(
        "check", help="exit 2 when a shard stack's file is missing, differs or is left over"
    )
    _add_base(check, argparse.SUPPRESS)
    check.set_defaults(run=run_check)


def _add_base(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "-s",
        "--stack",
        metavar="BASE",
        default=default,
        help="the base stack (shard 0) whose file has shard_count (default: $PULUMI_STACK)",
    )


def _add_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-f",
        "--format",
        choices=("table", "json"),
        default=argparse.SUPPRESS,
        help="table (default), or json: the stack names, CI's job matrix",
    )
    parser.add_argument(
        "--json",
        dest="format",
        action="store_const",
        const="json",
        default=argparse.SUPPRESS,
        help="the same as -f json",
    )


class _Deployment:
    """The base stack, its file, and the stack names its shard_count makes."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.project = Path(os.path.relpath(find_project(Path.cwd())))
        chosen = choose_stack(getattr(args, "stack", None), os.environ, self.project)
        if chosen.name is None:
            raise InputError(
                [
                    command_line_problem(
                        "--stack", "", "name the base stack: -s BASE or PULUMI_STACK"
                    )
                ]
            )
        self.base = chosen.name
        self.base_file = stack_file(self.base, self.project)
        config, source = stack_config(self.base, self.project)
        settings = load_settings(config, source)
        if settings.shard_index != 0:
            raise InputError(
                [
                    Problem(
                        str(self.base_file),
                        f"{CONFIG_NAMESPACE}:shard_index",
                        settings.shard_index,
                        "the base stack is shard 0; pass the base stack with -s",
                    )
                ]
            )
        self.names = shard_stack_names(self.base, settings.shard_count)

    def file(self, name: str) -> Path:
        return stack_file(name, self.project)

    def expected(self, index: int) -> tuple[dict, dict | None]:
        """Shard `index`'s document as sync writes it, and the file's current one (or None)."""
        path = self.file(self.names[index])
        existing = stack_file_document(path) if path.is_file() else None
        return sibling_document(stack_file_document(self.base_file), index, existing), existing

    def left_over(self) -> list[str]:
        """Stack files named like a shard of this base beyond its shard_count."""
        pattern = re.compile(re.escape(shard_stack_stem(self.base)) + r"\d+$")
        return [
            name
            for name in stack_names(self.project)
            if pattern.match(name) and name not in self.names
        ]


def run_list(args: argparse.Namespace) -> int:
    deployment = _Deployment(args)
    if getattr(args, "format", "table") == "json":
        write_output(STDOUT, json.dumps(deployment.names) + "\n")
        return 0
    rows = [("STACK", "SHARD", "FILE")]
    for index, name in enumerate(deployment.names):
        path = deployment.file(name)
        rows.append((name, str(index), str(path) + ("" if path.is_file() else " (missing)")))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    write_output(STDOUT, "\n".join(lines) + "\n")
    return 0


def run_sync(args: argparse.Namespace) -> int:
    deployment = _Deployment(args)
    base = stack_file_document(deployment.base_file)
    for index, name in enumerate(deployment.names[1:], start=1):
        document, existing = deployment.expected(index)
        path = deployment.file(name)
        if document == existing:
            continue
        text = header(deployment.base_file.name) + yaml.safe_dump(document, sort_keys=False)
        write_atomic(path, text)
        if not quiet(args):
            print(f"wrote {path}", file=sys.stderr)
        for key in missing_secrets(base, document):
            print(
                f"{path}: {key} is a secret of {deployment.base_file.name}, and secrets are"
                f" encrypted per stack: pulumi config set --secret -s {name} {key} ...",
                file=sys.stderr,
            )
    for name in deployment.left_over():
        print(
            f"{deployment.file(name)}: stack {name} is beyond shard_count; move its accounts"
            f" (org-backup reshard) before pulumi stack rm {name}",
            file=sys.stderr,
        )
    return 0


def run_check(args: argparse.Namespace) -> int:
    deployment = _Deployment(args)
    problems = []
    for index, name in enumerate(deployment.names[1:], start=1):
        document, existing = deployment.expected(index)
        path = str(deployment.file(name))
        if existing is None:
            problems.append(Problem(path, "(file)", name, "is missing; run org-backup stacks sync"))
        elif existing != document:
            problems.append(
                Problem(
                    path,
                    "(file)",
                    name,
                    f"differs from what {deployment.base_file.name} makes it; run org-backup"
                    f" stacks sync -s {deployment.base}",
                )
            )
    problems += [
        Problem(
            str(deployment.file(name)),
            "(file)",
            name,
            f"is beyond shard_count {len(deployment.names)} of {deployment.base}",
        )
        for name in deployment.left_over()
    ]
    if problems:
        raise InputError(problems)
    if not quiet(args):
        print(f"stacks: {', '.join(deployment.names)} agree", file=sys.stderr)
    return 0
