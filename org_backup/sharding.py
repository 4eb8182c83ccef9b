"""Stable shards: an account's shard depends on its id alone, so adding accounts moves no other."""

from __future__ import annotations

import hashlib


def shard_of(account_id: str, shard_count: int) -> int:
    return int(hashlib.sha256(account_id.encode()).hexdigest(), 16) % shard_count
