"""The removal guard: one run may stop covering at most `max_accounts_removed` of the accounts
its previous state covered, whatever the reason; over it, exit 2 with the list."""

from __future__ import annotations

import pytest

from org_backup.coverage.model import AccountCoverage
from org_backup.coverage.state.guard import check_removals, region_removals, removals
from org_backup.coverage.state.previous import PreviousState
from org_backup.errors import InputError
from org_backup.manifest.model import Manifest
from org_backup.organization.sharding import shard_of
from org_backup.rollout.export import build_manifest
from tests.support.nightly import Nightly
from tests.support.plans import covered, org, skipped


def test_target_ous_on_a_small_ou_is_refused_with_the_list_until_the_setting_allows_it(
    nightly: Nightly, monkeypatch
):
    previous = nightly.plan("first")
    data = sorted(nightly.org.accounts[name] for name in ("lake", "warehouse"))
    ml_ids = sorted(nightly.org.accounts[name] for name in ("ml-prod", "ml-dev", "ml-test"))
    monkeypatch.setenv("ORG_BACKUP_TARGET_OUS", f'["{nightly.org.ous["Data"]}"]')
    monkeypatch.setenv("ORG_BACKUP_MAX_ACCOUNTS_REMOVED", "2")

    refused = nightly.synth("second", "--previous", previous)

    assert refused.code == 2
    assert "max_accounts_removed" in refused.err
    assert "ORG_BACKUP_MAX_ACCOUNTS_REMOVED=3" in refused.err
    for account_id in ml_ids:
        line = next(line for line in refused.err.splitlines() if account_id in line)
        assert "skipped: outside target OUs" in line and previous in line
    assert not any(account_id in refused.err for account_id in data)
    assert "nothing was written" in refused.err

    assert nightly.discover("--previous", previous).code == 2

    monkeypatch.setenv("ORG_BACKUP_MAX_ACCOUNTS_REMOVED", "3")
    allowed = nightly.synth("second", "--previous", previous)
    assert allowed.code == 0, allowed.err
    assert {a["account_id"] for a in allowed.document["accounts"] if a["status"] == "covered"} == (
        set(data)
    )


def test_default_allows_three_and_zero_allows_none(nightly: Nightly, monkeypatch):
    previous = nightly.plan("first")
    dropped = nightly.org.accounts["ml-prod"]
    monkeypatch.setenv("ORG_BACKUP_EXCLUDE_ACCOUNTS", f'["{dropped}"]')

    within = nightly.discover("--previous", previous)
    assert within.code == 0
    assert f"WARNING: account {dropped} (ml-prod), covered in {previous}, is no longer" in (
        within.err
    )
    assert "(skipped: excluded): its backup plan, selection and role will be deleted" in within.err
    monkeypatch.setenv("ORG_BACKUP_MAX_ACCOUNTS_REMOVED", "0")
    run = nightly.discover("--previous", previous)
    assert run.code == 2

    assert f"account: '{dropped}': (ml-prod) skipped: excluded" in run.err


def test_a_deleted_accounts_file_in_listed_mode_counts(nightly: Nightly, monkeypatch):
    monkeypatch.setenv("ORG_BACKUP_ACCOUNT_SELECTION", "listed")
    monkeypatch.setenv("ORG_BACKUP_MAX_ACCOUNTS_REMOVED", "0")
    lake = nightly.org.accounts["lake"]
    path = nightly.write_file("lake.yaml", f'account_id: "{lake}"\nname: lake\n')
    previous = nightly.plan("first")

    path.unlink()
    run = nightly.discover("--previous", previous)

    assert run.code == 2
    assert lake in run.err and "skipped: not listed" in run.err


def test_an_account_that_left_the_organization_counts(nightly: Nightly, monkeypatch):
    monkeypatch.setenv("ORG_BACKUP_MAX_ACCOUNTS_REMOVED", "0")
    previous = nightly.plan("first")
    gone = nightly.org.accounts["warehouse"]
    nightly.org.client.remove_account_from_organization(AccountId=gone)

    run = nightly.discover("--previous", previous)

    assert run.code == 2
    assert gone in run.err and "no longer an account of organization" in run.err


# Pure: every path that drops an account, counted against the previous manifest.

A, B, C, D = "111122223333", "444455556666", "777788889999", "123412341234"


def previous_of(*accounts: AccountCoverage, shard_count: int = 1) -> PreviousState:
    coverage = org(*accounts).model_copy(update={"shard_count": shard_count})
    return PreviousState("prev.json", Manifest.model_validate(build_manifest(coverage)))


def test_every_reason_is_counted_and_named():
    previous = previous_of(covered(A), covered(B), covered(C), covered(D), skipped("999999999999"))
    now = org(covered(A), skipped(B, "suspended"), skipped(C, "deploy role cannot be assumed"))

    found = {r.account_id: r.reason for r in removals(previous, now)}

    assert found[B] == "skipped: suspended"
    assert found[C] == "skipped: deploy role cannot be assumed"
    assert found[D] == "no longer an account of organization o-exampleorg1"
    assert A not in found and "999999999999" not in found  # covered now; never covered


def test_accounts_moved_to_another_shard_are_counted():
    ids = [f"{n:012d}" for n in range(100000000000, 100000000040)]
    previous = previous_of(*(covered(i) for i in ids))
    staying = [i for i in ids if shard_of(i, 2) == 0]
    now = org(*(covered(i) for i in staying)).model_copy(update={"shard_count": 2})

    found = removals(previous, now)

    assert {r.account_id for r in found} == set(ids) - set(staying)
    assert all(r.reason == "moved to shard 1 of 2" for r in found)


def test_within_the_limit_the_removals_are_returned_over_it_refused():
    previous = previous_of(covered(A), covered(B))
    now = org(skipped(A, "excluded"), skipped(B, "excluded"))

    assert len(check_removals(previous, now, 2)) == 2
    with pytest.raises(InputError) as raised:
        check_removals(previous, now, 1)
    text = str(raised.value)
    assert text.splitlines()[0].startswith("settings: max_accounts_removed: 1: ")
    assert "ORG_BACKUP_MAX_ACCOUNTS_REMOVED=2" in text
    assert f"prev.json: account: '{A}'" in text and f"prev.json: account: '{B}'" in text


def test_a_region_that_stops_being_covered_is_warned_about_not_counted():
    previous = previous_of(covered(A), covered(B))
    now = org(covered(A, regions=("us-east-1",)), covered(B))

    assert removals(previous, now) == []  # the account stays covered: not a removal
    (line,) = region_removals(previous, now)
    assert A in line and "eu-west-1" in line and "us-east-1" not in line
    assert "will be deleted" in line and "prev.json" in line
