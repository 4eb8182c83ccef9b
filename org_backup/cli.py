"""`python -m org_backup`: argument parsing and the exit codes of CONTRACT.md."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from org_backup.aws.sessions import name_sessions
from org_backup.commands import (
    accounts,
    audit,
    discover,
    report,
    reshard,
    shard_summary,
    sizing,
    synth,
)
from org_backup.errors import AwsFailure, InputError

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_AWS = 0, 1, 2, 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m org_backup",
        description="Roll AWS Backup out across an AWS Organization, and prove it.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    for command in (discover, synth, report, audit, reshard, shard_summary, accounts, sizing):
        command.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    name_sessions(args.command)
    try:
        return args.run(args)
    except InputError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        print(f"{len(error.problems)} problem(s) found; nothing was written.", file=sys.stderr)
        return EXIT_INPUT
    except AwsFailure as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_AWS
