"""The checks as a user meets them: which rows, which statuses, which sentences, which exit code."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from org_backup.manifest.skip_reasons import POLICY_SKIP_REASONS

ALL_CHECKS = (
    "--min-retention-days",
    "35",
    "--required-regions",
    "us-east-1",
    "--require-vault-lock",
    "--max-interval-hours",
    "24",
)


def rows_of(result) -> list[dict[str, Any]]:
    return json.loads(result.out)["rows"]


def test_compliant_manifest_exits_0_with_no_findings(report, manifest, write) -> None:
    path = write("m.json", manifest(3, ("us-east-1", "eu-west-1")))

    result = report("--input", path, "--format", "json", *ALL_CHECKS)

    assert result.code == 0
    document = json.loads(result.out)
    assert {row["status"] for row in document["rows"]} == {"COMPLIANT"}
    assert document["summary"]["status"] == "COMPLIANT"
    assert document["summary"]["compliant_percent"] == 100.0
    assert document["summary"]["account_regions_compliant"] == 6


def test_markdown_of_a_compliant_manifest_says_there_is_nothing_to_fix(report, manifest, write):
    result = report("--input", write("m.json", manifest(1)), *ALL_CHECKS)

    assert result.code == 0
    assert "None: every covered account-region passed every check." in result.out


def broken_manifest(small: dict[str, Any]) -> dict[str, Any]:
    """One account per kind of non-compliance, each failing exactly one way."""
    good = small["accounts"][0]
    template = good["regions"][1]  # eu-west-1, compliant

    def account(number: int, name: str, **region_changes: Any) -> dict[str, Any]:
        region = json.loads(json.dumps(template))
        for key, value in region_changes.items():
            section, _, field = key.partition("__")
            if field:
                region[section][field] = value
            else:
                region[section] = value
        return {
            **good,
            "account_id": f"55555555{number:04d}",
            "name": name,
            "regions": [region, {**json.loads(json.dumps(template)), "region": "us-east-1"}],
        }

    rule = template["plan"]["rules"][0]
    small["accounts"] = [
        good,
        account(1, "short", plan__rules=[{**rule, "delete_after_days": 30}]),
        account(2, "weekly", plan__rules=[{**rule, "schedule": "cron(0 5 ? * MON *)"}]),
        account(3, "garbled", plan__rules=[{**rule, "schedule": "rate(1 day)"}]),
        account(4, "no-rules", plan__rules=[]),
        account(5, "no-plan", plan=None),
        account(6, "no-vault", vault=None),
        account(7, "unlocked", vault__lock=None),
        account(8, "no-selection", selection=None),
        account(9, "everything", selection__resources=["*"]),
        account(
            10,
            "ebs-too",
            selection__resources=[
                "arn:aws:elasticfilesystem:*:*:file-system/*",
                "arn:aws:ec2:*:*:volume/*",
            ],
        ),
        account(11, "untagged", selection__tag=None),
        {**good, "account_id": "555555550012", "name": "one-region", "regions": [template]},
        {**good, "account_id": "555555550013", "name": "no-regions", "regions": []},
        {
            "account_id": "555555550014",
            "name": "locked-out",
            "ou_path": "Root/X",
            "status": "skipped",
            "skip_reason": "deploy role cannot be assumed",
        },
        {"account_id": "555555550015", "name": "unknown", "ou_path": "Root/X", "status": "skipped"},
    ]
    return small


EXPECTED_FINDINGS = [
    "Account 555555550001 (short) eu-west-1: retention 30 days is below the required 35.",
    "Account 555555550002 (weekly) eu-west-1: schedule cron(0 5 ? * MON *) leaves up to 168 hours"
    " between backups, more than the allowed 24.",
    "Account 555555550003 (garbled) eu-west-1: schedule rate(1 day) is not of the form cron(minutes"
    " hours day-of-month month day-of-week year), so it cannot be checked against"
    " --max-interval-hours 24.",
    "Account 555555550004 (no-rules) eu-west-1: backup plan org-backup has no rules, so nothing is"
    " backed up.",
    "Account 555555550005 (no-plan) eu-west-1: no backup plan, so nothing is backed up.",
    "Account 555555550006 (no-vault) eu-west-1: no backup vault, so recovery points have nowhere to"
    " be stored.",
    "Account 555555550007 (unlocked) eu-west-1: vault org-backup has no vault lock, and"
    " --require-vault-lock is set.",
    "Account 555555550008 (no-selection) eu-west-1: no backup selection, so the plan backs up"
    " nothing.",
    "Account 555555550009 (everything) eu-west-1: selection org-backup-efs picks all resources tagged"
    " Name=AIFilesystem, but it must pick EFS file systems only: resources exactly"
    " arn:aws:elasticfilesystem:*:*:file-system/*.",
    "Account 555555550010 (ebs-too) eu-west-1: selection org-backup-efs picks EFS file systems or"
    " arn:aws:ec2:*:*:volume/* tagged Name=AIFilesystem, but it must pick EFS file systems only:"
    " resources exactly arn:aws:elasticfilesystem:*:*:file-system/*.",
    "Account 555555550011 (untagged) eu-west-1: selection org-backup-efs has no tag condition, so it"
    " backs up every EFS file system instead of only the tagged ones.",
    "Account 555555550012 (one-region) us-east-1: required region has no backups (the account is"
    " covered in eu-west-1 only).",
    "Account 555555550013 (no-regions) us-east-1: required region has no backups (the account is"
    " covered in no region).",
    "Account 555555550014 (locked-out): skipped because deploy role cannot be assumed, so it has no"
    " backups.",
    "Account 555555550015 (unknown): skipped with no reason given, so it has no backups.",
]


def test_non_compliant_manifest_exits_1_with_every_finding(report, small, write) -> None:
    path = write("broken.json", broken_manifest(small))

    result = report("--input", path, "--format", "json", *ALL_CHECKS)

    assert result.code == 1
    document = json.loads(result.out)
    findings = [finding for row in document["rows"] for finding in row["findings"]]
    assert findings == EXPECTED_FINDINGS
    assert document["summary"]["finding_count"] == len(EXPECTED_FINDINGS)
    failing = {row["account_id"] for row in document["rows"] if row["status"] == "NON_COMPLIANT"}
    assert "111122223333" not in failing
    assert len(failing) == 15


def test_csv_findings_split_on_the_separator_give_back_each_sentence(report, small, write) -> None:
    path = write("broken.json", broken_manifest(small))

    as_csv = report("--input", path, "--format", "csv", *ALL_CHECKS).out
    as_json = report("--input", path, "--format", "json", *ALL_CHECKS).out

    csv_findings = [
        row["findings"].split("; ") if row["findings"] else []
        for row in csv.DictReader(io.StringIO(as_csv))
    ]
    assert csv_findings == [row["findings"] for row in json.loads(as_json)["rows"]]


def test_thresholds_are_off_unless_asked_for(report, small, write) -> None:
    path = write("broken.json", broken_manifest(small))

    result = report("--input", path, "--format", "json")

    findings = {f for row in rows_of(result) for f in row["findings"]}
    assert not any("retention" in f or "schedule" in f or "vault lock" in f for f in findings)
    assert not any("required region" in f for f in findings)
    assert any("no backup plan" in f for f in findings)


@pytest.mark.parametrize("reason", sorted(POLICY_SKIP_REASONS))
def test_account_skipped_by_policy_is_skipped_not_a_finding(report, small, write, reason) -> None:
    small["accounts"] = [small["accounts"][0], {**small["accounts"][2], "skip_reason": reason}]

    result = report("--input", write("m.json", small), "--format", "json")

    assert result.code == 0
    skipped = rows_of(result)[-1]
    assert (skipped["status"], skipped["findings"], skipped["region"]) == ("SKIPPED", [], None)
    assert json.loads(result.out)["summary"]["skipped_by_reason"] == {reason: 1}


def test_several_rules_are_judged_by_the_most_frequent_schedule(report, small, write) -> None:
    region = small["accounts"][0]["regions"][0]
    weekly = {
        **region["plan"]["rules"][0],
        "name": "weekly",
        "schedule": "cron(0 5 ? * SUN *)",
        "delete_after_days": 365,
    }
    region["plan"]["rules"].append(weekly)
    small["accounts"] = small["accounts"][:1]

    result = report(
        "--input",
        write("m.json", small),
        "--format",
        "json",
        "--max-interval-hours",
        "24",
        "--min-retention-days",
        "100",
    )

    row = next(row for row in rows_of(result) if row["region"] == "us-east-1")
    assert row["schedule"] == "cron(0 5 * * ? *) | cron(0 5 ? * SUN *)"
    assert row["delete_after_days"] == 90
    assert row["findings"] == [
        "Account 111122223333 (ml-prod) us-east-1: retention 90 days (rule daily) is below the"
        " required 100."
    ]


def test_summary_counts_accounts_and_account_regions(report, small, write) -> None:
    result = report("--input", write("m.json", small), "--format", "json", *ALL_CHECKS)

    summary = json.loads(result.out)["summary"]
    assert summary["accounts_covered"] == 2
    assert summary["accounts_skipped"] == 3
    # ml-prod: 2 compliant; ml "dev": us-east-1 fails; the account whose role failed counts once
    assert summary["account_regions_compliant"] == 2
    assert summary["account_regions_non_compliant"] == 2
    assert summary["compliant_percent"] == 50.0


EXPECTED_KINDS = [
    "retention below minimum",
    "schedule interval too long",
    "schedule unreadable",
    "no backup rule",
    "no backup plan",
    "no backup vault",
    "vault lock missing",
    "no backup selection",
    "selection not EFS-only",
    "selection not EFS-only",
    "selection without tag condition",
    "required region missing",
    "required region missing",
    "skipped by failure",
    "skipped by failure",
]


def test_each_finding_has_a_stable_kind_and_the_summary_counts_them(report, small, write) -> None:
    path = write("broken.json", broken_manifest(small))

    document = json.loads(report("--input", path, "--format", "json", *ALL_CHECKS).out)

    kinds = [kind for row in document["rows"] for kind in row["finding_kinds"]]
    assert kinds == EXPECTED_KINDS
    by_kind = document["summary"]["findings_by_kind"]
    assert by_kind == {kind: EXPECTED_KINDS.count(kind) for kind in by_kind}
    assert list(by_kind)[:3] == [
        "required region missing",
        "selection not EFS-only",
        "skipped by failure",
    ]  # most first, then by name
    assert sum(by_kind.values()) == document["summary"]["finding_count"]


def test_a_kind_and_sentence_pair_is_a_finding_that_reads_as_its_sentence() -> None:
    """How other checks plug in: a generator of (kind, sentence) pairs becomes findings."""
    from org_backup.reporting.model import Finding

    pair = ("no copy out of the account", "Account 1 (a) us-east-1: no copy action.")
    finding = Finding(*pair)

    assert (finding.kind, finding.text) == pair
    assert finding == pair[1] and "no copy action" in finding


def test_the_report_path_loads_no_settings_discovery_aws_sdk_or_pulumi() -> None:
    """`report` reads JSON: its checks load the manifest, AWS's own rules and themselves, in a
    fresh interpreter, and nothing of settings, discovery, coverage, the rollout or the SDKs."""
    code = "import json, sys, org_backup.reporting.checks; print(json.dumps(sorted(sys.modules)))"
    root = Path(__file__).resolve().parents[2]
    loaded = json.loads(
        subprocess.run(
            [sys.executable, "-c", code], cwd=root, check=True, capture_output=True, text=True
        ).stdout
    )

    ours = [name.split(".") for name in loaded if name.startswith("org_backup.")]
    assert {parts[1] for parts in ours} == {"aws_rules", "errors", "manifest", "reporting"}
    assert len(ours) < 25
    heavy = {"boto3", "botocore", "pulumi", "pulumi_aws", "pydantic_settings", "yaml"}
    assert not [name for name in loaded if name.split(".")[0] in heavy]
