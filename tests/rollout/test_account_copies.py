"""Copy actions: every rule with `copy`, in every covered account but the central one, copies to
the central vault of its region (or of `central_region`), always with a lifecycle."""

from __future__ import annotations

from typing import Any

import pytest

from org_backup.manifest.model import Manifest
from org_backup.rollout.synthesize import synthesize
from tests.support.api_shapes import api_requests, validation_errors
from tests.support.plans import CENTRAL_ID, PLAN, by_type, central, covered, org, policy, rule

A, B = "111122223333", "444455556666"
REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2")
THREE_RULES = policy(
    rules=(
        rule(name="daily", delete_after_days=35),
        rule(
            name="weekly",
            schedule="cron(0 6 ? * SUN *)",
            delete_after_days=120,
            cold_storage_after_days=30,
        ),
        rule(name="monthly", schedule="cron(0 7 1 * ? *)", delete_after_days=400, copy=False),
    )
)


def vault_arn(region: str) -> str:
    return f"arn:aws:backup:{region}:{CENTRAL_ID}:backup-vault:org-backup-central"


def plan_rules(resources, account_id: str, region: str) -> list[dict[str, Any]]:
    (plan,) = [r for r in by_type(resources, PLAN) if r["name"] == f"{account_id}-{region}-plan"]
    return plan["inputs"]["rules"]


def the_org(**central_fields: Any):
    return org(
        covered(A, policy=THREE_RULES),
        covered(B, regions=("ap-southeast-2",), policy=THREE_RULES),
        covered(CENTRAL_ID, policy=THREE_RULES),
        central=central(regions=REGIONS, **central_fields),
    )


@pytest.fixture(scope="module")
def synth() -> dict[str, Any]:
    return synthesize(the_org())


def test_every_copying_rule_copies_to_the_central_vault_of_its_region(synth):
    resources = synth["resources"]
    for account_id, region in ((A, "us-east-1"), (A, "eu-west-1"), (B, "ap-southeast-2")):
        daily, weekly, monthly = plan_rules(resources, account_id, region)
        assert [r["ruleName"] for r in (daily, weekly, monthly)] == ["daily", "weekly", "monthly"]
        assert daily["copyActions"] == [
            {"destinationVaultArn": vault_arn(region), "lifecycle": {"deleteAfter": 35}}
        ]
        assert weekly["copyActions"] == [
            {
                "destinationVaultArn": vault_arn(region),
                "lifecycle": {"deleteAfter": 120, "coldStorageAfter": 30},
            }
        ]
        assert "copyActions" not in monthly


def test_every_copy_action_has_a_lifecycle(synth):
    actions = [
        action
        for plan in by_type(synth["resources"], PLAN)
        for r in plan["inputs"]["rules"]
        for action in r.get("copyActions", [])
    ]
    assert len(actions) == 6
    assert all(action["lifecycle"]["deleteAfter"] >= 1 for action in actions)


def test_the_central_account_does_not_copy_to_itself(synth):
    for region in ("us-east-1", "eu-west-1"):
        rules = plan_rules(synth["resources"], CENTRAL_ID, region)
        assert len(rules) == 3
        assert not any("copyActions" in r for r in rules)


def test_central_region_gathers_every_copy_in_one_region():
    resources = synthesize(the_org(central_region="eu-west-1"))["resources"]
    daily = plan_rules(resources, B, "ap-southeast-2")[0]
    assert daily["copyActions"][0]["destinationVaultArn"] == vault_arn("eu-west-1")


def test_copy_lifecycle_of_its_own():
    own = policy(rules=(rule(name="daily", copy_delete_after_days=365),))
    resources = synthesize(org(covered(A, policy=own), central=central()))["resources"]
    (daily,) = plan_rules(resources, A, "us-east-1")
    assert daily["lifecycle"] == {"deleteAfter": 90}
    assert daily["copyActions"][0]["lifecycle"] == {"deleteAfter": 365}


def test_manifest_names_the_central_vaults_and_every_rules_copy_actions(synth):
    manifest = Manifest.model_validate(synth)
    assert manifest.central.account_id == CENTRAL_ID
    assert manifest.central.kind == "standard"
    assert [(r.region, r.vault_arn) for r in manifest.central.regions] == [
        (region, vault_arn(region)) for region in REGIONS
    ]
    accounts = {a.account_id: a for a in manifest.accounts}
    daily, weekly, monthly = accounts[B].regions[0].plan.rules
    assert [a.model_dump() for a in daily.copy_actions] == [
        {
            "destination_vault_arn": vault_arn("ap-southeast-2"),
            "delete_after_days": 35,
            "cold_storage_after_days": None,
        }
    ]
    assert weekly.copy_actions[0].cold_storage_after_days == 30
    assert monthly.copy_actions == []
    assert all(r.copy_actions == [] for reg in accounts[CENTRAL_ID].regions for r in reg.plan.rules)


def test_other_shards_copy_to_the_vaults_shard_zero_creates(synth):
    other = synthesize(
        org(
            covered(A, policy=THREE_RULES),
            central=central(regions=REGIONS),
            shard_index=1,
            shard_count=2,
        )
    )
    assert plan_rules(other["resources"], A, "eu-west-1")[0]["copyActions"][0][
        "destinationVaultArn"
    ] == vault_arn("eu-west-1")
    assert other["central"] == synth["central"]
    created = {
        r["inputs"]["region"]: r
        for r in synth["resources"]
        if r["parent"] == "organization" and r["type"] == "aws:backup/vault:Vault"
    }
    arns = {r["region"]: r["vault_arn"] for r in synth["central"]["regions"]}
    assert set(created) == set(arns)


def test_no_central_account_means_no_copy_actions_and_central_null():
    result = synthesize(org(covered(A, policy=THREE_RULES)))
    assert result["central"] is None
    assert not any(
        "copyActions" in r for p in by_type(result["resources"], PLAN) for r in p["inputs"]["rules"]
    )
    rules = result["accounts"][0]["regions"][0]["plan"]["rules"]
    assert [r["copy_actions"] for r in rules] == [[], [], []]


def test_plans_with_copy_actions_are_requests_botocore_accepts(synth):
    plans = [r for r in api_requests(synth["resources"]) if r.operation == "CreateBackupPlan"]
    assert len(plans) == 5
    for request in plans:
        assert validation_errors(request) == [], request
    rules = next(r for r in plans if r.resource == f"{A}-eu-west-1-plan").params["BackupPlan"][
        "Rules"
    ]
    assert rules[1]["CopyActions"] == [
        {
            "DestinationBackupVaultArn": vault_arn("eu-west-1"),
            "Lifecycle": {"DeleteAfterDays": 120, "MoveToColdStorageAfterDays": 30},
        }
    ]
    broken = next(r for r in plans if r.resource == f"{A}-eu-west-1-plan")
    broken.params["BackupPlan"]["Rules"][0]["CopyActions"][0].pop("DestinationBackupVaultArn")
    assert any("DestinationBackupVaultArn" in e for e in validation_errors(broken))
