"""`synth` with frameworks on: one framework per covered account-region and the organization's
report plans in the management account, as the user reads them in its summary."""

from __future__ import annotations

import json
from pathlib import Path

import boto3

from org_backup.cli import main
from tests.support.world import World


def test_synth_shows_frameworks_and_report_plans(world: World, monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(boto3, "Session", lambda *args, **kwargs: world.session)
    monkeypatch.setenv("ORG_BACKUP_AUDIT_FRAMEWORKS_ENABLED", "true")
    monkeypatch.setenv("ORG_BACKUP_AUDIT_REPORTS_BUCKET", "acme-backup-audit")
    monkeypatch.chdir(tmp_path)

    code = main(["synth", "--accounts-dir", str(world.accounts_dir), "--out", "s.json"])

    assert code == 0
    err = capsys.readouterr().err
    assert "synth: 2 Backup Audit Manager frameworks, controls: " in err
    assert "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK (2)" in err
    management = world.session.client("organizations").describe_organization()["Organization"][
        "MasterAccountId"
    ]
    assert (
        "synth: audit report plans org_backup_backup_jobs, org_backup_control_compliance"
        f" (provider org-{management}-aws, us-east-1)"
    ) in err
    manifest = json.loads(Path("s.json").read_text())
    assert manifest["audit_reports"]["bucket"] == "acme-backup-audit"
    covered = [a for a in manifest["accounts"] if a["status"] == "covered"]
    assert all(
        region["framework"]["name"] == "org_backup_ai" for a in covered for region in a["regions"]
    )


def test_frameworks_without_a_bucket_warn(world: World, monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(boto3, "Session", lambda *args, **kwargs: world.session)
    monkeypatch.setenv("ORG_BACKUP_AUDIT_FRAMEWORKS_ENABLED", "true")
    monkeypatch.chdir(tmp_path)
    assert main(["synth", "--accounts-dir", str(world.accounts_dir), "--out", "s.json"]) == 0
    assert (
        "no report plan delivers their evidence: set audit_reports_bucket"
        in capsys.readouterr().err
    )
