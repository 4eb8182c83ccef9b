"""`org-backup` (also `python -m org_backup`): argument parsing, and the exit codes of
docs/interfaces.md.

One parser class for every command: a usage error is one line, and every `--help` ends with the
command's exit codes. An interrupt (Ctrl-C, or SIGTERM from a CI cancel) is one line too, with
exit 130 (143): pending work is dropped and no file is left half-written.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

from org_backup.aws.sessions import name_sessions
from org_backup.commands import (
    accounts,
    audit,
    discover,
    exit_codes,
    output,
    report,
    reshard,
    shard_summary,
    sizing,
    stacks,
    synth,
)
from org_backup.errors import AwsFailure, InputError

PROG = "org-backup"
EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_AWS = (
    exit_codes.OK,
    exit_codes.FINDINGS,
    exit_codes.INPUT,
    exit_codes.AWS,
)


class Parser(argparse.ArgumentParser):
    """argparse, with a one-line usage error and the exit codes printed after the help."""

    def error(self, message: str) -> NoReturn:
        self.exit(exit_codes.INPUT, f"{self.prog}: error: {message}; see {self.prog} --help\n")

    def format_help(self) -> str:
        # The epilog is a table: printed as written, while the description is still wrapped.
        epilog, self.epilog = self.epilog, None
        try:
            text = super().format_help()
        finally:
            self.epilog = epilog
        return f"{text}\n{epilog}\n" if epilog else text


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C's KeyboardInterrupt would be, so both stop the same way."""


def version() -> str:
    """`org-backup 0.1.0 (pulumi X, pulumi-aws Y, boto3 Z)`, from the installed distributions."""
    try:
        own = metadata.version(PROG)
    except metadata.PackageNotFoundError:
        return f"{PROG} (not installed: run make install)"
    parts = []
    for name in ("pulumi", "pulumi-aws", "boto3"):
        try:
            parts.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name} not installed")
    return f"{PROG} {own} ({', '.join(parts)})"


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog=PROG,
        description="Roll AWS Backup out across an AWS Organization, and prove it.",
        epilog=exit_codes.epilog(
            {
                exit_codes.OK: "success",
                exit_codes.FINDINGS: "report, audit: findings",
                exit_codes.INPUT: exit_codes.INVALID_INPUT,
                exit_codes.AWS: exit_codes.AWS_FAILED,
            }
        ),
    )
    parser.add_argument("-V", "--version", action="version", version=version())
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in (
        discover,
        synth,
        report,
        audit,
        accounts,
        stacks,
        reshard,
        shard_summary,
        sizing,
    ):
        command.register(subparsers)
    for sub in _subcommands(parser):
        _add_common(sub)
    return parser


def _subcommands(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """Every parser below `parser`, nested groups (accounts add) included; one without its own
    exit codes gets its group's."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                sub.epilog = sub.epilog or parser.epilog
                found += [sub, *_subcommands(sub)]
    return found


def _add_common(parser: argparse.ArgumentParser) -> None:
    """-C and -q on every command, where users type them (`org-backup discover -q`)."""
    parser.add_argument(
        "-C",
        "--cwd",
        type=Path,
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="run as if started in DIR (as pulumi -C)",
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=argparse.SUPPRESS,
        help="no line naming the files read, no progress",
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    name_sessions(args.command)
    command = " ".join(
        part for part in (PROG, args.command, getattr(args, "subcommand", None)) if part
    )
    here = Path.cwd()
    output.forget_written()
    handler = _on_sigterm()
    try:
        if getattr(args, "cwd", None) is not None:
            _change_directory(args.cwd)
        return args.run(args)
    except InputError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        if len(error.problems) > 1:
            print(f"{len(error.problems)} problems; nothing was written.", file=sys.stderr)
        return EXIT_INPUT
    except AwsFailure as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_AWS
    except KeyboardInterrupt as interrupt:
        # A second Ctrl-C from here on ends the process at once.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        done = output.written()
        what = f"after writing {', '.join(done)}" if done else "nothing was written"
        lead = "\n" if sys.stderr.isatty() else ""  # past a progress line
        print(f"{lead}{command}: interrupted; {what}", file=sys.stderr)
        if isinstance(interrupt, Terminated):
            return exit_codes.TERMINATED
        return exit_codes.INTERRUPTED
    finally:
        if handler is not None:
            signal.signal(signal.SIGTERM, handler)
        os.chdir(here)


def _change_directory(directory: Path) -> None:
    try:
        os.chdir(directory)
    except OSError as error:
        raise InputError(
            [
                output.command_line_problem(
                    "--cwd", str(directory), f"cannot be entered: {error.strerror}"
                )
            ]
        ) from None


def _on_sigterm() -> Any:
    """SIGTERM raises Terminated (main thread only: signals are delivered there); the handler
    it replaced, to restore."""

    def raise_terminated(signum: int, frame: FrameType | None) -> None:
        raise Terminated

    try:
        return signal.signal(signal.SIGTERM, raise_terminated)
    except ValueError:  # not the main thread
        return None
