"""Whom the audit reaches and where it looks, and how old a backup may be: pure decisions."""

from __future__ import annotations

import math

from org_backup.audit.targets import scan_regions, targets
from org_backup.coverage.freshness import most_frequent, rule_allowed_hours
from tests.support.plans import covered, org, policy, skipped

DEFAULT_ENABLED = frozenset({"us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1"})


def test_scan_regions_default_to_every_region_the_rollout_covers_plus_the_setting():
    plan = org(covered("111111111111", ("us-east-1",)), covered("222222222222", ("ap-east-1",)))

    assert scan_regions(plan, ["eu-west-1"], None, DEFAULT_ENABLED) == (
        "ap-east-1",
        "eu-west-1",
        "us-east-1",
    )
    everywhere = scan_regions(plan, ["eu-west-1"], ["all"], DEFAULT_ENABLED)
    assert everywhere == ("ap-east-1", "ap-southeast-2", "eu-west-1", "us-east-1")  # no cn-*
    assert scan_regions(plan, ["eu-west-1"], ["sa-east-1"], DEFAULT_ENABLED) == ("sa-east-1",)


def test_targets_reach_covered_and_policy_skipped_active_accounts_only():
    plan = org(
        covered("111111111111", ("us-east-1",), regions_not_enabled=("ap-east-1",)),
        covered("999999999999", ("us-east-1",)),  # the caller's own (management) account
        skipped("333333333333", "excluded", role="AuditRole"),
        skipped("444444444444", "suspended"),
        skipped("555555555555", "deploy role cannot be assumed (...): AccessDenied"),
    )
    regions = ("ap-east-1", "ap-south-2", "eu-west-1", "us-east-1")

    found = {t.account_id: t for t in targets(plan, regions, DEFAULT_ENABLED, "999999999999", True)}

    assert set(found) == {"111111111111", "999999999999", "333333333333"}
    member = found["111111111111"]
    assert (member.covered_regions, member.scan_regions) == (("us-east-1",), ("eu-west-1",))
    assert member.opt_in_candidates == ("ap-south-2",)  # ap-east-1 is known to be off there
    assert found["999999999999"].role_arn is None
    excluded = found["333333333333"]
    assert excluded.role_arn == "arn:aws:iam::333333333333:role/AuditRole"
    assert (excluded.covered_regions, excluded.scan_regions) == ((), ("eu-west-1", "us-east-1"))
    assert not any(
        t.account_id == "333333333333"
        for t in targets(plan, regions, DEFAULT_ENABLED, "999999999999", False)
    )


def allowed_age_hours(backup_policy) -> float:
    return rule_allowed_hours(most_frequent(backup_policy.rules))


def test_a_backup_may_be_as_old_as_the_longest_gap_plus_both_windows():
    assert allowed_age_hours(policy()) == 24 + (120 + 360) / 60
    assert allowed_age_hours(policy(schedule="cron(0 5 ? * MON-FRI *)")) == 72 + 8
    assert math.isinf(allowed_age_hours(policy(schedule="cron(0 5 * * ? 2030)")))
