"""`audit --since`: the live view compared with yesterday's, file system by file system."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from org_backup.reporting.model import AUDIT_COLUMNS
from org_backup.reporting.render_json import render_json
from org_backup.reporting.since import read_earlier, with_changes
from tests.support.world import EAST, NOW, World, recovery_point


def test_a_backup_caught_up_is_resolved_and_a_new_file_system_is_new(world: World, tmp_path):
    prod = world.org.accounts["ml-prod"]
    world.deploy(prod)
    world.deploy(world.org.accounts["ml-dev"])
    late = world.file_system(prod)
    world.recovery_points[late] = [recovery_point(NOW - timedelta(hours=40))]
    yesterday = tmp_path / "yesterday.json"
    yesterday.write_text(render_json(world.run(), AUDIT_COLUMNS))

    world.recovery_points[late] = [recovery_point(NOW - timedelta(hours=2))]
    fresh = world.file_system(prod)
    world.recovery_points[fresh] = []
    today = with_changes(world.run(), read_earlier(str(yesterday)))

    changes = json.loads(render_json(today, AUDIT_COLUMNS))["changes"]
    assert [
        (f["account_id"], f["region"], f["finding"], f["resource_arn"])
        for f in changes["new_findings"]
    ] == [(prod, EAST, "never backed up", fresh)]
    assert [
        (f["account_id"], f["region"], f["finding"], f["resource_arn"])
        for f in changes["resolved_findings"]
    ] == [(prod, EAST, "latest backup too old", late)]
    assert changes["accounts_added"] == changes["accounts_removed"] == []
    assert json.loads(render_json(today, AUDIT_COLUMNS))["summary"]["findings_by_kind"] == {
        "never backed up": 1
    }
    assert str(yesterday) in today.summary.input_sha256


def test_audit_refuses_a_bad_since_file_before_any_aws_call(tmp_path: Path, capsys) -> None:
    from org_backup.cli import main

    code = main(["audit", "--accounts-dir", str(tmp_path), "--since", str(tmp_path / "no.json")])

    assert code == 2
    assert "no such file" in capsys.readouterr().err


def test_the_audit_names_the_digest_of_every_account_file_it_read(world: World) -> None:
    import hashlib

    prod = world.org.accounts["ml-prod"]
    world.deploy(prod)
    override = world.accounts_dir / "ml-prod.yaml"
    override.write_text(f"account_id: '{prod}'\nname: ml-prod\n")

    report = world.run()

    assert report.summary.input_sha256 == {
        str(override): hashlib.sha256(override.read_bytes()).hexdigest()
    }
    assert report.summary.generated_at == "2026-03-02T12:00:00Z"  # the audit's own clock


def test_a_deleted_file_system_is_no_longer_reported_not_resolved(world: World, tmp_path):
    prod = world.org.accounts["ml-prod"]
    world.deploy(prod)
    late = world.file_system(prod)
    world.recovery_points[late] = [recovery_point(NOW - timedelta(hours=40))]
    yesterday = tmp_path / "yesterday.json"
    yesterday.write_text(render_json(world.run(), AUDIT_COLUMNS))

    efs = world.member(prod, "efs")
    efs.delete_file_system(FileSystemId=late.rsplit("/", 1)[-1])
    today = with_changes(world.run(), read_earlier(str(yesterday)))

    changes = json.loads(render_json(today, AUDIT_COLUMNS))["changes"]
    assert changes["resolved_findings"] == []
    assert [
        (f["account_id"], f["region"], f["finding"], f["resource_arn"], f["reason"])
        for f in changes["no_longer_reported"]
    ] == [(prod, EAST, "latest backup too old", late, "file system no longer found")]
