"""`sizing`: a shard count from the number of accounts and the runner's memory."""

from __future__ import annotations

import argparse
import sys

from org_backup.commands import exit_codes
from org_backup.commands.options import positive
from org_backup.errors import MISSING, InputError, Problem
from org_backup.rollout.sizing import (
    FEATURES,
    MAX_MATRIX_JOBS,
    PROVIDER_MIB,
    RESERVE_MIB,
    footprint,
    size,
)

POSITIVE = positive(int)
# One flag per feature of organization/sizing.py FEATURES.
FEATURE_FLAGS = {
    "vault_lock": "vaults carry a lock",
    "copies": "rules copy to a central (or air-gapped) vault",
    "alerts": "failure alerts forwarded to the central bus",
    "restore_testing": "restore testing plans",
    "guardrails": "guardrails: vault access policies (and the SCP)",
    "audit_frameworks": "Backup Audit Manager frameworks (audit_frameworks_enabled)",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sizing",
        help="how many shards: from accounts and runner memory",
        description="Shard count such that the largest shard's provider processes (one"
        " pulumi-resource-aws per account) fit in the runner's memory."
        " Measure a canary shard and pass --provider-mib for your own figure.",
        epilog=exit_codes.epilog(
            {exit_codes.OK: "the shard count is printed", exit_codes.INPUT: "invalid flags"}
        ),
    )
    parser.add_argument(
        "--account-count", dest="accounts", type=POSITIVE, metavar="N", help="covered accounts"
    )
    # The first spellings, kept working (hidden): both counts, not lists.
    parser.add_argument("--accounts", dest="accounts", type=POSITIVE, help=argparse.SUPPRESS)
    parser.add_argument(
        "--runner-memory-gib",
        type=positive(float),
        required=True,
        help="memory of the deploying runner",
    )
    parser.add_argument(
        "--provider-mib",
        type=POSITIVE,
        default=PROVIDER_MIB,
        help=f"RSS of one pulumi-resource-aws process (default {PROVIDER_MIB}, the high end"
        " reported in pulumi/pulumi-aws#5860)",
    )
    parser.add_argument(
        "--reserve-mib",
        type=POSITIVE,
        default=RESERVE_MIB,
        help=f"for the CLI, the program and the OS (default {RESERVE_MIB})",
    )
    parser.add_argument(
        "--region-count",
        dest="regions",
        type=POSITIVE,
        default=4,
        metavar="N",
        help="regions per account (default 4)",
    )
    parser.add_argument("--regions", dest="regions", type=POSITIVE, help=argparse.SUPPRESS)
    for feature, help_text in FEATURE_FLAGS.items():
        parser.add_argument(
            "--" + feature.replace("_", "-"), action="store_true", dest=feature, help=help_text
        )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.accounts is None:
        raise InputError([Problem("command line", "--account-count", MISSING, "is required")])
    runner_mib = int(args.runner_memory_gib * 1024)
    features = [feature for feature in FEATURES if getattr(args, feature)]
    try:
        result = size(
            args.accounts,
            runner_mib,
            args.provider_mib,
            args.reserve_mib,
            args.regions,
            features,
        )
    except ValueError as error:
        raise InputError(
            [Problem("command line", "--runner-memory-gib", args.runner_memory_gib, str(error))]
        ) from None
    per_account = footprint(features)
    print(f"shard_count: {result.shard_count}")
    print(
        f"  accounts per runner: ({runner_mib} MiB - {args.reserve_mib} MiB reserve)"
        f" / {args.provider_mib} MiB per provider process = {result.capacity}"
    )
    print(
        f"  {result.accounts} accounts in {result.shard_count} shards: largest shard expected"
        f" at {result.expected_largest} accounts (mean + 3 sd of rendezvous hashing),"
        f" {result.resources_per_shard} resources"
        f" ({per_account.resources(args.regions)} per account: {per_account.account}"
        f" + {per_account.region} x {args.regions} regions, counted from synths"
        f" of {', '.join(features) or 'the bare rollout'})"
    )
    if not result.fits_one_matrix:
        print(
            f"  more than {MAX_MATRIX_JOBS} shards: a GitHub Actions matrix runs at most"
            f" {MAX_MATRIX_JOBS} jobs per workflow run; use larger runners",
            file=sys.stderr,
        )
    return 0
