"""`report --require-frameworks`: every account-region needs a Backup Audit Manager framework,
deployed, with AWS Config recording what its controls need; the manifest says what was found."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from org_backup.cli import main
from org_backup.coverage.audit_evidence import AuditFrameworksConfig
from org_backup.rollout.synthesize import synthesize
from tests.support.plans import covered, org

A = "111122223333"


def report(tmp_path: Path, capsys, manifest: dict[str, Any], *flags: str):
    path = tmp_path / "synth.json"
    path.write_text(json.dumps(manifest))
    args = ["report", "--input", str(path), *flags]
    code = main([*args, "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    main([*args, "--format", "json"])
    return code, rows, json.loads(capsys.readouterr().out)["summary"]


def test_without_frameworks_every_account_region_is_a_finding(tmp_path, capsys):
    manifest = synthesize(org(covered(A)))
    code, rows, summary = report(tmp_path, capsys, manifest, "--planned")
    assert code == 0  # opt-in
    code, rows, summary = report(tmp_path, capsys, manifest, "--planned", "--require-frameworks")
    assert code == 1
    assert summary["findings_by_kind"] == {"no audit framework": 2}
    assert "set audit_frameworks_enabled" in rows[0]["findings"]


def test_config_that_does_not_record_what_the_controls_need_fails(tmp_path, capsys):
    manifest = synthesize(org(covered(A), audit_frameworks=AuditFrameworksConfig()))
    east, west = manifest["accounts"][0]["regions"]
    east["framework"]["config"] = {
        "recorder": "default",
        "recording": True,
        "missing_types": ["AWS::Backup::RecoveryPoint"],
    }
    west["framework"]["config"] = {"recorder": "default", "recording": True}
    code, rows, summary = report(tmp_path, capsys, manifest, "--planned", "--require-frameworks")
    assert code == 1
    assert summary["findings_by_kind"] == {"config not recording": 1}
    by_region = {row["region"]: row for row in rows}
    assert (
        "configuration recorder default does not record AWS::Backup::RecoveryPoint"
        in by_region["us-east-1"]["findings"]
    )
    assert by_region["eu-west-1"]["status"] == "COMPLIANT"


def test_a_deployment_that_did_not_look_at_config_is_no_evidence(tmp_path, capsys):
    manifest = synthesize(
        org(covered(A, regions=("us-east-1",)), audit_frameworks=AuditFrameworksConfig())
    )
    framework = manifest["accounts"][0]["regions"][0]["framework"]
    framework["deployment_status"] = "FAILED"
    code, rows, summary = report(tmp_path, capsys, manifest, "--require-frameworks")
    assert code == 1
    kinds = summary["findings_by_kind"]
    assert kinds["no audit framework"] == 1 and kinds["config not recording"] == 1
    assert "failed to deploy" in rows[0]["findings"]
    assert "was not checked (set check_config_recording" in rows[0]["findings"]
