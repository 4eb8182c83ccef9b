"""`report`: a compliance report from manifests or `pulumi stack output --json` files.

Exit 0 when everything is compliant, 1 on any finding, 2 on bad input (docs/interfaces.md).
"""

from __future__ import annotations

import argparse
from typing import Any

from org_backup.commands import exit_codes
from org_backup.commands.options import (
    add_report_output,
    add_thresholds,
    earlier_report,
    finish_report,
    targets_of,
    thresholds_from,
)
from org_backup.reporting.checks import build_report
from org_backup.reporting.inputs import read_inputs


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "report",
        help="compliance report from manifests or `pulumi stack output --json` files",
        description=(
            "Check every account and region of one or more manifests (one per stack or shard)"
            " and write a report, in one or several formats."
        ),
        epilog=exit_codes.epilog(
            {
                exit_codes.OK: "every account-region is compliant",
                exit_codes.FINDINGS: "findings (the report is written)",
                exit_codes.INPUT: exit_codes.INVALID_INPUT,
            }
        ),
    )
    parser.add_argument(
        "-i",
        "--input",
        dest="inputs",
        action="append",
        required=True,
        metavar="FILE",
        help="a manifest (synth --out) or `pulumi stack output --json` output; repeat for shards;"
        " - is stdin",
    )
    parser.add_argument(
        "--planned",
        action="store_true",
        help="judge a plan (discover --json, synth --out) on its policy alone; without it, an"
        " account-region with no deployed ids, or any synth output, is 'not deployed'",
    )
    add_report_output(parser)
    add_thresholds(parser, "report")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    targets = targets_of(args)
    earlier = earlier_report(args)
    report = build_report(read_inputs(args.inputs), thresholds_from(args), planned=args.planned)
    return finish_report(report, args, "report", targets, earlier=earlier)
