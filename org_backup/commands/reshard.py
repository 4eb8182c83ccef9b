"""`reshard`: the `pulumi state move` commands for a new shard count, from the current outputs
or, better, the current states (`pulumi stack export`): an account that only a shard's state
holds (an update that failed after creating it) must move too."""

from __future__ import annotations

import argparse
import sys

from org_backup.commands import exit_codes
from org_backup.commands.options import positive
from org_backup.coverage.state.previous import PreviousState, read_previous
from org_backup.errors import MISSING, InputError, Problem
from org_backup.manifest.reader import LoadedManifest
from org_backup.organization.sharding import shard_stack_names
from org_backup.reporting.inputs import shard_findings
from org_backup.rollout.state_moves import moves, script
from org_backup.rollout.synthesize import PROJECT


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "reshard",
        help="print the `pulumi state move` commands for a new shard_count",
        description="Read every current shard's output (manifest or `pulumi stack output"
        " --json`) or state (`pulumi stack export`) and print, for every account it deploys"
        " whose shard changes with --to, the `pulumi state move` commands that carry its"
        " resources to its new shard stack. Nothing is run and AWS is not touched.",
        epilog=exit_codes.epilog(
            {
                exit_codes.OK: "the script is printed",
                exit_codes.INPUT: exit_codes.INVALID_INPUT
                + "; also a shard missing or given twice",
            }
        ),
    )
    parser.add_argument(
        "--to", type=positive(int), required=True, metavar="M", help="new shard_count"
    )
    parser.add_argument(
        "-i",
        "--input",
        action="append",
        required=True,
        metavar="FILE",
        help="one current shard's output or `pulumi stack export`; give every shard once",
    )
    parser.add_argument(
        "-s",
        "--stack",
        metavar="BASE",
        help="the base stack (shard 0): shard i is BASE-shard-<i> (see org-backup stacks);"
        " default: the stack named by shard 0's `pulumi stack export`, else shard-0, shard-1, ...",
    )
    parser.add_argument(
        "--project",
        default=PROJECT,
        help=f"the Pulumi project name in the URNs (Pulumi.yaml `name`; default {PROJECT})",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    loaded = [_load(path) for path in args.input]
    old_count = _complete_count([item for item, _ in loaded])
    placed = [
        (item.manifest.shard.index, account)
        for item, previous in loaded
        for account in previous.baseline.values()
    ]
    stacks = _stack_names(loaded, args.stack, max(old_count, args.to))
    moved = moves(placed, args.to)
    sys.stdout.write(script(moved, old_count, args.to, args.project, stacks))
    share = f" ({len(moved) / len(placed):.0%})" if placed else ""
    print(
        f"reshard: {len(moved)} of {len(placed)} deployed account(s) change shard{share},"
        f" {old_count} -> {args.to} shards",
        file=sys.stderr,
    )
    return 0


def _stack_names(
    loaded: list[tuple[LoadedManifest, PreviousState]], base: str | None, count: int
) -> list[str]:
    """Each shard index's stack, by the naming rule from the base stack; an input that names its
    stack (a `pulumi stack export`) must be the stack the rule gives its shard."""
    named = {
        item.manifest.shard.index: previous.state.stack
        for item, previous in loaded
        if previous.state is not None and previous.state.stack
    }
    stacks = shard_stack_names(base or named.get(0) or "shard-0", count)
    problems = [
        Problem(
            item.source,
            "root stack URN",
            previous.state.stack,
            f"is the stack of shard {item.manifest.shard.index}, which is"
            f" {stacks[item.manifest.shard.index]} by the naming of {stacks[0]} (org-backup"
            " stacks); rename it with `pulumi stack rename`, not a state move",
        )
        for item, previous in loaded
        if previous.state is not None
        and previous.state.stack
        and previous.state.stack != stacks[item.manifest.shard.index]
    ]
    if problems:
        raise InputError(problems)
    return stacks


def _load(path: str) -> tuple[LoadedManifest, PreviousState]:
    """A shard's output or export; an export must carry the output, which names the shard."""
    previous = read_previous(path, "--input")
    if previous.manifest is None:
        raise InputError(
            [
                Problem(
                    previous.source,
                    "root stack outputs.org_backup",
                    MISSING,
                    "is absent: this stack never completed an update, so its shard is unknown;"
                    " complete one `pulumi up` of it first",
                )
            ]
        )
    return LoadedManifest(previous.source, previous.manifest), previous


def _complete_count(loaded: list[LoadedManifest]) -> int:
    """The current shard count, when the inputs are exactly one output of each shard of one
    organization; anything less would leave accounts unplaced (exit 2)."""
    sources = [item.source for item in loaded]
    problems = [
        Problem("command line", "--input", sources, f"{finding} reshard needs every shard once.")
        for finding in shard_findings(loaded)
    ]
    organizations = {item.manifest.organization.id for item in loaded}
    if len(organizations) > 1:
        problems.append(
            Problem(
                "command line",
                "--input",
                sources,
                f"the inputs come from {len(organizations)} organizations"
                f" ({', '.join(sorted(organizations))}); give the shards of one",
            )
        )
    if problems:
        raise InputError(problems)
    return loaded[0].manifest.shard.count
