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
from org_backup.reporting.model import REPORT_COLUMNS, Report, Thresholds
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


def add_thresholds(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--min-retention-days",
        type=positive(int),
        metavar="N",
        help="finding when a rule keeps backups fewer days",
    )
    parser.add_argument(
        "--required-regions",
        action="extend",
        nargs="+",
        default=[],
        metavar="REGION",
        help="finding for every covered account missing one of these regions",
    )
    parser.add_argument(
        "--require-vault-lock",
        action="store_true",
        help="finding for every vault without AWS Backup Vault Lock",
    )
    parser.add_argument(
        "--max-interval-hours",
        type=positive(float),
        metavar="H",
        help="finding when a schedule can leave more than H hours between backups",
    )
    parser.add_argument(
        "--require-copy",
        action="store_true",
        help="finding for every account-region whose rules copy to no other account"
        " (the central account's own are exempt)",
    )
    parser.add_argument(
        "--require-air-gapped",
        action="store_true",
        help="finding for every account-region whose copies do not land in an air-gapped vault",
    )


# Alerts and restore testing
def add_alerting_requirements(parser: argparse.ArgumentParser) -> None:
    """`report` only: the audit reads neither rules nor restore testing plans as such."""
    parser.add_argument(
        "--require-alerts",
        action="store_true",
        help="finding for every account-region that does not forward failed backup, copy and"
        " restore jobs to the central alerts bus",
    )
    parser.add_argument(
        "--require-restore-testing",
        action="store_true",
        help="finding for every account-region without a restore testing plan",
    )
    parser.add_argument(
        "--require-guardrails",
        action="store_true",
        help="finding for every account-region whose vault policy or organization SCP guardrail"
        " is missing (guardrails_enabled)",
    )


def add_restore_test_age(parser: argparse.ArgumentParser) -> None:
    """`audit` only: it reads each file system's restore jobs."""
    parser.add_argument(
        "--max-restore-test-age-days",
        type=positive(int),
        metavar="N",
        help="finding for every tagged file system not restored and validated successfully by"
        " its restore testing plan in the last N days",
    )


def thresholds_from(args: argparse.Namespace) -> Thresholds:
    return Thresholds(
        min_retention_days=args.min_retention_days,
        required_regions=tuple(
            dict.fromkeys(checked_regions("--required-regions", args.required_regions))
        ),
        require_vault_lock=args.require_vault_lock,
        max_interval_hours=args.max_interval_hours,
        require_alerts=getattr(args, "require_alerts", False),
        require_restore_testing=getattr(args, "require_restore_testing", False),
        require_guardrails=getattr(args, "require_guardrails", False),
        max_restore_test_age_days=getattr(args, "max_restore_test_age_days", None),
        require_copy=args.require_copy,
        require_air_gapped=args.require_air_gapped,
    )


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
