"""`efs_automatic_backups = disable`: every tagged file system of a covered account-region gets an
EFS backup policy DISABLED, looked up while the program runs; offline (or when the lookup
fails) the previous run's list is kept, so nothing is deleted because a call could not be made."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest

from org_backup.cli import main
from tests.support.api_shapes import api_requests, validation_errors
from tests.support.plans import by_type
from tests.support.world import EAST, World

BACKUP_POLICY = "aws:efs/backupPolicy:BackupPolicy"


@pytest.fixture
def disabling(world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> World:
    monkeypatch.setattr(boto3, "Session", lambda *args, **kwargs: world.session)
    monkeypatch.setenv("ORG_BACKUP_EFS_AUTOMATIC_BACKUPS", "disable")
    monkeypatch.chdir(tmp_path)
    return world


def _synth(world: World, out: str, *flags: str) -> dict:
    assert main(["synth", "--accounts-dir", str(world.accounts_dir), "--out", out, *flags]) == 0
    return json.loads(Path(out).read_text())


def test_each_tagged_file_system_gets_its_automatic_backups_disabled(disabling: World):
    prod = disabling.org.accounts["ml-prod"]
    tagged = disabling.file_system(prod).rsplit("/", 1)[-1]
    disabling.member(prod, "efs", EAST).create_file_system(CreationToken="untagged")

    synthesized = _synth(disabling, "s.json")

    (policy,) = by_type(synthesized["resources"], BACKUP_POLICY)
    assert policy["provider"] == f"{prod}-aws"
    assert policy["inputs"] == {
        "fileSystemId": tagged,
        "backupPolicy": {"status": "DISABLED"},
        "region": EAST,
    }
    (request,) = [r for r in api_requests(synthesized["resources"]) if r.service == "efs"]
    assert request.operation == "PutBackupPolicy" and validation_errors(request) == []
    regions = {
        account["name"]: account["regions"][0]
        for account in synthesized["accounts"]
        if account["status"] == "covered"
    }
    assert regions["ml-prod"]["efs_automatic_backups"] == {
        "mode": "disable",
        "managed_file_systems": [tagged],
    }
    assert regions["ml-dev"]["efs_automatic_backups"]["managed_file_systems"] == []


def test_offline_keeps_the_previous_list(disabling: World, capsys):
    prod = disabling.org.accounts["ml-prod"]
    tagged = disabling.file_system(prod).rsplit("/", 1)[-1]
    _synth(disabling, "before.json")
    capsys.readouterr()

    after = _synth(disabling, "after.json", "--offline", "--previous", "before.json")

    assert [p["inputs"]["fileSystemId"] for p in by_type(after["resources"], BACKUP_POLICY)] == [
        tagged
    ]
    assert "tagged EFS file systems not looked up (offline)" in capsys.readouterr().err
