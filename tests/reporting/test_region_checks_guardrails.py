"""The report says which account-regions are guarded: with guardrails off every one is
`unguarded` (a column and a summary count, not a finding: guardrails are opt-in), and
`--require-guardrails` makes each unguarded one a finding."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from org_backup.cli import main
from org_backup.rollout.synthesize import synthesize
from tests.support.guardrail_plans import guardrails
from tests.support.plans import MANAGEMENT_ID, covered, org

A = "111122223333"


def report(tmp_path: Path, capsys, plan, *flags: str) -> tuple[int, list[dict[str, str]], dict]:
    manifest = tmp_path / "synth.json"
    manifest.write_text(json.dumps(synthesize(plan)))
    args = ["report", "--input", str(manifest), "--planned", *flags]
    code = main([*args, "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    main([*args, "--format", "json"])
    return code, rows, json.loads(capsys.readouterr().out)["summary"]


def test_with_guardrails_off_every_account_region_is_unguarded_but_compliant(tmp_path, capsys):
    code, rows, summary = report(tmp_path, capsys, org(covered(A)))
    assert code == 0
    assert [row["guardrails"] for row in rows] == ["unguarded", "unguarded"]
    assert summary["account_regions_unguarded"] == 2


def test_require_guardrails_fails_every_unguarded_account_region(tmp_path, capsys):
    code, rows, summary = report(tmp_path, capsys, org(covered(A)), "--require-guardrails")
    assert code == 1
    assert summary["findings_by_kind"] == {"guardrails missing": 2}
    assert all("no vault access policy and no organization SCP" in row["findings"] for row in rows)


def test_guarded_account_regions_pass_but_the_management_account_cannot(tmp_path, capsys):
    plan = org(covered(A), covered(MANAGEMENT_ID, regions=("us-east-1",)), guardrails=guardrails())
    code, rows, summary = report(tmp_path, capsys, plan, "--require-guardrails")
    by_account = {(row["account_id"], row["region"]): row for row in rows}
    assert by_account[(A, "us-east-1")]["guardrails"] == "vault policy, SCP org-backup-guardrails"
    assert by_account[(A, "us-east-1")]["status"] == "COMPLIANT"
    assert by_account[(MANAGEMENT_ID, "us-east-1")]["guardrails"] == "unguarded"
    assert (
        "management account cannot be guarded"
        in by_account[(MANAGEMENT_ID, "us-east-1")]["findings"]
    )
    assert code == 1 and summary["account_regions_unguarded"] == 1


def test_the_manifest_records_guardrails_per_region():
    manifest = synthesize(org(covered(A), guardrails=guardrails()))
    assert manifest["guardrails"]["scp_name"] == "org-backup-guardrails"
    assert manifest["guardrails"]["targets"] == ["ou-ab12-11111111", "ou-ab12-22222222"]
    (account,) = manifest["accounts"]
    assert {r["region"]: r["guardrails"] for r in account["regions"]} == {
        "us-east-1": {"vault_policy": True, "scp": "org-backup-guardrails"},
        "eu-west-1": {"vault_policy": True, "scp": "org-backup-guardrails"},
    }
