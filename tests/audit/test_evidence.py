"""The audit against moto: each covered account-region's Backup Audit Manager framework and the
AWS Config recorder behind it, and tagged file systems that EFS also backs up on its own."""

from __future__ import annotations

import json
from typing import Any

import pytest

from org_backup.reporting.formats import FORMATS, render
from org_backup.reporting.kinds import Thresholds
from org_backup.reporting.model import AUDIT_COLUMNS
from org_backup.reporting.render_json import render_json
from org_backup.reporting.rollup import findings_by_kind, ou_rollup
from org_backup.reporting.since import read_earlier, with_changes
from tests.support.faults import Edge
from tests.support.world import (
    EAST,
    NOW,
    AwsError,
    World,
    by_account,
    findings,
    recovery_point,
)

pytestmark = pytest.mark.usefixtures("world")


def _frameworks(world: World, status: str = "COMPLETED") -> list[dict[str, Any]]:
    """DescribeFramework, which moto lacks: every account has the framework, deployed."""
    asked: list[dict[str, Any]] = []

    def describe(params: dict[str, Any], _region: str) -> dict[str, Any]:
        asked.append(params)
        return {
            "FrameworkName": params["FrameworkName"],
            "DeploymentStatus": status,
            "FrameworkStatus": "ACTIVE",
        }

    world.canned.on("backup", "DescribeFramework", describe)
    return asked


def _record_everything(world: World, account_id: str) -> None:
    """A recorder that records every supported type, delivering to a bucket, started."""
    config = world.member(account_id, "config", EAST)
    config.put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": f"arn:aws:iam::{account_id}:role/config",
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": False},
        }
    )
    world.member(account_id, "s3", EAST).create_bucket(Bucket=f"config-{account_id}")
    config.put_delivery_channel(
        DeliveryChannel={"name": "default", "s3BucketName": f"config-{account_id}"}
    )
    config.start_configuration_recorder(ConfigurationRecorderName="default")


def test_an_account_region_without_aws_config_is_a_finding(world: World, monkeypatch):
    monkeypatch.setenv("ORG_BACKUP_AUDIT_FRAMEWORKS_ENABLED", "true")
    prod, dev = world.org.accounts["ml-prod"], world.org.accounts["ml-dev"]
    world.deploy(prod)
    world.deploy(dev)
    _record_everything(world, prod)
    asked = _frameworks(world)

    report = world.run()

    assert findings(report, "ml-prod") == []
    (dev_row,) = by_account(report, "ml-dev")
    (finding,) = dev_row.findings
    assert finding.kind == "config not recording"
    assert "there is no configuration recorder" in finding.text
    assert "framework org_backup_ai" in finding.text
    assert "AWS::Backup::RecoveryPoint" in finding.text
    assert report.summary.findings_by_kind == {"config not recording": 1}
    assert {params["FrameworkName"] for params in asked} == {"org_backup_ai"}


def test_a_stopped_recorder_and_a_failed_framework_are_findings(world: World, monkeypatch):
    monkeypatch.setenv("ORG_BACKUP_AUDIT_FRAMEWORKS_ENABLED", "true")
    prod = world.org.accounts["ml-prod"]
    world.deploy(prod)
    world.member(prod, "config", EAST).put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": f"arn:aws:iam::{prod}:role/config",
            "recordingGroup": {
                "allSupported": False,
                "resourceTypes": ["AWS::Backup::BackupPlan"],
                "recordingStrategy": {"useOnly": "INCLUSION_BY_RESOURCE_TYPES"},
            },
        }
    )
    _frameworks(world, status="FAILED")

    report = world.run()

    texts = [finding.text for finding in by_account(report, "ml-prod")[0].findings]
    assert any("failed to deploy (deployment status FAILED)" in text for text in texts)
    assert any("configuration recorder default is not recording" in text for text in texts)


