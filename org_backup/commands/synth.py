"""`synth`: the real Pulumi program under Pulumi's mock engine; writes the manifest it exports.

Nothing is deployed and no member account is touched: discovery runs as for `discover`, then
every resource is registered with the mock engine, which answers with AWS-shaped ids.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import boto3

from org_backup.aws.progress import Progress
from org_backup.commands import exit_codes
from org_backup.commands.options import (
    add_accounts_dir,
    add_previous,
    add_stack,
    quiet,
    settings_inputs,
)
from org_backup.commands.output import STDOUT, write_output
from org_backup.coverage import names
from org_backup.coverage.adoption import Adoption
from org_backup.coverage.model import Coverage
from org_backup.coverage.pipeline import load_rollout_coverage
from org_backup.coverage.state.previous import PreviousState, read_previous
from org_backup.provider_rules.backup import FRAMEWORK, REPORT_PLAN
from org_backup.provider_rules.efs import BACKUP_POLICY
from org_backup.rollout import organization
from org_backup.rollout.synthesize import EngineHeld, synthesize_program

DEFAULT_OUT = Path("build/manifest.json")
PLAN_TYPE = "aws:backup/plan:Plan"
VAULT_POLICY_TYPE = "aws:backup/vaultPolicy:VaultPolicy"
SCP_TYPE = "aws:organizations/policy:Policy"
FRAMEWORK_TYPE, REPORT_PLAN_TYPE = FRAMEWORK, REPORT_PLAN
EFS_BACKUP_POLICY_TYPE = BACKUP_POLICY


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "synth",
        help="run the Pulumi program against the mock engine and write the manifest",
        description="Discover the organization, run the real Pulumi program against Pulumi's"
        " mock engine (no deployment, no member-account credentials) and write the manifest"
        " plus every registered resource as JSON. Unlike the other commands it writes a file"
        f" by default ({DEFAULT_OUT}): a manifest with every resource is megabytes.",
        epilog=exit_codes.epilog(
            {
                exit_codes.OK: "the manifest is written",
                exit_codes.INPUT: exit_codes.INVALID_INPUT
                + "; also inputs the AWS provider would refuse, and with a previous state too"
                " many accounts removed or a retained vault or lock replaced",
                exit_codes.AWS: exit_codes.AWS_FAILED
                + ", or more accounts degraded than max_accounts_degraded allows",
            }
        ),
    )
    add_accounts_dir(parser)
    add_stack(parser)
    parser.add_argument(
        "-o",
        "--out",
        default=str(DEFAULT_OUT),
        metavar="FILE",
        help=f"where to write the JSON; '-' for stdout (default: {DEFAULT_OUT})",
    )
    add_previous(parser)
    parser.add_argument(
        "--offline",
        action="store_true",
        help="assume no role in any member account (a pull request's preview): no vault is"
        " looked up for adoption and check_deploy_roles is not applied",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="also one line per covered account"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    inputs = settings_inputs(args)
    previous = EngineHeld.of(read_previous(args.previous)) if args.previous else None
    registering: list[Progress] = []

    def resolve_coverage(previous_state: PreviousState | None) -> Adoption:
        # Called inside the program with the previous state the mock engine answered, as
        # `pulumi up` gets it from the backend. The session, its clients and their service
        # models (tens of MB) are made here, so that they are garbage once coverage is
        # resolved: the vault lookups beside registration hold a sibling session of their own
        # (aws/sessions.py, `sibling_session`).
        adoption = load_rollout_coverage(
            inputs.accounts_dir,
            inputs.config,
            boto3.Session(),
            previous_state,
            stack_source=inputs.source,
            stack_name=inputs.stack,
            progress=not quiet(args),
            offline=args.offline,
        )
        for warning in adoption.warnings:
            print(warning, file=sys.stderr)
        if not quiet(args):
            registering.append(Progress("synth: registering", len(adoption.coverage.covered)))
        return adoption

    def registered(type_: str) -> None:
        if type_ == names.COMPONENT_TYPE and registering:
            registering[0].advance()

    # An export names its stack; the mock engine plays that one unless --stack says otherwise
    # (then the export must be of that stack).
    exported = previous.exported if previous else None
    exported_stack = exported.state.stack if exported and exported.state else None
    stack = inputs.stack or exported_stack or "synth"
    adoption, result = synthesize_program(resolve_coverage, stack, previous, registered)
    for warning in adoption.lookups.warnings if adoption.lookups else ():
        print(warning, file=sys.stderr)
    print_summary(adoption.coverage, result["resources"], sys.stderr, verbose=args.verbose)
    write_output(args.out, json.dumps(result, indent=2) + "\n")
    if args.out != STDOUT:
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


def print_summary(
    coverage: Coverage,
    resources: Sequence[dict[str, Any]],
    stream: TextIO,
    *,
    verbose: bool = False,
) -> None:
    """The totals, the warnings, and per covered account (with `verbose`, or when degraded) its
    regions and resource count."""
    children = Counter(resource["parent"] for resource in resources)
    covered = coverage.covered
    # A degraded account is always shown: it is deployed from its previous state.
    for account in (a for a in covered if verbose or a.degraded):
        # The component, everything registered under it, and its provider (top level).
        count = 2 + children[names.component_name(account.account_id)]
        degraded = f"; DEGRADED: {account.degraded}" if account.degraded else ""
        stream.write(
            f"  {account.account_id} {account.name}: {', '.join(account.regions)}"
            f" ({count} resources{degraded})\n"
        )
    account_regions = sum(len(account.regions) for account in covered)
    stream.write(
        f"synth: {len(covered)} accounts covered ("
        + (f"{len(coverage.degraded)} degraded, " if coverage.degraded else "")
        + f"{len(coverage.accounts) - len(covered)} skipped),"
        f" {account_regions} account-regions, {len(resources)} resources\n"
    )
    _print_copies(coverage, resources, children, stream)
    _print_guardrails(coverage, resources, stream)
    _print_audit_evidence(resources, stream)
    for warning in coverage.warnings:
        stream.write(warning + "\n")


def _print_guardrails(
    coverage: Coverage, resources: Sequence[dict[str, Any]], stream: TextIO
) -> None:
    """Guardrails are opt-in: say so when they are off, and what they register when on."""
    guardrails = coverage.guardrails
    if guardrails is None:
        stream.write(
            "synth: guardrails off (guardrails_enabled): an administrator of a member account"
            " can delete its recovery points, plan and role\n"
        )
        return
    policies = sum(
        1
        for r in resources
        if r["type"] == VAULT_POLICY_TYPE and r["parent"] != organization.COMPONENT_NAME
    )
    scp = [r for r in resources if r["type"] == SCP_TYPE]
    where = (
        f", SCP {guardrails.scp_name} attached to {', '.join(guardrails.targets)}" if scp else ""
    )
    stream.write(f"synth: guardrails: {policies} member vault policies{where}\n")


def _print_audit_evidence(resources: Sequence[dict[str, Any]], stream: TextIO) -> None:
    """The frameworks and their controls, the report plans, the automatic backups turned off."""
    by_type = Counter(resource["type"] for resource in resources)
    frameworks = [r for r in resources if r["type"] == FRAMEWORK_TYPE]
    if frameworks:
        controls = Counter(
            control["name"] for r in frameworks for control in r["inputs"].get("controls") or []
        )
        stream.write(
            f"synth: {len(frameworks)} Backup Audit Manager frameworks, controls: "
            + ", ".join(f"{name} ({count})" for name, count in sorted(controls.items()))
            + "\n"
        )
    plans = [r for r in resources if r["type"] == REPORT_PLAN_TYPE]
    if plans:
        stream.write(
            "synth: audit report plans "
            + ", ".join(sorted(r["inputs"]["name"] for r in plans))
            + f" (provider {plans[0]['provider']}, {plans[0]['inputs'].get('region')})\n"
        )
    if by_type[EFS_BACKUP_POLICY_TYPE]:
        stream.write(
            f"synth: EFS automatic backups turned off on {by_type[EFS_BACKUP_POLICY_TYPE]}"
            " tagged file systems\n"
        )


def _print_copies(
    coverage: Coverage,
    resources: Sequence[dict[str, Any]],
    children: Counter,
    stream: TextIO,
) -> None:
    """Copies: the organization-level resources, and how many rules copy out."""
    central = coverage.central
    if central is None:
        return
    if children[organization.COMPONENT_NAME]:
        stream.write(
            f"  organization: AWS Backup global settings of {coverage.management_account_id},"
            f" {central.kind} vault {central.vault_name} of {central.account_id} in"
            f" {', '.join(central.regions)} ({1 + children[organization.COMPONENT_NAME]}"
            " resources)\n"
        )
    copying = sum(
        1
        for resource in resources
        if resource["type"] == PLAN_TYPE
        for rule in resource["inputs"].get("rules") or []
        if rule.get("copyActions")
    )
    stream.write(f"synth: {copying} rules copy to the central vaults\n")
