"""Stable shards by rendezvous (highest random weight) hashing of the account id.

Each account scores every shard index with a hash of (account id, index) and belongs to the
highest. An account's shard depends on its id and the shard count alone, so adding accounts moves
no other; going from N to N+1 shards moves only the accounts whose new shard N outscores all the
old ones, about 1/(N+1) of them, and each of those moves to the new shard. (`id % N`, the naive
alternative, moves about N/(N+1) of them.)
"""

from __future__ import annotations

import hashlib
import re

from org_backup.errors import Problem

_SHARD_STACK = re.compile(r"(?:^|[/-])shard-(\d+)$")
_FIRST_SHARD = re.compile(r"(?:^|[/-])shard-0$")


def _weight(account_id: str, index: int) -> int:
    digest = hashlib.sha256(f"{account_id}/{index}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def shard_of(account_id: str, shard_count: int) -> int:
    """The index (0 .. shard_count - 1) with the highest weight; ties go to the lower index."""
    return max(range(shard_count), key=lambda index: (_weight(account_id, index), -index))


def shard_stack_names(base: str, shard_count: int) -> list[str]:
    """The stacks of one deployment: shard 0 is the base stack itself (it already holds the
    organization-level resources, so going from one shard to several moves none of them), shard
    i is `<base>-shard-<i>`; a base named `...shard-0` keeps its numbering (`shard-1`, ...)."""
    stem = shard_stack_stem(base)
    return [base] + [f"{stem}{index}" for index in range(1, shard_count)]


def shard_stack_stem(base: str) -> str:
    """What a shard's index is appended to: `prod-shard-`, or `shard-` for the base `shard-0`."""
    return base[: -len("0")] if _FIRST_SHARD.search(base) else f"{base}-shard-"


def stack_shard_problems(stack_name: str | None, shard_index: int, source: str) -> list[Problem]:
    """A stack named `shard-N` (or `prod-shard-N`) must deploy shard N.

    Otherwise a stack run without its shard settings would plan another shard's accounts,
    deleting its own and creating theirs.
    """
    match = _SHARD_STACK.search(stack_name or "")
    if match is None or int(match.group(1)) == shard_index:
        return []
    expected = int(match.group(1))
    return [
        Problem(
            source,
            "shard_index",
            shard_index,
            f"stack {stack_name!r} is shard {expected} by its name; set org-backup:shard_index"
            f" to {expected} (and shard_count) in Pulumi.{stack_name.split('/')[-1]}.yaml",
        )
    ]
