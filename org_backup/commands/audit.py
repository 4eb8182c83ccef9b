"""`audit`: the live compliance view, read through each covered account's deploy role.

Same rows, formats and exit codes as `report`, plus a `resource_arn` column: 0 compliant,
1 findings, 2 bad input, 3 an organization-wide AWS call failed (CONTRACT.md).
"""

from __future__ import annotations

import argparse
from typing import Any

from org_backup.audit.run import audit
from org_backup.audit.targets import ALL_REGIONS
from org_backup.commands.options import (
    add_accounts_dir,
    add_report_output,
    add_stack,
    add_thresholds,
    checked_regions,
    earlier_report,
    finish_report,
    stack_config,
    thresholds_from,
)
from org_backup.reporting.model import AUDIT_COLUMNS

ALL = frozenset({ALL_REGIONS})


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "audit",
        help="live compliance view through each account's deploy role",
        description=(
            "Read every covered account's vault, plan, selection, backup role, tagged EFS file"
            " systems and their latest recovery points, and write a report."
            " Exit 0: compliant; 1: findings; 2: bad input; 3: an organization-wide AWS call"
            " failed."
        ),
    )
    add_accounts_dir(parser)
    add_stack(parser)
    add_report_output(parser)
    parser.add_argument(
        "--scan-regions",
        nargs="+",
        metavar="REGION",
        help="regions searched in every audited account for tagged EFS file systems, besides"
        " its covered regions; 'all' adds every region enabled by default."
        " Default: every region the rollout covers anywhere, plus the regions setting",
    )
    parser.add_argument(
        "--scan-skipped",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also search accounts skipped by policy (excluded, outside target OUs, not listed,"
        " management account) for tagged file systems (default: on)",
    )
    add_thresholds(parser, "audit")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    earlier = earlier_report(args)
    thresholds = thresholds_from(args)
    scan = args.scan_regions
    config, source = stack_config(args)
    report = audit(
        args.accounts_dir,
        thresholds,
        stack_config=config,
        stack_source=source,
        stack_name=args.stack,
        scan_regions=checked_regions("--scan-regions", scan, ALL) if scan else None,
        scan_skipped=args.scan_skipped,
        progress=True,
    )
    return finish_report(report, args, "audit", AUDIT_COLUMNS, earlier)
