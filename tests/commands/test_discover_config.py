"""`discover` with `check_config_recording`: which covered account-regions' AWS Config does not
record what the audit frameworks need, in the table and in `--json` (for `report
--require-frameworks`)."""

from __future__ import annotations

import json

import boto3
import pytest

from org_backup.cli import main
from tests.support.world import EAST, World


@pytest.fixture
def frameworks(world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setattr(boto3, "Session", lambda *args, **kwargs: world.session)
    monkeypatch.setenv("ORG_BACKUP_AUDIT_FRAMEWORKS_ENABLED", "true")
    monkeypatch.setenv("ORG_BACKUP_CHECK_CONFIG_RECORDING", "true")
    prod = world.org.accounts["ml-prod"]
    world.member(prod, "config", EAST).put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": f"arn:aws:iam::{prod}:role/config",
            "recordingGroup": {
                "allSupported": False,
                "resourceTypes": ["AWS::Backup::BackupPlan", "AWS::EFS::FileSystem"],
                "recordingStrategy": {"useOnly": "INCLUSION_BY_RESOURCE_TYPES"},
            },
        }
    )
    return world


def test_the_table_names_each_account_region_config_does_not_serve(frameworks: World, capsys):
    assert main(["discover", "--accounts-dir", str(frameworks.accounts_dir)]) == 0
    out = capsys.readouterr().out
    prod, dev = frameworks.org.accounts["ml-prod"], frameworks.org.accounts["ml-dev"]
    assert "AWS Config: 2 of 2 covered account-regions do not record" in out
    assert f"  {dev} {EAST}: there is no configuration recorder" in out
    assert f"  {prod} {EAST}: configuration recorder default is not recording" in out


def test_the_json_plan_fails_report_require_frameworks(frameworks: World, capsys, tmp_path):
    assert main(["discover", "--json", "--accounts-dir", str(frameworks.accounts_dir)]) == 0
    plan = json.loads(capsys.readouterr().out)
    configs = [
        region["framework"]["config"]
        for account in plan["accounts"]
        for region in account["regions"]
    ]
    assert {config["recorder"] for config in configs} == {None, "default"}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    code = main(["report", "--input", str(path), "--planned", "--require-frameworks"])
    assert code == 1
    assert "config not recording" in capsys.readouterr().out


def test_without_the_check_the_table_says_config_was_not_checked(
    frameworks: World, monkeypatch, capsys
):
    monkeypatch.setenv("ORG_BACKUP_CHECK_CONFIG_RECORDING", "false")
    assert main(["discover", "--accounts-dir", str(frameworks.accounts_dir)]) == 0
    out = capsys.readouterr().out
    assert "AWS Config not checked (set check_config_recording, or run audit)" in out
    assert "do not record" not in out
