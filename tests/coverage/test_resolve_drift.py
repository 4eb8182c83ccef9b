"""Drift of the organization stays in its account: a file for a suspended, closed or departed
account, or naming its account wrongly, is a warning naming the file; the other accounts' plan
is untouched; `discover --strict` (pull-request checks) makes each of them exit 2."""

from __future__ import annotations

import pytest

from tests.support.nightly import Nightly, Run


def others(run: Run, *left_out: str) -> dict[str, list]:
    """Every other account's manifest entry and registered resources."""
    return {
        account["account_id"]: [account, run.resources_of(account["account_id"])]
        for account in run.document["accounts"]
        if account["account_id"] not in left_out
    }


@pytest.mark.parametrize("drift", ["suspended", "renamed"])
def test_a_drifted_file_leaves_the_other_accounts_plan_untouched(nightly: Nightly, drift):
    target = nightly.org.accounts["ml-test"]
    nightly.write_file(
        "ml-test.yaml",
        f'account_id: "{target}"\nname: ml-test\nbackup:\n  delete_after_days: 365\n',
    )
    nightly.write_file(
        "lake.yaml", f'account_id: "{nightly.org.accounts["lake"]}"\nregions: [eu-west-1]\n'
    )
    baseline = nightly.synth("baseline")
    assert baseline.code == 0
    if drift == "suspended":
        nightly.org.client.close_account(AccountId=target)
    else:
        nightly.rename(target, "ml-test-2")

    run = nightly.synth("drifted")

    assert run.code == 0, run.err
    path = str(nightly.accounts_dir / "ml-test.yaml")
    warning = next(line for line in run.err.splitlines() if line.startswith("WARNING: "))
    assert path in warning
    assert others(run, target) == others(baseline, target)
    entry = run.account(target)
    assert entry["status"] == "skipped"
    if drift == "suspended":
        assert entry["skip_reason"] == "suspended"
        assert "SUSPENDED" in warning
    else:
        assert path in entry["skip_reason"] and "not applied" in entry["skip_reason"]
        assert "'ml-test-2'" in warning

    strict = nightly.discover("--strict")
    assert strict.code == 2
    assert f"error: {path}: " in strict.err
    assert strict.out == ""


def test_a_renamed_account_covered_before_stays_covered_and_degraded(nightly: Nightly):
    target = nightly.org.accounts["ml-prod"]
    path = nightly.write_file(
        "ml-prod.yaml", f'account_id: "{target}"\nname: ml-prod\nregions: [eu-west-1]\n'
    )
    first = nightly.synth("first")
    assert first.code == 0
    nightly.rename(target, "ml-production")

    run = nightly.synth("second", "--previous", str(nightly.directory / "first.json"))

    assert run.code == 0, run.err
    entry = run.account(target)
    assert entry["status"] == "covered"
    assert str(path) in entry["degraded"] and "not applied" in entry["degraded"]
    assert [r["region"] for r in entry["regions"]] == ["eu-west-1"]
    assert run.resources_of(target) == first.resources_of(target)


def test_a_file_for_an_account_outside_the_organization_is_only_a_warning(nightly: Nightly):
    path = nightly.write_file("stray.yaml", 'account_id: "999988887777"\n')

    run = nightly.discover("--json")

    assert run.code == 0
    assert f"WARNING: {path}: account_id: '999988887777': is not an account of" in run.err
    assert "999988887777" not in {a["account_id"] for a in run.document["accounts"]}
    assert len([a for a in run.document["accounts"] if a["status"] == "covered"]) == 5
    assert nightly.discover("--strict").code == 2


def test_a_malformed_file_stays_exit_2_without_strict(nightly: Nightly):
    nightly.write_file("bad.yaml", "account_id: 123\n")
    run = nightly.discover()
    assert run.code == 2
    assert "bad.yaml: account_id:" in run.err
