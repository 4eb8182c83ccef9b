"""`discover`: every account the rollout would touch or skip, before anything is deployed."""

from __future__ import annotations

import argparse
import json
import sys

from org_backup.commands import exit_codes
from org_backup.commands.discover_filters import add_filters, apply_filters
from org_backup.commands.options import (
    add_accounts_dir,
    add_previous,
    add_stack,
    quiet,
    settings_inputs,
)
from org_backup.commands.output import STDOUT, write_output
from org_backup.config.policy import BackupRule
from org_backup.coverage.central import CentralCoverage
from org_backup.coverage.model import AccountCoverage, Coverage
from org_backup.coverage.pipeline import load_coverage
from org_backup.coverage.state.previous import read_previous
from org_backup.errors import InputError
from org_backup.rollout.export import build_manifest


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "discover",
        help="list every account the rollout would cover or skip, with regions and policy",
        description="List every account of the organization (this shard), its effective regions"
        " and policy, or the reason it is skipped. Nothing is deployed.",
        epilog=exit_codes.epilog(
            {
                exit_codes.OK: "the listing is written",
                exit_codes.INPUT: exit_codes.INVALID_INPUT
                + "; with --strict also an accounts/ file that drifted from the organization",
                exit_codes.AWS: exit_codes.AWS_FAILED,
            }
        ),
    )
    add_accounts_dir(parser)
    add_stack(parser)
    parser.add_argument(
        "-f",
        "--format",
        choices=("table", "json"),
        default="table",
        help="table (default), or json: the manifest (docs/manifest.md) with every id null",
    )
    parser.add_argument(
        "--json", dest="format", action="store_const", const="json", help="the same as -f json"
    )
    parser.add_argument("-o", "--out", default=STDOUT, metavar="FILE", help="default: stdout")
    add_previous(parser)
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit 2 when an accounts/ file has drifted from the organization (for pull requests)",
    )
    add_filters(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    inputs = settings_inputs(args)
    previous = read_previous(args.previous) if args.previous else None
    if previous is not None:
        previous.check_stack(inputs.stack)
    coverage = load_coverage(
        inputs.accounts_dir,
        inputs.config,
        stack_source=inputs.source,
        stack_name=inputs.stack,
        progress=not quiet(args),
        previous=previous,
    )
    if args.strict and coverage.file_drift:
        raise InputError(coverage.file_drift)
    for warning in coverage.warnings:
        print(warning, file=sys.stderr)
    coverage = apply_filters(coverage, args)
    if args.format == "json":
        text = json.dumps(build_manifest(coverage), indent=2) + "\n"
    else:
        text = render_table(coverage)
    write_output(args.out, text)
    return 0


COLUMNS = ("ACCOUNT", "NAME", "OU PATH", "REGIONS", "SCHEDULE", "RETENTION", "STATUS")


def render_table(coverage: Coverage) -> str:
    """A fixed-width table a person reads in a terminal, then the totals."""
    rows = [_row(account, coverage.central) for account in coverage.accounts]
    widths = [
        max([len(column), *(len(row[i]) for row in rows)]) for i, column in enumerate(COLUMNS)
    ]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [list(COLUMNS), *rows]
    ]
    covered = coverage.covered
    region_count = sum(len(account.regions) for account in covered)
    shard = (
        f" (shard {coverage.shard_index} of {coverage.shard_count})"
        if coverage.shard_count > 1
        else ""
    )
    lines.append("")
    lines.append(
        f"Organization {coverage.organization_id}{shard}:"
        f" {plural(len(coverage.accounts), 'account')},"
        f" {len(covered)} covered in {plural(region_count, 'account-region')},"
        + (f" {len(coverage.degraded)} of them degraded," if coverage.degraded else "")
        + f" {len(coverage.accounts) - len(covered)} skipped."
    )
    if coverage.central is not None:
        central = coverage.central
        where = central.central_region or "the same region"
        lines.append(
            f"Copies go to the {central.kind} vault {central.vault_name} of account"
            f" {central.account_id} in {where} ({', '.join(central.regions)})"
            + ("; this shard registers it." if coverage.shard_index == 0 else ".")
        )
    lines += _audit_evidence(coverage)
    return "\n".join(lines) + "\n"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _audit_evidence(coverage: Coverage) -> list[str]:
    """The frameworks and report plans, and where AWS Config was found not to record what the
    frameworks need (check_config_recording)."""
    lines = []
    if coverage.audit_frameworks is not None:
        looked = {
            (account.account_id, region): found
            for account in coverage.covered
            for region, found in account.config_recording.items()
        }
        short = sorted(key for key, found in looked.items() if not found.records_all)
        checked = (
            f"; AWS Config checked in {len(looked)}"
            if looked
            else "; AWS Config not checked (set check_config_recording, or run audit)"
        )
        lines.append(
            "Backup Audit Manager: a framework in each covered account-region" + checked + "."
        )
        if short:
            lines.append(
                f"AWS Config: {len(short)} of {len(looked)} covered account-regions do not"
                " record what the frameworks' controls need:"
            )
            lines += [
                f"  {account_id} {region}: {looked[(account_id, region)].problem}"
                for account_id, region in short
            ]
    reports = coverage.audit_reports
    if reports is not None:
        lines.append(
            f"Audit reports: {', '.join(plan.template for plan in reports.plans)} to"
            f" s3://{reports.bucket}/{reports.prefix}/ from the management account in"
            f" {reports.region}"
            + ("; this shard registers them." if coverage.shard_index == 0 else ".")
        )
    return lines


def _retention(rule: BackupRule, copies: bool) -> str:
    text = f"{rule.delete_after_days}d"
    if rule.cold_storage_after_days:
        text += f" (cold after {rule.cold_storage_after_days}d)"
    if copies and rule.copy_enabled:
        text += f" +copy {rule.copy_delete_after_days}d"
    return text


def _row(account: AccountCoverage, central: CentralCoverage | None) -> list[str]:
    placed = "; OU placed after the walk (see its warning)" if account.placement else ""
    if not account.covered or account.policy is None:
        return [
            account.account_id,
            account.name,
            account.ou_path,
            "-",
            "-",
            "-",
            f"skipped: {account.skip_reason}{placed}",
        ]
    policy = account.policy
    copies = central is not None and account.account_id != central.account_id
    retention = " | ".join(_retention(rule, copies) for rule in policy.rules)
    status = "covered" + (f" ({account.source})" if account.source else "")
    if account.degraded:
        status += f"; DEGRADED, kept from the previous state: {account.degraded}"
    if account.regions_not_enabled:
        status += f"; not enabled: {','.join(account.regions_not_enabled)}"
    status += placed
    return [
        account.account_id,
        account.name,
        account.ou_path,
        ",".join(account.regions),
        " | ".join(f"{rule.schedule} {rule.schedule_timezone}" for rule in policy.rules),
        retention,
        status,
    ]
