"""`python -m org_backup audit` as a user runs it: against a moto server, and its exit codes."""

from __future__ import annotations

import csv
import io

import boto3
import pytest
from moto import mock_aws

from org_backup.cli import main
from org_backup.demo.seed import (
    UNCOVERED_REGION,
    AccountSpec,
    DemoSpec,
    FileSystemSpec,
    seed_organization,
)
from org_backup.demo.server import client_environ, moto_server
from org_backup.reporting.model import AUDIT_COLUMNS
from org_backup.reporting.render_csv import PROVENANCE_COLUMNS


def test_the_cli_against_a_moto_server_reports_the_unprotected_file_system(
    tmp_path, monkeypatch, capsys
):
    spec = DemoSpec(
        accounts=(
            AccountSpec(
                "ml-inference",
                "Root/ML",
                file_systems=(
                    FileSystemSpec("us-east-1", "AIFilesystem"),
                    FileSystemSpec(UNCOVERED_REGION, "AIFilesystem"),
                    FileSystemSpec(UNCOVERED_REGION, "scratch"),
                ),
            ),
            AccountSpec(
                "old-project",
                suspended=True,  # cannot be reached, so not scanned
                file_systems=(FileSystemSpec(UNCOVERED_REGION, "AIFilesystem"),),
            ),
        )
    )
    out = tmp_path / "audit.csv"
    with moto_server() as endpoint:
        for name, value in client_environ(endpoint).items():
            if name.startswith("AWS_"):
                monkeypatch.setenv(name, value)
        monkeypatch.setenv("ORG_BACKUP_REGIONS", '["us-east-1"]')
        seeded = seed_organization(boto3.Session(), spec)

        args = ["--accounts-dir", str(tmp_path), "--scan-regions", UNCOVERED_REGION]
        code = main(["audit", *args, "--out", str(out)])

    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("settings: Pulumi.yaml (no stack: Pulumi.yaml defaults), ORG_BACKUP_")
    last = err.splitlines()[-1]
    assert last.startswith("audit: NON_COMPLIANT, ") and last.endswith(f"wrote {out}")
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert tuple(rows[0]) == (*AUDIT_COLUMNS, *PROVENANCE_COLUMNS)
    [stray] = seeded.file_systems_of("ml-inference", UNCOVERED_REGION, tagged=True)
    [row] = [row for row in rows if row["resource_arn"] == stray.arn]
    assert row["status"] == "NON_COMPLIANT"
    assert "is tagged Name=AIFilesystem but unprotected" in row["findings"]
    listed = {row["resource_arn"] for row in rows if row["resource_arn"]}
    [covered] = seeded.file_systems_of("ml-inference", "us-east-1")
    assert listed == {stray.arn, covered.arn}


def test_bad_input_exits_2_before_any_aws_call(tmp_path, capsys):
    code = main(["audit", "--accounts-dir", str(tmp_path), "--scan-regions", "us-east-7"])

    assert code == 2
    assert (
        "command line: --scan-regions: 'us-east-7': is not an AWS region" in capsys.readouterr().err
    )


def test_an_organization_wide_failure_exits_3(tmp_path, capsys):
    with mock_aws():  # no organization
        code = main(["audit", "--accounts-dir", str(tmp_path), "--format", "json"])

    captured = capsys.readouterr()
    assert (code, captured.out) == (3, "")
    assert "organizations:DescribeOrganization failed" in captured.err


def test_help_names_the_scan_flags(capsys):
    with pytest.raises(SystemExit):
        main(["audit", "--help"])
    help_text = capsys.readouterr().out
    assert "--scan-regions" in help_text and "--no-scan-skipped" in help_text
