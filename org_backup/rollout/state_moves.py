"""`pulumi state move` commands that carry accounts between shard stacks when the shard count
changes, so their resources change stack without being deleted in one and created in the other.

Only the component's URN is given: `pulumi state move` moves every child of a moved resource with
it, except providers, which it copies into the destination (pulumi/pulumi
pkg/cmd/pulumi/state/state_move.go); account providers are top-level resources for that reason
(rollout/account.py). URNs follow the engine's rule: the root stack's type is left
out of a top-level resource's type, a child's type is prefixed with its parent's.

An account moved into a stack is in that stack's state before any output of the stack lists it,
so the destination's first `pulumi up` must read its state (`make up`, the workflows' up-stack):
then its removal guard counts the moved accounts like any other.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from org_backup.coverage import names
from org_backup.coverage.state.previous import CoveredBefore
from org_backup.organization.sharding import shard_of

# URNs per command: one `state move` rewrites both stacks' whole state once, so accounts are
# batched, but not so many that a failed batch is hard to retry or the line hard to review.
BATCH = 20


def component_urn(stack: str, project: str, account_id: str) -> str:
    """The URN the engine gives an account's AccountBackup component in `stack`."""
    return (
        f"urn:pulumi:{stack}::{project}::{names.COMPONENT_TYPE}::{names.component_name(account_id)}"
    )


@dataclass(frozen=True)
class Move:
    """One account to move; `name` is None when only the source's state knows the account."""

    account_id: str
    name: str | None
    source: int
    dest: int


def moves(placed: Iterable[tuple[int, CoveredBefore]], new_count: int) -> list[Move]:
    """Every account a source stack deploys whose shard changes; skipped accounts have nothing
    in any state."""
    return sorted(
        (
            Move(account.account_id, account.name, index, shard_of(account.account_id, new_count))
            for index, account in placed
            if shard_of(account.account_id, new_count) != index
        ),
        key=lambda move: (move.source, move.dest, move.account_id),
    )


def script(
    moved: Sequence[Move], old_count: int, new_count: int, project: str, stacks: Sequence[str]
) -> str:
    """The shell script: new stacks first, then the moves per (source, destination); `stacks`
    names the stack of each shard index (at least max(old_count, new_count) of them)."""
    base = stacks[0]
    lines = [
        f"# Reshard from {old_count} to {new_count} shards: {len(moved)} account(s) change stack.",
        "# Run with no rollout in progress, from the project directory, before the first",
        f"# `pulumi up` with shard_count {new_count}; nothing in AWS is touched. Then run every",
        "# stack's first `pulumi up` with its state exported (`make up STACK=...`, or the",
        "# workflows): moved accounts are in a stack's state before any of its outputs list them.",
        f"pulumi config set org-backup:shard_count {new_count} -s {base}",
        f"org-backup stacks sync -s {base}  # writes every shard stack's file; commit them",
    ]
    lines += [f"pulumi stack init {stacks[index]}" for index in range(old_count, new_count)]
    pairs: dict[tuple[int, int], list[Move]] = {}
    for move in moved:
        pairs.setdefault((move.source, move.dest), []).append(move)
    for (source, dest), group in pairs.items():
        for start in range(0, len(group), BATCH):
            batch = group[start : start + BATCH]
            lines.append("")
            lines.extend(f"# {m.account_id} {m.name or '(found only in the state)'}" for m in batch)
            lines.append(f"pulumi state move --source {stacks[source]} --dest {stacks[dest]} \\")
            urns = [
                shlex.quote(component_urn(stacks[source], project, m.account_id)) for m in batch
            ]
            lines.extend(f"  {urn} \\" for urn in urns[:-1])
            lines.append(f"  {urns[-1]}")
    for index in range(new_count, old_count):
        lines.append("")
        lines.append(f"# {stacks[index]} is now empty: pulumi stack rm {stacks[index]}")
    return "\n".join(lines) + "\n"
