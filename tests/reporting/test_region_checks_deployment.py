"""Honest reports: only a deployment is compliant, unless the user asks to judge a plan.

`discover --json` and `synth` manifests describe what would be deployed; without `--planned`,
every account-region of them is NON_COMPLIANT with `not deployed`.
"""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from org_backup.cli import main
from org_backup.demo.seed import DEMO_REGIONS, demo_spec, seed_organization, write_demo_accounts_dir
from org_backup.demo.server import client_environ


@pytest.fixture
def discovered(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys) -> str:
    """A real `discover --json` of the demo organization, in an in-process emulator."""
    for key, value in client_environ(None, base={}).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("ORG_BACKUP_REGIONS", json.dumps(list(DEMO_REGIONS)))
    with mock_aws():
        seeded = seed_organization(boto3.Session(), demo_spec())
        accounts_dir = tmp_path / "accounts"
        accounts_dir.mkdir()
        write_demo_accounts_dir(accounts_dir, seeded)
        assert main(["discover", "--accounts-dir", str(accounts_dir), "--json"]) == 0
    path = tmp_path / "plan.json"
    path.write_text(capsys.readouterr().out)
    return str(path)


def test_a_discover_manifest_is_not_deployed_unless_planned(report, discovered) -> None:
    honest = report("--input", discovered, "--format", "json")
    planned = report("--input", discovered, "--format", "json", "--planned")

    assert honest.code == 1
    document = json.loads(honest.out)
    judged = [row for row in document["rows"] if row["region"]]
    assert judged and {row["status"] for row in judged} == {"NON_COMPLIANT"}
    assert all("not deployed" in row["finding_kinds"] for row in judged)
    assert document["summary"]["findings_by_kind"]["not deployed"] == len(judged)
    assert (
        "not deployed: the vault, plan, selection have no deployed id" in judged[0]["findings"][0]
    )
    assert planned.code == 0
    assert json.loads(planned.out)["summary"]["planned"] is True
    assert "not deployed" not in planned.out


def test_a_synth_output_is_not_deployed_even_with_its_mock_ids(report, small, write) -> None:
    """synth fills ids from the mock engine: its `resources` list is what gives it away."""
    small["accounts"] = small["accounts"][:1]  # ml-prod: compliant in both regions
    deployed = report("--input", write("outputs.json", {"org_backup": small}), "--format", "json")
    small["resources"] = [{"type": "aws:backup/vault:Vault", "name": "v", "inputs": {}}]
    synthesized = report("--input", write("synth.json", small), "--format", "json")
    planned = report("--input", write("synth.json", small), "--format", "json", "--planned")

    assert deployed.code == 0 and planned.code == 0 and synthesized.code == 1
    rows = [row for row in json.loads(synthesized.out)["rows"] if row["region"]]
    assert all(row["finding_kinds"] == ["not deployed"] for row in rows)
    assert "the input is a synth output" in rows[0]["findings"][0]


def test_one_missing_id_is_enough(report, small, write) -> None:
    small["accounts"] = small["accounts"][:1]
    small["accounts"][0]["regions"][1]["selection"]["id"] = None

    result = report("--input", write("m.json", small), "--format", "json")

    assert result.code == 1
    [row] = [row for row in json.loads(result.out)["rows"] if row["finding_kinds"]]
    assert (row["account_id"], row["region"]) == ("111122223333", "eu-west-1")
    assert row["findings"] == [
        "Account 111122223333 (ml-prod) eu-west-1: not deployed: the selection has no deployed id"
        " (a discover --json plan?); judge a plan with --planned."
    ]


def test_a_plan_is_still_judged_on_its_policy(report, small, write) -> None:
    small["accounts"] = small["accounts"][:1]
    small["accounts"][0]["regions"][0]["plan"]["rules"][0]["delete_after_days"] = 7
    small["resources"] = []

    result = report(
        "--input",
        write("m.json", small),
        "--planned",
        "--min-retention-days",
        "30",
        "--format",
        "json",
    )

    assert result.code == 1
    assert json.loads(result.out)["summary"]["findings_by_kind"] == {"retention below minimum": 1}


def test_a_degraded_account_is_a_finding_with_its_reason(report, small, write) -> None:
    small["accounts"][0]["degraded"] = "deploy role cannot be assumed (AccessDenied)"

    result = report("--input", write("m.json", small), "--format", "json")

    assert result.code == 1
    rows = [row for row in json.loads(result.out)["rows"] if row["account_id"] == "111122223333"]
    assert [row["finding_kinds"] for row in rows] == [["degraded"], ["degraded"]]
    assert "deploy role cannot be assumed (AccessDenied)" in rows[0]["findings"][0]


def test_markdown_and_html_of_a_plan_say_it_is_a_plan(report, small, write) -> None:
    path = write("m.json", small)

    markdown = report("--input", path, "--planned").out
    html = report("--input", path, "--planned", "--format", "html").out

    assert markdown.startswith("# org-backup compliance report (plan: not deployed)\n")
    assert "| Judged as | a plan (--planned): its policy only" in markdown
    assert "<h1>org-backup compliance report (plan)</h1>" in html
    assert "This is a plan, not a deployment." in html
    assert "plan" not in report("--input", path).out.splitlines()[0]
