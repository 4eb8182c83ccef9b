"""Stable shards: an account's shard depends on its id alone, so adding accounts moves no other."""

from __future__ import annotations

import hashlib
import re

from org_backup.errors import Problem

_SHARD_STACK = re.compile(r"(?:^|/)shard-(\d+)$")


def shard_of(account_id: str, shard_count: int) -> int:
    return int(hashlib.sha256(account_id.encode()).hexdigest(), 16) % shard_count


def stack_shard_problems(stack_name: str | None, shard_index: int, source: str) -> list[Problem]:
    """A stack named `shard-N` must deploy shard N.

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
