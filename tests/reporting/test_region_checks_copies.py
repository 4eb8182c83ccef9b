"""`report --require-copy` / `--require-air-gapped` and the `copy_to` column, on synthesized
manifests of a small organization with and without a central account."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from org_backup.cli import main
from org_backup.rollout.synthesize import synthesize
from tests.support.plans import CENTRAL_ID, central, covered, org

A, B = "111122223333", "444455556666"
AIR_GAPPED = {"kind": "air-gapped", "min_retention_days": 7, "max_retention_days": 3650}


def manifest_file(tmp_path: Path, name: str, **central_fields: Any) -> str:
    accounts = (covered(A), covered(B, regions=("us-east-1",)), covered(CENTRAL_ID))
    coverage = org(*accounts, central=central(**central_fields) if central_fields else None)
    document = synthesize(coverage)
    document.pop("resources")
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return str(path)


def run(capsys, *args: str) -> tuple[int, str]:
    code = main(["report", *args])
    return code, capsys.readouterr().out


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, str]:
    tmp = tmp_path_factory.mktemp("manifests")
    return {
        "none": manifest_file(tmp, "none.json"),
        "standard": manifest_file(tmp, "standard.json", kind="standard"),
        "air-gapped": manifest_file(tmp, "air.json", **AIR_GAPPED),
    }


def rows(out: str) -> list[dict[str, Any]]:
    return json.loads(out)["rows"]


def test_require_copy_fails_a_manifest_without_copies(capsys, files):
    code, out = run(capsys, "--input", files["none"], "--require-copy", "--format", "json")
    assert code == 1
    flagged = [row for row in rows(out) if row["findings"]]
    assert len(flagged) == 5  # A: 2 regions, B: 1, the central account (no central here): 2
    assert all(
        "no rule copies its recovery points to another account" in row["findings"][0]
        for row in flagged
    )
    assert "--require-copy" in flagged[0]["findings"][0]


def test_require_copy_passes_a_manifest_with_copies(capsys, files):
    code, out = run(capsys, "--input", files["standard"], "--require-copy", "--format", "json")
    assert code == 0, out
    assert json.loads(out)["summary"]["thresholds"]["require_copy"] is True


def test_without_the_flag_a_manifest_without_copies_passes(capsys, files):
    assert run(capsys, "--input", files["none"])[0] == 0


def test_require_air_gapped_fails_copies_into_a_standard_vault(capsys, files):
    code, out = run(
        capsys, "--input", files["standard"], "--require-air-gapped", "--format", "json"
    )
    assert code == 1
    by_account = {(r["account_id"], r["region"]): r["findings"] for r in rows(out)}
    assert by_account[(CENTRAL_ID, "us-east-1")] == []  # the central account is exempt
    (finding,) = by_account[(A, "eu-west-1")]
    assert f"arn:aws:backup:eu-west-1:{CENTRAL_ID}:backup-vault:org-backup-central" in finding
    assert "a standard vault" in finding


def test_require_air_gapped_passes_copies_into_an_air_gapped_vault(capsys, files):
    code, _ = run(capsys, "--input", files["air-gapped"], "--require-air-gapped", "--require-copy")
    assert code == 0


def test_require_air_gapped_without_any_copy_is_a_finding(capsys, files):
    code, out = run(
        capsys, "--input", files["none"], "--require-air-gapped", "--format", "markdown"
    )
    assert code == 1
    assert "--require-air-gapped is set" in out


def test_copy_to_column_follows_findings(capsys, files):
    code, out = run(capsys, "--input", files["standard"], "--format", "csv")
    assert code == 0
    table = list(csv.DictReader(io.StringIO(out)))
    header = out.splitlines()[0].split(",")
    assert header[header.index("findings") + 1] == "copy_to"
    cells = {(r["account_id"], r["region"]): r["copy_to"] for r in table}
    assert (
        cells[(B, "us-east-1")]
        == f"arn:aws:backup:us-east-1:{CENTRAL_ID}:backup-vault:org-backup-central"
    )
    assert cells[(CENTRAL_ID, "us-east-1")] == ""


def test_the_markdown_summary_names_the_flags(capsys, files):
    _, out = run(capsys, "--input", files["air-gapped"], "--require-copy", "--require-air-gapped")
    assert "--require-copy --require-air-gapped" in out
