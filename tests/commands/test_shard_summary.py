"""`shard-summary`: a shard's pull-request summary names the accounts added, removed and
degraded, and counts the resource operations of the real preview."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from org_backup.cli import main


def manifest(*accounts: dict[str, Any]) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "organization": {"id": "o-exampleorg1", "management_account_id": "999999999999"},
        "shard": {"index": 1, "count": 4},
        "accounts": list(accounts),
    }


def account(account_id: str, status: str = "covered", **extra: Any) -> dict[str, Any]:
    entry = {"account_id": account_id, "name": f"n{account_id[-3:]}", "ou_path": "Root"}
    if status == "skipped":
        return {**entry, "status": "skipped", "skip_reason": "excluded", **extra}
    return {**entry, "status": "covered", "regions": [], **extra}


def write(path: Path, document: Any) -> str:
    path.write_text(json.dumps(document))
    return str(path)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    previous = manifest(account("111111111111"), account("222222222222"), account("333333333333"))
    synth = manifest(
        account("111111111111"),
        account("222222222222", degraded="deploy role cannot be assumed"),
        account("333333333333", "skipped"),
        account("444444444444"),
    )
    synth["resources"] = []
    digest = {
        "changeSummary": {"create": 17, "import": 2, "delete": 8, "update": 1, "same": 40},
        "steps": [
            {"op": "create", "urn": "urn:pulumi:shard-1::org-backup::x::444444444444"},
            {"op": "same", "urn": "urn:pulumi:shard-1::org-backup::x::111111111111"},
            {"op": "update", "urn": "urn:u", "diffReasons": ["tags"]},
        ],
    }
    return {
        "synth": write(tmp_path / "synth.json", synth),
        "previous": write(tmp_path / "previous.json", {"org_backup": previous}),
        "preview": write(tmp_path / "preview.json", digest),
    }


def test_summary_names_added_removed_degraded_and_counts_resources(files, capsys):
    args = ["shard-summary", "--shard", "shard-1", "--synth", files["synth"]]
    assert main([*args, "--previous", files["previous"], "--preview", files["preview"]]) == 0

    out = capsys.readouterr().out
    assert "| 3 | 1 | 1 | 1 |" in out  # covered, added, removed, degraded
    assert "**Removed (their plans, selections and roles are deleted)**: 333333333333" in out
    assert "222222222222 (n222: deploy role cannot be assumed)" in out
    assert "**Added**: 444444444444 (n444)" in out
    assert "| 17 | 2 | 1 | 0 | 8 | 40 |" in out  # create, import, update, replace, delete, same
    assert "  create urn:pulumi:shard-1::org-backup::x::444444444444" in out
    assert "  update urn:u  (tags)" in out
    assert "111111111111" not in out.split("Every change")[1]  # unchanged steps are not listed


def test_a_new_stack_has_no_previous_state(files, tmp_path: Path, capsys):
    empty = write(tmp_path / "empty.json", {})  # `pulumi stack output --json` of a new stack
    assert main(["shard-summary", "--shard", "shard-1", "--synth", files["synth"],
                 "--previous", empty]) == 0  # fmt: skip

    out = capsys.readouterr().out
    assert "No previous stack output" in out
    assert "| 3 | 3 | 0 | 1 |" in out
    assert "resource changes unknown" in out


def test_an_unreadable_preview_is_bad_input(files, tmp_path: Path, capsys):
    broken = tmp_path / "preview.json"
    broken.write_text("error: no stack selected")
    assert main(["shard-summary", "--shard", "s", "--synth", files["synth"],
                 "--preview", str(broken)]) == 2  # fmt: skip
    assert "preview.json" in capsys.readouterr().err
