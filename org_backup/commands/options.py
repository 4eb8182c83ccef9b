"""Options and output shared by the commands, declared once so they read the same everywhere."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path
from typing import Any

from org_backup.aws_rules.limits import check_region
from org_backup.config.pulumi_files import stack_config as read_stack_config
from org_backup.config.settings import StackConfig
from org_backup.errors import InputError, Problem
from org_backup.reporting.formats import EXTENSIONS, FORMATS, render
from org_backup.reporting.kinds import FLAGS, Command, Thresholds
from org_backup.reporting.model import REPORT_COLUMNS, Report
from org_backup.reporting.since import Earlier, read_earlier, with_changes

STDOUT = "-"
DEFAULT_FORMAT = "markdown"


def add_accounts_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--accounts-dir",
        type=Path,
        default=Path("accounts"),
        help="directory of per-account YAML files (default: accounts/)",
    )


def add_stack(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--stack",
        help="also read the org-backup:* settings of Pulumi.<STACK>.yaml, over Pulumi.yaml's"
        " config (both in the current directory), as pulumi up does",
    )


def add_previous(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--previous",
        metavar="FILE",
        help="the last manifest, `pulumi stack output --json` or `pulumi stack export` of this"
        " stack (or shard): keeps accounts whose lookup fails covered (degraded) and applies"
        " max_accounts_removed, counting every account whose resources an export's state holds",
    )


def stack_config(args: argparse.Namespace) -> tuple[StackConfig, str]:
    """Pulumi.yaml's config, then the `--stack` file's, as the Pulumi CLI merges them, and how
    messages should name the stack's config."""
    return read_stack_config(args.stack)


def add_report_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=FORMATS,
        help="default: from the --out extension (.csv .json .md .html), else markdown",
    )
    parser.add_argument("--out", default=STDOUT, metavar="FILE", help="default: - (stdout)")
    parser.add_argument(
        "--since",
        metavar="FILE",
        help="an earlier --format json report: add what changed since (new and resolved"
        " findings, accounts added to and removed from coverage)",
    )


def add_thresholds(parser: argparse.ArgumentParser, command: Command) -> None:
    """The threshold flags of `command` (`report` or `audit`), as `kinds.FLAGS` declares them."""
    for flag in FLAGS:
        if command not in flag.commands:
            continue
        if flag.value == "switch":
            parser.add_argument(flag.option, action="store_true", help=flag.help)
        elif flag.value == "regions":
            parser.add_argument(
                flag.option,
                action="extend",
                nargs="+",
                default=[],
                metavar=flag.metavar,
                help=flag.help,
            )
        else:
            parser.add_argument(
                flag.option,
                type=positive(int if flag.value == "days" else float),
                metavar=flag.metavar,
                help=flag.help,
            )


def thresholds_from(args: argparse.Namespace) -> Thresholds:
    """The thresholds the command line set; a flag the command does not take is off."""
    values = {}
    for flag in FLAGS:
        value = getattr(args, flag.name, flag.off)
        if flag.value == "regions":
            value = tuple(dict.fromkeys(checked_regions(flag.option, list(value))))
        values[flag.name] = value
    return Thresholds(**values)


def checked_regions(
    flag: str, regions: list[str], allowed: frozenset[str] = frozenset()
) -> list[str]:
    problems = [
        Problem("command line", flag, region, message)
        for region in regions
        if region not in allowed and (message := check_region(region))
    ]
    if problems:
        raise InputError(problems)
    return regions


def earlier_report(args: argparse.Namespace) -> Earlier | None:
    """The `--since` report, read before any other work: a bad file is exit 2 at once."""
    return read_earlier(args.since) if args.since else None


def finish_report(
    report: Report,
    args: argparse.Namespace,
    command: str,
    columns: tuple[str, ...] = REPORT_COLUMNS,
    earlier: Earlier | None = None,
) -> int:
    """Render, write, and turn the verdict into the exit code (0 compliant, 1 findings)."""
    if earlier is not None:
        report = with_changes(report, earlier)
    out = args.out
    text = render(
        report, args.format or EXTENSIONS.get(Path(out).suffix.lower(), DEFAULT_FORMAT), columns
    )
    write_output(out, text)
    if out != STDOUT:
        summary = report.summary
        print(
            f"{command}: {summary.status}, {summary.finding_count} finding(s); written to {out}",
            file=sys.stderr,
        )
    return 0 if report.compliant else 1


def write_output(out: str, text: str) -> None:
    """Stdout, or a file written whole or not at all: a half-written file must not pass for a
    finished one."""
    if out == STDOUT:
        sys.stdout.write(text)
        return
    path = Path(out)
    partial = path.with_name(f".{path.name}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(partial, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        os.replace(partial, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.remove(partial)
        raise InputError(
            [Problem(out, "--out", out, f"cannot be written: {error.strerror or error}")]
        ) from None


def positive(kind: type[int] | type[float]) -> Any:
    """An argparse type: a number above zero of `kind`, else a usage error (exit 2)."""

    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            value = 0
        if not value > 0:
            raise argparse.ArgumentTypeError(f"{text!r} is not a positive {kind.__name__}")
        return value

    return parse
