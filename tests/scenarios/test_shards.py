"""Sharding splits the rollout without losing or doubling anything: `synth` of shards 0..3 of 4
gives four disjoint manifests whose union is the unsharded manifest, resources included."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws
from moto.moto_api._internal import mock_random

from org_backup.cli import main
from tests.support.orgs import new_org

SHARDS = 4
OUS = ("ML/Prod", "ML/Dev", "Data", "Sandbox")


@pytest.fixture
def accounts_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """24 member accounts (one suspended) in nested OUs, two regions; no account files."""
    monkeypatch.setenv("ORG_BACKUP_REGIONS", '["us-east-1", "eu-west-1"]')
    with mock_aws():
        mock_random.seed(7)  # fixed account ids: each shard gets some of them
        org = new_org()
        ids = [org.account(f"account-{i:02d}", OUS[i % len(OUS)]) for i in range(24)]
        org.client.close_account(AccountId=ids[0])
        directory = tmp_path / "accounts"
        directory.mkdir()
        yield directory


def synth(accounts_dir: Path, out: Path) -> dict[str, Any]:
    assert main(["synth", "--accounts-dir", str(accounts_dir), "--out", str(out)]) == 0
    return json.loads(out.read_text())


def by_key(entries: list[dict[str, Any]], *keys: str) -> dict[tuple[str, ...], dict[str, Any]]:
    return {tuple(entry[key] for key in keys): entry for entry in entries}


def test_four_shards_are_disjoint_and_add_up_to_the_unsharded_synth(
    accounts_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = synth(accounts_dir, tmp_path / "whole.json")
    monkeypatch.setenv("ORG_BACKUP_SHARD_COUNT", str(SHARDS))
    shards = []
    for index in range(SHARDS):
        monkeypatch.setenv("ORG_BACKUP_SHARD_INDEX", str(index))
        shards.append(synth(accounts_dir, tmp_path / f"shard-{index}.json"))

    assert [shard["shard"] for shard in shards] == [
        {"index": index, "count": SHARDS} for index in range(SHARDS)
    ]
    assert all(shard["accounts"] for shard in shards), "every shard holds some accounts"
    for kind, keys in (("accounts", ("account_id",)), ("resources", ("type", "name"))):
        parts = [by_key(shard[kind], *keys) for shard in shards]
        union = {key: entry for part in parts for key, entry in part.items()}
        assert sum(map(len, parts)) == len(union), f"{kind}: some are in two shards"
        assert union == by_key(whole[kind], *keys), f"{kind}: the shards' union is not the whole"
    statuses = {account["status"] for account in whole["accounts"]}
    assert statuses == {"covered", "skipped"}  # both kinds were split, not only covered ones
