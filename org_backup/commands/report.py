"""`report`: a compliance report from manifests or `pulumi stack output --json` files.

Exit 0 when everything is compliant, 1 on any finding, 2 on bad input (CONTRACT.md).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path
from typing import Any

from org_backup.errors import InputError, Problem
from org_backup.limits import check_region
from org_backup.reporting.checks import build_report
from org_backup.reporting.formats import EXTENSIONS, FORMATS, render
from org_backup.reporting.inputs import read_inputs
from org_backup.reporting.model import Thresholds

DEFAULT_FORMAT = "markdown"
STDOUT = "-"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "report",
        help="compliance report from manifests or `pulumi stack output --json` files",
        description=(
            "Check every account and region of one or more manifests (one per stack or shard)"
            " and write a report. Exit 0: compliant; 1: findings; 2: bad input."
        ),
    )
    parser.add_argument(
        "--input",
        dest="inputs",
        action="append",
        required=True,
        metavar="FILE",
        help="a manifest (synth --out) or `pulumi stack output --json` output; repeat for shards;"
        " - is stdin",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        help="default: from the --out extension (.csv .json .md .html), else markdown",
    )
    parser.add_argument("--out", default=STDOUT, metavar="FILE", help="default: - (stdout)")
    parser.add_argument(
        "--min-retention-days",
        type=_positive(int),
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
        type=_positive(float),
        metavar="H",
        help="finding when a schedule can leave more than H hours between backups",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    thresholds = Thresholds(
        min_retention_days=args.min_retention_days,
        required_regions=tuple(dict.fromkeys(_checked_regions(args.required_regions))),
        require_vault_lock=args.require_vault_lock,
        max_interval_hours=args.max_interval_hours,
    )
    report = build_report(read_inputs(args.inputs), thresholds)
    text = render(report, args.format or _format_of(args.out))
    if args.out == STDOUT:
        sys.stdout.write(text)
    else:
        _write(args.out, text)
        summary = report.summary
        print(
            f"report: {summary.status}, {summary.finding_count} finding(s); written to {args.out}",
            file=sys.stderr,
        )
    return 0 if report.compliant else 1


def _format_of(out: str) -> str:
    return EXTENSIONS.get(Path(out).suffix.lower(), DEFAULT_FORMAT)


def _checked_regions(regions: list[str]) -> list[str]:
    problems = [
        Problem("command line", "--required-regions", region, message)
        for region in regions
        if (message := check_region(region))
    ]
    if problems:
        raise InputError(problems)
    return regions


def _write(path: str, text: str) -> None:
    """Write whole or not at all: a half-written report must not pass for a finished one."""
    partial = f"{path}.partial"
    try:
        with open(partial, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        os.replace(partial, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.remove(partial)
        raise InputError(
            [Problem(path, "--out", path, f"cannot be written: {error.strerror}")]
        ) from None


def _positive(kind: type[int] | type[float]) -> Any:
    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            value = 0
        if not value > 0:
            raise argparse.ArgumentTypeError(f"{text!r} is not a positive {kind.__name__}")
        return value

    return parse
