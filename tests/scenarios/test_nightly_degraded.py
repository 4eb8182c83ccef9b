"""A failing account keeps what it had: covered before + its lookup fails now = still covered,
in its previous regions, with its resources registered and `degraded` saying why."""

from __future__ import annotations

import json

from org_backup.cli import main
from tests.support.nightly import Nightly


def test_second_synth_keeps_an_account_whose_deploy_role_is_now_refused(nightly: Nightly):
    broken = nightly.org.accounts["ml-dev"]
    first = nightly.synth("first")
    assert first.code == 0
    before = first.resources_of(broken)

    nightly.refuse_deploy_role(broken)
    second = nightly.synth("second", "--previous", str(nightly.directory / "first.json"))

    assert second.code == 0, second.err
    entry = second.account(broken)
    assert entry["status"] == "covered"
    assert entry["degraded"].startswith("deploy role cannot be assumed")
    assert "AccessDenied" in entry["degraded"]
    assert [r["region"] for r in entry["regions"]] == ["us-east-1"]
    # The same resources as before, so `pulumi up` deletes nothing of it.
    assert second.resources_of(broken) == before
    assert len(before) > 5
    healthy = [a for a in second.document["accounts"] if a["account_id"] != broken]
    assert all(a["degraded"] is None for a in healthy)
    assert f"{broken} ml-dev: us-east-1" in second.err and "DEGRADED" in second.err
    assert "synth: 5 accounts covered (1 degraded, 1 skipped)," in second.err


def test_without_previous_state_the_failing_account_is_skipped_with_its_reason(nightly):
    broken = nightly.org.accounts["ml-dev"]
    nightly.refuse_deploy_role(broken)

    run = nightly.synth("only")

    assert run.code == 0
    entry = run.account(broken)
    assert entry["status"] == "skipped"
    assert entry["skip_reason"].startswith("deploy role cannot be assumed")
    assert run.resources_of(broken) == []


def test_previous_regions_and_current_policy(nightly: Nightly, monkeypatch):
    """The regions come from the previous state (the lookup that would say which are enabled
    failed); the policy is today's."""
    broken = nightly.org.accounts["lake"]
    monkeypatch.setenv("ORG_BACKUP_REGIONS", '["us-east-1", "eu-west-1"]')
    previous = nightly.plan("first")

    nightly.refuse_deploy_role(broken)
    monkeypatch.setenv("ORG_BACKUP_REGIONS", '["us-east-1"]')
    monkeypatch.setenv("ORG_BACKUP_DELETE_AFTER_DAYS", "120")
    run = nightly.discover("--json", "--previous", previous)

    assert run.code == 0, run.err
    entry = run.account(broken)
    assert [r["region"] for r in entry["regions"]] == ["us-east-1", "eu-west-1"]
    assert {r["plan"]["rules"][0]["delete_after_days"] for r in entry["regions"]} == {120}
    assert entry["degraded"]


def test_discover_table_shows_the_degraded_account(nightly: Nightly):
    broken = nightly.org.accounts["warehouse"]
    previous = nightly.plan("first")
    nightly.refuse_deploy_role(broken)

    run = nightly.discover("--previous", previous)

    assert run.code == 0
    line = next(line for line in run.out.splitlines() if line.startswith(broken))
    assert "us-east-1" in line
    assert "DEGRADED, kept from the previous state: deploy role cannot be assumed" in line
    assert "5 covered in 5 account-regions, 1 of them degraded, 1 skipped." in run.out


def test_report_makes_each_degraded_account_region_non_compliant_with_the_reason(
    nightly: Nightly, capsys
):
    broken = nightly.org.accounts["ml-test"]
    previous = nightly.plan("first")
    nightly.refuse_deploy_role(broken)
    second = nightly.plan("second", "--previous", previous)
    capsys.readouterr()

    code = main(["report", "--input", second, "--format", "json"])

    rows = json.loads(capsys.readouterr().out)["rows"]
    assert code == 1
    degraded = [row for row in rows if row["account_id"] == broken]
    assert degraded and all(row["status"] == "NON_COMPLIANT" for row in degraded)
    assert all(
        any("deploy role cannot be assumed" in finding for finding in row["findings"])
        for row in degraded
    )
    others = [row for row in rows if row["account_id"] not in (broken, None)]
    assert not any("previous state" in f for row in others for f in row["findings"])
