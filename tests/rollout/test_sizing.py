"""`sizing`: the shard count keeps the largest real shard's provider processes within the
runner's memory, and its resource counts are what a synth of each feature mix registers."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from org_backup.cli import main
from org_backup.coverage import names
from org_backup.coverage.alerting import AlertsConfig, RestoreTestingConfig
from org_backup.coverage.audit_evidence import AuditFrameworksConfig
from org_backup.organization.sharding import shard_of
from org_backup.rollout.sizing import FEATURES, footprint, size
from org_backup.rollout.synthesize import synthesize
from tests.support.guardrail_plans import guardrails
from tests.support.plans import CENTRAL_ID, central, covered, org, policy

IDS = [f"{200000000000 + 104729 * n:012d}" for n in range(1000)]
ONE_REGION, TWO_REGIONS = "111122223333", "444455556666"

# Each feature as the settings resolve it, for a program built without discovery.
MIXES: dict[str, dict[str, Any]] = {
    "vault_lock": {
        "policy": policy(
            vault_lock_min_retention_days=7,
            vault_lock_max_retention_days=365,
            vault_lock_changeable_for_days=3,
        )
    },
    "copies": {"central": central()},
    "alerts": {
        "alerts": AlertsConfig(
            central_account_id=CENTRAL_ID,
            region="eu-west-1",
            bus_name="org-backup-alerts",
            emails=("oncall@example.com",),
            forwarder_role_name="OrgBackupAlertsForwarder",
        )
    },
    "restore_testing": {
        "restore_testing": RestoreTestingConfig(
            schedule="cron(0 9 ? * MON *)",
            timezone="Etc/UTC",
            selection_window_days=7,
            start_window_hours=24,
            validation_window_hours=2,
        )
    },
    "guardrails": {"guardrails": guardrails()},
    "audit_frameworks": {"audit_frameworks": AuditFrameworksConfig()},
}


def account_resources(features: tuple[str, ...]) -> dict[str, int]:
    """Synth of two member accounts, in one and in two regions, with `features` on: the
    resources of each (its component, everything under it, and its top-level provider)."""
    mix = {key: value for feature in features for key, value in MIXES[feature].items()}
    account_policy = mix.pop("policy", policy())
    plan = org(
        covered(ONE_REGION, regions=("us-east-1",), policy=account_policy),
        covered(TWO_REGIONS, regions=("us-east-1", "eu-west-1"), policy=account_policy),
        **mix,
    )
    counts: Counter[str] = Counter()
    for resource in synthesize(plan)["resources"]:
        for account_id in (ONE_REGION, TWO_REGIONS):
            component = names.component_name(account_id)
            if resource["parent"] == component or resource["name"] in (
                component,
                names.provider_name(account_id),
            ):
                counts[account_id] += 1
    return dict(counts)


@pytest.mark.parametrize(
    "features",
    [(), *((feature,) for feature in FEATURES), tuple(FEATURES)],
    ids=["bare", *FEATURES, "all-together"],
)
def test_each_feature_mix_counts_what_a_synth_registers(features: tuple[str, ...]):
    expected = footprint(features)

    counted = account_resources(features)

    assert counted == {ONE_REGION: expected.resources(1), TWO_REGIONS: expected.resources(2)}


def test_alerts_and_restore_testing_in_two_regions_are_21_resources(capsys):
    code = main(
        [
            "sizing",
            "--accounts",
            "10",
            "--runner-memory-gib",
            "16",
            "--regions",
            "2",
            "--alerts",
            "--restore-testing",
        ]
    )

    assert code == 0
    out = capsys.readouterr().out
    assert "210 resources (21 per account: 7 + 7 x 2 regions" in out
    assert account_resources(("alerts", "restore_testing"))[TWO_REGIONS] == 21


@pytest.mark.parametrize("runner_gib", [7, 16, 64])
def test_the_largest_rendezvous_shard_fits_the_runner(runner_gib: int):
    sizing = size(len(IDS), runner_gib * 1024)

    assert sizing.capacity == (runner_gib * 1024 - 2048) // 430
    shards = Counter(shard_of(account_id, sizing.shard_count) for account_id in IDS)
    assert max(shards.values()) <= sizing.capacity
    fewer = Counter(shard_of(account_id, sizing.shard_count // 2) for account_id in IDS)
    assert max(fewer.values()) > sizing.capacity  # half as many shards would not fit


def test_command_prints_the_formula_and_refuses_a_runner_too_small(capsys):
    assert main(["sizing", "--accounts", "1000", "--runner-memory-gib", "16"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("shard_count: ")
    assert "(16384 MiB - 2048 MiB reserve) / 430 MiB per provider process = 33" in out

    assert main(["sizing", "--accounts", "10", "--runner-memory-gib", "2"]) == 2
    assert "no room for one provider process" in capsys.readouterr().err