def test_require_frameworks_without_frameworks_fails_every_account_region(world: World):
    world.deploy(world.org.accounts["ml-prod"])
    world.deploy(world.org.accounts["ml-dev"])
    world.canned.on("backup", "DescribeFramework", _not_found)

    report = world.run(Thresholds(require_frameworks=True))

    assert report.summary.findings_by_kind == {"no audit framework": 2}
    assert "--require-frameworks" in findings(report, "ml-dev")[0].text


def _not_found(params: dict[str, Any], _region: str) -> dict[str, Any]:
    raise AwsError("ResourceNotFoundException", "no such framework", 404)


def _automatic(world: World, account_id: str) -> str:
    """A tagged file system created as the console creates one: automatic backups on, the
    system tag on it, and a recovery point in EFS's own vault next to the plan's."""
    arn = world.member(account_id, "efs", EAST).create_file_system(
        CreationToken=f"{account_id}-console",
        Backup=True,
        Tags=[
            {"Key": "Name", "Value": "AIFilesystem"},
            {"Key": "aws:elasticfilesystem:default-backup", "Value": "enabled"},
        ],
    )["FileSystemArn"]
    points = world.recovery_points.setdefault(arn, [])
    points.append(recovery_point(NOW.replace(hour=6)))
    points.append(recovery_point(NOW.replace(hour=5), vault="aws/efs/automatic-backup-vault"))
    return arn


def test_a_tagged_file_system_with_automatic_backups_is_a_duplicate(world: World, edge: Edge):
    prod = world.org.accounts["ml-prod"]
    world.deploy(prod)
    plain = world.file_system(prod)
    duplicated = _automatic(world, prod)
    edge.reach(world.session)
    edge.count("efs", "DescribeBackupPolicy")

    report = world.run()

    rows = {row.resource_arn: row for row in by_account(report, "ml-prod")}
    assert rows[plain].findings == ()
    (finding,) = rows[duplicated].findings
    assert finding.kind == "duplicate automatic backups"
    fs_id = duplicated.rsplit("/", 1)[-1]
    assert "backup policy ENABLED" in finding.text
    assert "aws/efs/automatic-backup-vault" in finding.text
    assert "billed twice" in finding.text
    assert f"--file-system-id {fs_id} --backup-policy Status=DISABLED" in finding.text
    assert edge.calls["efs.DescribeBackupPolicy"] == 1  # the flagged file system only


def test_accepted_automatic_backups_are_no_finding(world: World, monkeypatch):
    monkeypatch.setenv("ORG_BACKUP_EFS_AUTOMATIC_BACKUPS", "accept")
    prod = world.org.accounts["ml-prod"]
    world.deploy(prod)
    _automatic(world, prod)

    assert findings(world.run(), "ml-prod") == []


def test_both_show_in_every_format_the_ou_rollup_and_since(world: World, monkeypatch, tmp_path):
    monkeypatch.setenv("ORG_BACKUP_AUDIT_FRAMEWORKS_ENABLED", "true")
    prod, dev = world.org.accounts["ml-prod"], world.org.accounts["ml-dev"]
    world.deploy(prod)
    world.deploy(dev)
    _record_everything(world, prod)
    _frameworks(world)
    yesterday = tmp_path / "yesterday.json"
    yesterday.write_text(render_json(world.run(), AUDIT_COLUMNS))
    duplicated = _automatic(world, prod)

    today = with_changes(world.run(), read_earlier(str(yesterday)))

    for format_name in FORMATS:
        text = render(today, format_name, AUDIT_COLUMNS)
        assert f"{duplicated} also has EFS automatic backups" in text, format_name
        assert "there is no configuration recorder" in text, format_name
    kinds = {line.kind: line.findings for line in findings_by_kind(today.rows)}
    assert kinds == {"config not recording": 1, "duplicate automatic backups": 1}
    ml = {line.path: line for line in ou_rollup(today)}
    assert ml["Root/ML/Prod"].compliant == 0 and ml["Root/ML/Dev"].compliant == 0
    changes = json.loads(render_json(today, AUDIT_COLUMNS))["changes"]
    assert [f["finding"] for f in changes["new_findings"]] == ["duplicate automatic backups"]
