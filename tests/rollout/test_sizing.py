"""`sizing`: the shard count keeps the largest real shard's provider processes within the
runner's memory."""

from __future__ import annotations

from collections import Counter

import pytest

from org_backup.cli import main
from org_backup.organization.sharding import shard_of
from org_backup.rollout.sizing import resources_per_account, size

IDS = [f"{200000000000 + 104729 * n:012d}" for n in range(1000)]


@pytest.mark.parametrize("runner_gib", [7, 16, 64])
def test_the_largest_rendezvous_shard_fits_the_runner(runner_gib: int):
    sizing = size(len(IDS), runner_gib * 1024)

    assert sizing.capacity == (runner_gib * 1024 - 2048) // 430
    shards = Counter(shard_of(account_id, sizing.shard_count) for account_id in IDS)
    assert max(shards.values()) <= sizing.capacity
    fewer = Counter(shard_of(account_id, sizing.shard_count // 2) for account_id in IDS)
    assert max(fewer.values()) > sizing.capacity  # half as many shards would not fit


def test_resources_per_account_match_the_rollout():
    assert resources_per_account(4) == 17
    assert resources_per_account(4, vault_lock=True) == 21


def test_command_prints_the_formula_and_refuses_a_runner_too_small(capsys):
    assert main(["sizing", "--accounts", "1000", "--runner-memory-gib", "16"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("shard_count: ")
    assert "(16384 MiB - 2048 MiB reserve) / 430 MiB per provider process = 33" in out

    assert main(["sizing", "--accounts", "10", "--runner-memory-gib", "2"]) == 2
    assert "no room for one provider process" in capsys.readouterr().err
