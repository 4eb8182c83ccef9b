"""`--since`: yesterday's JSON report and today's manifests give exactly what changed."""

from __future__ import annotations

import copy
import csv
import io
import json
from typing import Any

import pytest

YESTERDAY = "1795928400"  # 2026-11-29T05:00:00Z
CHECKS = ("--min-retention-days", "35", "--require-vault-lock")


@pytest.fixture
def days(small, write, report, monkeypatch) -> dict[str, Any]:
    """Yesterday's report, and today's manifest after a night of changes: ml-prod's eu-west-1
    rule drops to 30 days (a new finding); ml "dev" is excluded (removed from coverage, its
    findings no longer reported: not resolved); the data account, whose role was refused, is now covered (added, its
    finding resolved); the management account (skipped by policy) is no longer listed."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", YESTERDAY)
    yesterday = report("--input", write("yesterday.json", small), "--format", "json", *CHECKS)
    earlier = write("yesterday-report.json", yesterday.out)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796014800")

    today = copy.deepcopy(small)
    prod, dev, old, data, _management = today["accounts"]
    prod["regions"][1]["plan"]["rules"][0]["delete_after_days"] = 30
    dev.update(status="skipped", skip_reason="excluded", regions=[])
    data.update(
        status="covered",
        skip_reason=None,
        regions=[copy.deepcopy(prod["regions"][0])],
    )
    today["accounts"] = [prod, dev, old, data]
    return {"earlier": earlier, "today": write("today.json", today)}


def test_json_lists_exactly_the_new_and_resolved_findings_and_accounts(report, days) -> None:
    result = report(
        "--input", days["today"], "--since", days["earlier"], "--format", "json", *CHECKS
    )

    changes = json.loads(result.out)["changes"]
    assert changes["since"] == "2026-11-29T05:00:00Z"
    assert changes["since_input"] == days["earlier"]
    assert [(f["account_id"], f["region"], f["finding"]) for f in changes["new_findings"]] == [
        ("111122223333", "eu-west-1", "retention below minimum")
    ]
    assert changes["new_findings"][0]["detail"] == (
        "Account 111122223333 (ml-prod) eu-west-1: retention 30 days is below the required 35."
    )
    assert [(f["account_id"], f["region"], f["finding"]) for f in changes["resolved_findings"]] == [
        ("444455556666", None, "skipped by failure"),
    ]
    # ml "dev" left the report: its findings are not resolved, they are no longer reported
    assert [
        (f["account_id"], f["region"], f["finding"], f["reason"])
        for f in changes["no_longer_reported"]
    ] == [
        ("222233334444", "us-east-1", "retention below minimum", "account skipped (excluded)"),
        ("222233334444", "us-east-1", "selection not EFS-only", "account skipped (excluded)"),
        ("222233334444", "us-east-1", "vault lock missing", "account skipped (excluded)"),
    ]
    assert changes["accounts_added"] == [
        {
            "account_id": "444455556666",
            "account_name": "data",
            "ou_path": "Root/Data",
            "was": "skipped (deploy role cannot be assumed)",
            "now": "covered",
        }
    ]
    assert changes["accounts_removed"] == [
        {
            "account_id": "222233334444",
            "account_name": 'ml "dev"',
            "ou_path": "Root/ML/Dev",
            "was": "covered",
            "now": "skipped (excluded)",
        }
    ]


def test_a_new_finding_is_new_and_a_gone_account_is_removed(report, small, write, monkeypatch):
    small["accounts"] = small["accounts"][:2]
    earlier = write("e.json", report("--input", write("a.json", small), "--format", "json").out)
    small["accounts"][0]["regions"][1]["plan"]["rules"][0]["delete_after_days"] = 20
    small["accounts"] = small["accounts"][:1]

    result = report(
        "--input", write("b.json", small), "--since", earlier, "--format", "json", *CHECKS
    )

    changes = json.loads(result.out)["changes"]
    new = [(f["account_id"], f["region"], f["finding"]) for f in changes["new_findings"]]
    assert new == [("111122223333", "eu-west-1", "retention below minimum")]
    assert "retention 20 days" in changes["new_findings"][0]["detail"]
    assert [a["account_id"] for a in changes["accounts_removed"]] == ["222233334444"]
    assert changes["accounts_removed"][0]["now"] == "absent"
    # ml "dev" went away with its findings: not resolved, no longer reported
    assert changes["resolved_findings"] == []
    assert {(f["account_id"], f["reason"]) for f in changes["no_longer_reported"]} == {
        ("222233334444", "account not in the inputs")
    }


def test_a_reworded_finding_of_the_same_kind_is_not_new(report, small, write) -> None:
    """Identity is account, region and kind: yesterday 30 days, today 20 days, same problem."""
    earlier = write(
        "e.json", report("--input", write("a.json", small), "--format", "json", *CHECKS).out
    )
    small["accounts"][1]["regions"][0]["plan"]["rules"][0]["delete_after_days"] = 20

    result = report(
        "--input", write("b.json", small), "--since", earlier, "--format", "json", *CHECKS
    )

    changes = json.loads(result.out)["changes"]
    assert changes["new_findings"] == changes["resolved_findings"] == []


def test_markdown_shows_the_same_changes_as_a_section(report, days) -> None:
    result = report("--input", days["today"], "--since", days["earlier"], *CHECKS)

    text = result.out
    section = text[text.index("## What changed since 2026-11-29T05:00:00Z") :]
    section = section[: section.index("## Findings by kind")]
    assert (
        "### New findings: 1\n\n- 111122223333 eu-west-1: **retention below minimum**:" in section
    )
    assert "### Resolved findings: 1\n" in section
    assert "### No longer reported: 3\n\nNot resolved: " in section
    assert (
        '- 222233334444 us-east-1: **vault lock missing**: Account 222233334444 (ml "dev")'
        " us-east-1: vault org-backup has no vault lock, and --require-vault-lock is set."
        " (account skipped (excluded))" in section
    )
    assert "- 444455556666: **skipped by failure**: Account 444455556666 (data)" in section
    assert "### Accounts added to coverage: 1\n\n- 444455556666 (data, Root/Data):" in section
    assert "skipped (deploy role cannot be assumed) -> covered" in section
    assert "### Accounts removed from coverage: 1" in section
    assert '- 222233334444 (ml "dev", Root/ML/Dev): covered -> skipped (excluded)' in section


def test_a_ci_summary_without_changes_says_none(report, small, write) -> None:
    path = write("m.json", small)
    earlier = write("e.json", report("--input", path, "--format", "json").out)

    text = report("--input", path, "--since", earlier).out

    for heading in ("New findings", "Resolved findings", "Accounts added to coverage"):
        assert f"### {heading}: 0\n\nNone." in text


def test_html_shows_the_changes_and_the_since_file_is_a_hashed_input(report, days) -> None:
    result = report("--input", days["today"], "--since", days["earlier"], "--format", "html")
    document = json.loads(
        report("--input", days["today"], "--since", days["earlier"], "--format", "json").out
    )

    assert "<h2>What changed since 2026-11-29T05:00:00Z</h2>" in result.out
    assert "<h3>Accounts added to coverage: 1</h3>" in result.out
    assert set(document["summary"]["input_sha256"]) == {days["today"], days["earlier"]}


def test_every_format_carries_the_comparison(report, days) -> None:
    out = {
        name: report("--input", days["today"], "--since", days["earlier"], "--format", name).out
        for name in ("csv", "json", "markdown", "html")
    }

    assert json.loads(out["json"])["changes"]["accounts_added"]
    assert "## What changed since" in out["markdown"] and "<h2>What changed since" in out["html"]
    assert f"{days['earlier']}:" in out["csv"].splitlines()[1]  # among the files read


def test_csv_marks_each_row_with_what_changed_there(report, days) -> None:
    text = report(
        "--input", days["today"], "--since", days["earlier"], "--format", "csv", *CHECKS
    ).out

    rows = list(csv.DictReader(io.StringIO(text)))
    marks = {(row["account_id"], row["region"]): row["changes_since"] for row in rows}
    assert marks[("111122223333", "eu-west-1")] == "new: retention below minimum"
    assert marks[("111122223333", "us-east-1")] == ""
    assert marks[("222233334444", "")] == "left coverage (covered -> skipped (excluded))"
    assert marks[("444455556666", "us-east-1")] == (
        "entered coverage (skipped (deploy role cannot be assumed) -> covered)"
    )
    without = report("--input", days["today"], "--format", "csv").out
    assert "changes_since" not in without.splitlines()[0]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("not json", "is not a JSON report"),
        ('{"schema_version": 1, "accounts": []}', "is not a report"),
        ('{"summary": {}, "rows": []}', "summary.generated_at"),
        ("[1, 2]", "is not a report"),
    ],
)
def test_an_unreadable_or_non_report_since_file_is_exit_2(
    report, small, write, tmp_path, content, message
) -> None:
    since = str(tmp_path / "missing.json") if content is None else write("since.json", content)

    result = report("--input", write("m.json", small), "--since", since)

    assert result.code == 2
    assert since in result.err and message in result.err
    assert result.out == ""


def test_a_manifest_given_as_since_is_refused(report, small, write) -> None:
    manifest = write("m.json", small)

    result = report("--input", manifest, "--since", manifest)

    assert result.code == 2
    assert "is not a report" in result.err


def test_a_region_that_left_coverage_is_no_longer_reported_not_resolved(report, small, write):
    small["accounts"][0]["regions"][1]["plan"]["rules"][0]["delete_after_days"] = 20
    earlier = write(
        "e.json", report("--input", write("a.json", small), "--format", "json", *CHECKS).out
    )
    small["accounts"][0]["regions"] = small["accounts"][0]["regions"][:1]  # eu-west-1 dropped

    result = report(
        "--input", write("b.json", small), "--since", earlier, "--format", "json", *CHECKS
    )

    changes = json.loads(result.out)["changes"]
    assert changes["resolved_findings"] == []
    assert [
        (f["account_id"], f["region"], f["finding"], f["reason"])
        for f in changes["no_longer_reported"]
    ] == [("111122223333", "eu-west-1", "retention below minimum", "region no longer covered")]
    assert "retention 20 days" in changes["no_longer_reported"][0]["detail"]


def test_html_lists_what_is_no_longer_reported_apart_from_what_is_resolved(report, days):
    page = report(
        "--input", days["today"], "--since", days["earlier"], "--format", "html", *CHECKS
    ).out

    section = page[page.index("<h3>Resolved findings: 1</h3>") :]
    gone = section[section.index("<h3>No longer reported: 3</h3>") :]
    assert (
        "444455556666: <strong>skipped by failure</strong>" in section[: len(section) - len(gone)]
    )
    assert gone.count("(account skipped (excluded))</li>") == 3


def test_a_report_of_another_organization_is_refused_in_one_line(report, small, write, tmp_path):
    earlier = write("e.json", report("--input", write("a.json", small), "--format", "json").out)
    small["organization"]["id"] = "o-otherorg999"
    out = tmp_path / "today.json"

    result = report("--input", write("b.json", small), "--since", earlier, "--out", str(out))

    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert lines[0].startswith(f"error: {earlier}: --since: ")
    assert (
        "is a report of organization o-exampleorg1, this one is of organization o-otherorg999"
        in lines[0]
    )
    assert "compare reports of one organization" in lines[0]
    assert not out.exists()
