"""`report --require-alerts --require-restore-testing` tells a stack that forwards failures and
restore-tests its backups from one that does not."""

from __future__ import annotations

import json
from typing import Any

import pytest

from org_backup.rollout.synthesize import synthesize
from tests.support.alerting_plans import COVERAGE, A, B
from tests.support.plans import covered, org

REQUIRE = ("--require-alerts", "--require-restore-testing")


def _stack_output(coverage) -> dict[str, Any]:
    """As `pulumi stack output --json` prints it: the manifest, ids filled, no `resources`."""
    manifest = synthesize(coverage)
    manifest.pop("resources")
    return {"org_backup": manifest}


@pytest.fixture(scope="module")
def with_alerting() -> dict[str, Any]:
    return _stack_output(COVERAGE)


@pytest.fixture(scope="module")
def without_alerting() -> dict[str, Any]:
    return _stack_output(org(covered(A), covered(B, regions=("ap-southeast-2",))))


def test_a_stack_with_alerts_and_restore_testing_passes(report, write, with_alerting):
    result = report("--input", write("with.json", with_alerting), "--format", "json", *REQUIRE)

    assert result.code == 0, result.out
    assert json.loads(result.out)["summary"]["account_regions_compliant"] == 3


def test_a_stack_without_them_fails_on_every_account_region(report, write, without_alerting):
    result = report(
        "--input", write("without.json", without_alerting), "--format", "json", *REQUIRE
    )

    assert result.code == 1
    rows = json.loads(result.out)["rows"]
    assert [(row["account_id"], row["region"]) for row in rows] == [
        (A, "eu-west-1"),
        (A, "us-east-1"),
        (B, "ap-southeast-2"),
    ]
    first = rows[1]["findings"]
    assert first == [
        f"Account {A} (acct-3333) us-east-1: no rule forwards failed backup, copy and restore"
        " jobs to the central alerts bus, and --require-alerts is set: a failure here is seen"
        " only in this account's console.",
        f"Account {A} (acct-3333) us-east-1: no restore testing plan, and"
        " --require-restore-testing is set: its recovery points are never restored to prove"
        " they work.",
    ]


def test_each_requirement_is_checked_on_its_own(report, write, without_alerting):
    path = write("without.json", without_alerting)

    only_alerts = report("--input", path, "--format", "json", "--require-alerts")
    neither = report("--input", path, "--format", "json")

    findings = [f for row in json.loads(only_alerts.out)["rows"] for f in row["findings"]]
    assert len(findings) == 3 and all("--require-alerts" in f for f in findings)
    assert neither.code == 0
