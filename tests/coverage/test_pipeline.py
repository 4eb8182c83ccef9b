"""Discovery and scoping against a moto organization: who is covered, where, and why not."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import boto3
import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError
from moto import mock_aws

from org_backup.coverage.pipeline import load_coverage
from tests.support.orgs import Org, new_org


@pytest.fixture
def org():
    with mock_aws():
        yield new_org()


@pytest.fixture
def accounts_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "accounts"
    directory.mkdir()
    return directory


@pytest.fixture
def api_calls(monkeypatch: pytest.MonkeyPatch) -> Counter:
    """Every AWS call made by any client, as (service, operation)."""
    calls: Counter = Counter()
    original = BaseClient._make_api_call

    def counting(self, operation_name, api_params):
        calls[(self.meta.service_model.service_name, operation_name)] += 1
        return original(self, operation_name, api_params)

    monkeypatch.setattr(BaseClient, "_make_api_call", counting)
    return calls


def write(directory: Path, name: str, text: str) -> None:
    (directory / name).write_text(text)


def by_name(plan) -> dict:
    return {account.name: account for account in plan.accounts}


def test_pagination_past_one_page_lists_every_account(org: Org, accounts_dir: Path, api_calls):
    ids = {org.account(f"member-{i:02d}") for i in range(45)}

    api_calls.clear()
    plan = load_coverage(accounts_dir)

    covered = {account.account_id for account in plan.covered}
    assert covered == ids
    assert len(plan.accounts) == 46  # the management account is listed, skipped
    # 46 accounts under the root at 20 a page: three pages, no per-account call.
    assert api_calls[("organizations", "ListAccountsForParent")] == 3


def test_target_ou_in_the_middle_covers_its_nested_ous_only(org: Org, accounts_dir: Path):
    org.account("top", "A")
    org.account("middle", "A/B")
    org.account("deep", "A/B/C")
    org.account("elsewhere", "X")

    plan = load_coverage(accounts_dir, {"target_ous": [org.ous["A/B"]]})

    accounts = by_name(plan)
    assert accounts["middle"].covered and accounts["deep"].covered
    assert accounts["deep"].ou_path == "Root/A/B/C"
    assert accounts["top"].skip_reason == "outside target OUs"
    assert accounts["elsewhere"].skip_reason == "outside target OUs"


def test_suspended_and_pending_closure_accounts_are_skipped_with_that_reason(org, accounts_dir):
    suspended = org.account("gone")
    closing = org.account("closing")
    org.account("alive")
    org.client.close_account(AccountId=suspended)
    org.set_state(closing, "PENDING_CLOSURE")

    accounts = by_name(load_coverage(accounts_dir))

    assert accounts["gone"].skip_reason == "suspended"
    assert accounts["closing"].skip_reason == "pending closure"
    assert accounts["alive"].covered


def test_excluded_accounts_and_the_management_account(org: Org, accounts_dir: Path):
    kept = org.account("kept")
    dropped = org.account("dropped")

    plan = load_coverage(accounts_dir, {"exclude_accounts": [dropped]})
    accounts = {account.account_id: account for account in plan.accounts}
    assert accounts[dropped].skip_reason == "excluded"
    assert accounts[kept].covered
    assert accounts[org.management_id].skip_reason == "management account"

    plan = load_coverage(accounts_dir, {"include_management_account": True})
    assert {account.account_id for account in plan.covered} == {kept, dropped, org.management_id}


def test_listed_mode_covers_only_accounts_with_a_file(org: Org, accounts_dir: Path):
    listed = org.account("listed")
    org.account("unlisted")
    write(accounts_dir, "listed.yaml", f'account_id: "{listed}"\nname: listed\n')

    accounts = by_name(load_coverage(accounts_dir, {"account_selection": "listed"}))

    assert accounts["listed"].covered
    assert accounts["listed"].source.endswith("listed.yaml")
    assert accounts["unlisted"].skip_reason == "not listed"


def test_account_file_overrides_regions_and_retention(org: Org, accounts_dir: Path):
    special = org.account("special")
    org.account("plain")
    write(
        accounts_dir,
        "special.yaml",
        f'account_id: "{special}"\nregions: [eu-west-1, us-west-2]\n'
        "backup:\n  delete_after_days: 365\n  cold_storage_after_days: 30\n",
    )

    accounts = by_name(load_coverage(accounts_dir, {"regions": ["us-east-1"]}))

    assert accounts["special"].regions == ("eu-west-1", "us-west-2")
    assert accounts["special"].policy.rules[0].delete_after_days == 365
    assert accounts["special"].policy.rules[0].cold_storage_after_days == 30
    assert accounts["plain"].regions == ("us-east-1",)
    assert accounts["plain"].policy.rules[0].delete_after_days == 90


def test_disabled_file_skips_its_account(org: Org, accounts_dir: Path):
    paused = org.account("paused")
    write(accounts_dir, "paused.yaml", f'account_id: "{paused}"\nenabled: false\n')

    assert (
        by_name(load_coverage(accounts_dir))["paused"].skip_reason
        == "disabled in its accounts/ file"
    )


def test_default_regions_make_no_per_account_call(org: Org, accounts_dir: Path, api_calls):
    for i in range(5):
        org.account(f"member-{i}", "ML/Prod")

    api_calls.clear()
    plan = load_coverage(accounts_dir, {"regions": ["us-east-1", "eu-west-1"]})

    assert len(plan.covered) == 5
    assert api_calls[("sts", "AssumeRole")] == 0
    assert api_calls[("account", "ListRegions")] == 0
    assert api_calls[("ec2", "DescribeRegions")] == 1  # once, to learn which need opt-in
    organization_calls = {op for (service, op) in api_calls if service == "organizations"}
    assert organization_calls == {
        "DescribeOrganization",
        "ListRoots",
        "ListAccountsForParent",
        "ListOrganizationalUnitsForParent",
        "ListAccounts",
    }
    # one listing of accounts and one of child OUs per OU (root, ML, ML/Prod), and the flat
    # listing that checks the walk: no more.
    assert api_calls[("organizations", "ListAccountsForParent")] == 3
    assert api_calls[("organizations", "ListOrganizationalUnitsForParent")] == 3
    assert api_calls[("organizations", "ListAccounts")] == 1


def answer_list_regions(session: boto3.Session, enabled_by_account: dict[str, list[str]]) -> None:
    """Answer account:ListRegions (moto lacks it) from a table, per requested account."""

    def remember_account(params, context, **_):
        context["account_id"] = params.get("AccountId")

    def reply(context, **_):
        regions = enabled_by_account.get(context["account_id"], [])
        body = {"Regions": [{"RegionName": r, "RegionOptStatus": "ENABLED"} for r in regions]}
        return (_Http(), body)

    session.events.register("before-parameter-build.account.ListRegions", remember_account)
    session.events.register("before-call.account.ListRegions", reply)


class _Http:
    status_code = 200
    headers: dict = {}


def test_opt_in_region_is_looked_up_per_account(org: Org, accounts_dir: Path, api_calls):
    opted = org.account("opted")
    org.account("not-opted")
    session = boto3.Session(region_name="us-east-1")
    answer_list_regions(session, {opted: ["ap-east-1"]})

    api_calls.clear()
    plan = load_coverage(accounts_dir, {"regions": ["us-east-1", "ap-east-1"]}, session)

    accounts = by_name(plan)
    assert accounts["opted"].regions == ("us-east-1", "ap-east-1")
    assert accounts["not-opted"].regions == ("us-east-1",)
    assert accounts["not-opted"].regions_not_enabled == ("ap-east-1",)
    assert api_calls[("sts", "AssumeRole")] == 0  # account:ListRegions answered: no fallback


def test_opt_in_lookup_falls_back_to_ec2_through_the_deploy_role(org: Org, accounts_dir, api_calls):
    # moto has no account:ListRegions (404), so every account falls back to EC2 in the account,
    # where ap-east-1 is not opted in: the account keeps only its default-enabled region.
    for i in range(6):
        org.account(f"member-{i}")

    api_calls.clear()
    plan = load_coverage(accounts_dir, {"regions": ["eu-west-1", "ap-east-1"], "max_workers": 2})

    assert [account.regions for account in plan.covered] == [("eu-west-1",)] * 6
    # Missing once is missing for all: at most the accounts already in flight asked it.
    assert api_calls[("account", "ListRegions")] <= 2
    assert api_calls[("sts", "AssumeRole")] == 6


def test_an_account_with_only_disabled_opt_in_regions_is_skipped(org: Org, accounts_dir: Path):
    org.account("member")

    plan = load_coverage(accounts_dir, {"regions": ["ap-east-1"]})

    assert by_name(plan)["member"].skip_reason.startswith("no enabled regions")


def test_one_failing_account_does_not_hide_the_others(org: Org, accounts_dir: Path):
    broken = org.account("broken")
    healthy = [org.account(f"healthy-{i}") for i in range(4)]
    session = boto3.Session(region_name="us-east-1")

    def deny_broken(params, **_):
        if f":{broken}:" in params["RoleArn"]:
            raise ClientError(
                {"Error": {"Code": "AccessDenied", "Message": "not authorized to assume"}},
                "AssumeRole",
            )

    session.events.register("before-parameter-build.sts.AssumeRole", deny_broken)

    plan = load_coverage(accounts_dir, {"check_deploy_roles": True, "max_workers": 3}, session)

    accounts = {account.account_id: account for account in plan.accounts}
    assert accounts[broken].status == "skipped"
    assert accounts[broken].skip_reason.startswith("deploy role cannot be assumed")
    assert "AccessDenied: not authorized to assume" in accounts[broken].skip_reason
    assert all(accounts[account_id].covered for account_id in healthy)


def test_discovery_role_is_assumed_first(org: Org, accounts_dir: Path, api_calls):
    org.account("member")
    role = f"arn:aws:iam::{org.management_id}:role/OrgReader"

    api_calls.clear()
    plan = load_coverage(accounts_dir, {"discovery_role_arn": role})

    assert len(plan.covered) == 1
    assert api_calls[("sts", "AssumeRole")] == 1


def test_sharding_splits_accounts_disjointly(org: Org, accounts_dir: Path):
    for i in range(12):
        org.account(f"member-{i:02d}")
    whole = {a.account_id for a in load_coverage(accounts_dir).accounts}

    shards = [
        {
            a.account_id
            for a in load_coverage(accounts_dir, {"shard_count": 3, "shard_index": i}).accounts
        }
        for i in range(3)
    ]

    assert set().union(*shards) == whole
    assert sum(len(shard) for shard in shards) == len(whole)
