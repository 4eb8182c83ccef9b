"""`audit`: the live compliance view, read through each covered account's deploy role.

Same rows, formats and exit codes as `report`, plus a `resource_arn` column: 0 compliant,
1 findings, 2 bad input, 3 an organization-wide AWS call failed (docs/interfaces.md).
"""

from __future__ import annotations

import argparse
from typing import Any

from org_backup.audit.run import audit
from org_backup.audit.targets import ALL_REGIONS
from org_backup.commands import exit_codes
from org_backup.commands.options import (
    add_accounts_dir,
    add_report_output,
    add_stack,
    add_thresholds,
    checked_regions,
    comma_list,
    earlier_report,
    finish_report,
    flat,
    quiet,
    settings_inputs,
    targets_of,
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
        ),
        epilog=exit_codes.epilog(
            {
                exit_codes.OK: "every account-region is compliant",
                exit_codes.FINDINGS: "findings (the report is written)",
                exit_codes.INPUT: exit_codes.INVALID_INPUT,
                exit_codes.AWS: "an organization-wide AWS call failed (one account failing is"
                " a finding, not this)",
            }
        ),
    )
    add_accounts_dir(parser)
    add_stack(parser)
    add_report_output(parser)
    parser.add_argument(
        "--scan-regions",
        action="extend",
        nargs="+",
        type=comma_list,
        metavar="REGION",
        help="regions searched in every audited account for tagged EFS file systems, besides"
        " its covered regions; 'all' adds every region enabled by default."
        " Default: every region the rollout covers anywhere, plus the regions setting"
        " (repeat, or a comma list)",
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
    targets = targets_of(args)
    earlier = earlier_report(args)
    thresholds = thresholds_from(args)
    scan = flat(args.scan_regions)
    inputs = settings_inputs(args)
    report = audit(
        inputs.accounts_dir,
        thresholds,
        stack_config=inputs.config,
        stack_source=inputs.source,
        stack_name=inputs.stack,
        scan_regions=checked_regions("--scan-regions", scan, ALL) if scan else None,
        scan_skipped=args.scan_skipped,
        progress=not quiet(args),
    )
    return finish_report(report, args, "audit", targets, AUDIT_COLUMNS, earlier)
