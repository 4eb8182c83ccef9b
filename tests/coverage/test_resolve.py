"""Pure: which failures keep an account covered from the previous state, and which do not."""

from __future__ import annotations

import pytest

from org_backup.config.settings import Settings
from org_backup.coverage import resolve
from org_backup.coverage.resolve import AccountLookup, FileDrift
from org_backup.organization.discovery import OrgAccount, OrgInventory

ACCOUNT = OrgAccount("111122223333", "ml-prod", "ACTIVE", "Root/ML", ("r-abcd",))
SUSPENDED = OrgAccount("444455556666", "old", "SUSPENDED", "Root/ML", ("r-abcd",))
INVENTORY = OrgInventory("o-exampleorg1", "999999999999", "aws", (ACCOUNT, SUSPENDED))
DEFAULT_REGIONS = frozenset({"us-east-1", "eu-west-1"})
BEFORE = {ACCOUNT.id: ("us-east-1", "eu-west-1"), SUSPENDED.id: ("us-east-1",)}


def cover(lookups, previous_regions=BEFORE, drift=None, **settings):
    settings = Settings(regions=["us-east-1"], **settings)
    scoped = resolve.scope(settings, [], INVENTORY, drift)
    coverage = resolve.cover(
        settings, INVENTORY, scoped, DEFAULT_REGIONS, lookups, previous_regions, drift
    )
    return {account.account_id: account for account in coverage.accounts}


@pytest.mark.parametrize(
    "failure",
    [
        "deploy role cannot be assumed (arn): AccessDenied: ...",
        "region lookup failed: ec2:DescribeRegions through the deploy role: ...",
        "ThrottlingException: Rate exceeded",
    ],
)
def test_a_failed_lookup_keeps_a_previously_covered_account(failure):
    accounts = cover({ACCOUNT.id: AccountLookup(failure=failure)})
    kept = accounts[ACCOUNT.id]
    assert kept.covered and kept.degraded == failure
    assert kept.regions == ("us-east-1", "eu-west-1")  # the previous ones, not the settings'
    assert kept.policy is not None and kept.policy.rules[0].delete_after_days == 90


def test_without_previous_state_or_coverage_the_failure_is_the_skip_reason():
    failure = AccountLookup(failure="ThrottlingException: Rate exceeded")
    assert cover({ACCOUNT.id: failure}, None)[ACCOUNT.id].skip_reason == failure.failure
    assert cover({ACCOUNT.id: failure}, {})[ACCOUNT.id].skip_reason == failure.failure


def test_a_policy_skip_is_never_overridden_by_the_previous_state():
    accounts = cover({}, exclude_accounts=[ACCOUNT.id])
    assert accounts[ACCOUNT.id].skip_reason == "excluded" and accounts[ACCOUNT.id].degraded is None
    assert accounts[SUSPENDED.id].skip_reason == "suspended"


def test_healthy_accounts_are_not_degraded():
    accounts = cover({})
    assert accounts[ACCOUNT.id].covered and accounts[ACCOUNT.id].degraded is None
    assert accounts[ACCOUNT.id].regions == ("us-east-1",)  # today's settings


def test_a_wrongly_named_file_is_a_failure_even_in_listed_mode():
    drift = FileDrift(failures={ACCOUNT.id: "its accounts/ file a.yaml is not applied: ..."})
    kept = cover({}, drift=drift, account_selection="listed")[ACCOUNT.id]
    assert kept.degraded.startswith("its accounts/ file a.yaml") and kept.covered
    skipped = cover({}, None, drift=drift, account_selection="listed")[ACCOUNT.id]
    assert skipped.skip_reason.startswith("its accounts/ file a.yaml")
