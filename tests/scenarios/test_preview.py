"""`make preview` end to end: a fresh process, a moto server, the demo organization, every file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from org_backup.manifest.model import Manifest

ROOT = Path(__file__).resolve().parents[2]


def test_preview_prints_the_plan_and_writes_manifest_and_reports(tmp_path: Path):
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ORG_BACKUP_"))}

    result = subprocess.run(
        [sys.executable, "-m", "org_backup.demo.preview", "--build-dir", str(tmp_path)],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=240,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    # The plan: every demo account, the suspended one skipped, the override applied.
    assert "skipped: suspended" in result.stdout
    assert "cron(0 3 * * ? *) Etc/UTC  365d" in result.stdout
    # Every covered account but the central one copies to its vaults.
    assert "365d +copy 365d" in result.stdout
    assert "Copies go to the standard vault org-backup-central of account" in result.stdout
    assert "12 rules copy to the central vaults" in result.stderr
    assert "7 accounts covered (2 skipped), 14 account-regions" in result.stderr
    document = json.loads((tmp_path / "manifest.json").read_text())
    manifest = Manifest.model_validate(document)
    covered = [a for a in manifest.accounts if a.status == "covered"]
    assert len(covered) == 7
    assert all(r.plan.id and r.vault.arn and r.selection.id for a in covered for r in a.regions)
    assert {r["type"] for r in document["resources"]} >= {
        "aws:backup/vault:Vault",
        "aws:backup/plan:Plan",
        "aws:backup/selection:Selection",
        "aws:iam/role:Role",
        "pulumi:providers:aws",
    }
    # A plan, judged on its policy alone, and saying so: nothing here is deployed.
    markdown = (tmp_path / "report.md").read_text()
    assert markdown.startswith("# org-backup compliance report (plan: not deployed)")
    assert "| Status | COMPLIANT |" in markdown
    assert "| Judged as | a plan (--planned)" in markdown
    html = (tmp_path / "report.html").read_text()
    assert "<table" in html and "COMPLIANT" in html
    assert "This is a plan, not a deployment." in html
