"""The Pulumi program under the mock engine: what each account gets, and with which inputs."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pulumi
import pytest

from org_backup.manifest.model import Manifest
from org_backup.rollout import program as program_module
from org_backup.rollout.mock_engine import run_mocked
from org_backup.rollout.program import gather
from org_backup.rollout.synthesize import synthesize
from tests.support.plans import (
    ATTACHMENT,
    COMPONENT,
    LOCK,
    PLAN,
    PROVIDER,
    REGIONAL,
    ROLE,
    SELECTION,
    VAULT,
    by_type,
    covered,
    org,
    policy,
    skipped,
)

A, B, C = "111122223333", "444455556666", "777788889999"
OVERRIDDEN = policy(
    schedule="cron(0 1 ? * MON *)",
    schedule_timezone="Europe/Paris",
    start_window_minutes=60,
    completion_window_minutes=240,
    delete_after_days=365,
    cold_storage_after_days=30,
    selection_tag_key="backup",
    selection_tag_value="yes",
    vault_kms_key_arn="arn:{partition}:kms:{region}:{account_id}:alias/org-backup",
    vault_lock_min_retention_days=7,
    vault_lock_max_retention_days=400,
    vault_lock_changeable_for_days=3,
)
PLAN_UNDER_TEST = org(
    covered(A, tags={"team": "ml"}, deploy_role_external_id="ext-123"),
    covered(B, regions=("ap-southeast-2",), policy=OVERRIDDEN),
    skipped(C),
    tags={"cost-center": "ai", "team": "platform"},
)


@pytest.fixture(scope="module")
def synth() -> dict[str, Any]:
    return synthesize(PLAN_UNDER_TEST)


@pytest.fixture(scope="module")
def resources(synth: dict[str, Any]) -> list[dict[str, Any]]:
    return synth["resources"]


def one(resources: list[dict[str, Any]], type_: str, name: str) -> dict[str, Any]:
    matches = [r for r in resources if r["type"] == type_ and r["name"] == name]
    assert len(matches) == 1, f"{type_} {name}: {len(matches)} registrations"
    return matches[0]


def provider_config(resources: list[dict[str, Any]], account_id: str) -> dict[str, Any]:
    """Provider inputs reach the engine as JSON strings; decode them as the provider would."""
    inputs = one(resources, PROVIDER, f"{account_id}-aws")["inputs"]
    return {key: _json(value) for key, value in inputs.items()}


def _json(value: Any) -> Any:
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return value


def test_each_account_has_one_component_provider_and_role_and_nothing_for_skipped(resources):
    per_type = Counter(r["type"] for r in resources)
    assert per_type[COMPONENT] == per_type[PROVIDER] == per_type[ROLE] == 2
    assert per_type[ATTACHMENT] == 4
    assert not [r for r in resources if C in r["name"]]


def test_one_vault_plan_and_selection_per_account_and_region(resources):
    expected = {(A, "us-east-1"), (A, "eu-west-1"), (B, "ap-southeast-2")}
    for type_ in (VAULT, PLAN, SELECTION):
        found = Counter(
            (r["provider"].removesuffix("-aws"), r["inputs"]["region"])
            for r in by_type(resources, type_)
        )
        assert found == Counter(expected), type_


def test_every_resource_of_an_account_uses_its_provider_and_sits_under_its_component(resources):
    for resource in resources:
        if resource["type"] in (COMPONENT, PROVIDER):
            # Providers at the top level: `pulumi state move` of a component copies providers
            # and leaves them in the source stack, which must not lose their parent.
            assert resource["parent"] is None
            continue
        account_id = resource["name"][:12]
        assert resource["parent"] == account_id, resource["name"]
        assert resource["provider"] == f"{account_id}-aws", resource["name"]


def test_regional_resources_carry_the_region_their_name_says(resources):
    regional = [r for r in resources if r["type"] in REGIONAL]
    assert len(regional) == 10
    for resource in regional:
        account_id = resource["name"][:12]
        assert resource["name"].startswith(f"{account_id}-{resource['inputs']['region']}-")


def test_provider_assumes_the_deploy_role_and_refuses_any_other_account(resources):
    config = provider_config(resources, A)
    assert config["assumeRoles"] == [
        {
            "roleArn": f"arn:aws:iam::{A}:role/OrganizationAccountAccessRole",
            "sessionName": "org-backup-deploy",
            "externalId": "ext-123",
        }
    ]
    assert config["allowedAccountIds"] == [A]
    assert config["region"] == "us-east-1"
    assert provider_config(resources, B)["assumeRoles"][0]["roleArn"].split(":")[4] == B
    assert "externalId" not in provider_config(resources, B)["assumeRoles"][0]


def test_provider_default_tags_merge_org_and_account_tags(resources):
    assert provider_config(resources, A)["defaultTags"] == {
        "tags": {"cost-center": "ai", "team": "ml", "managed-by": "org-backup"}
    }
    assert provider_config(resources, B)["defaultTags"]["tags"]["team"] == "platform"


def test_service_role_is_trusted_by_backup_and_has_the_two_managed_policies(resources):
    """No aws:SourceAccount condition: AWS Backup documents none for its service role, and one
    it does not meet would fail every backup (rollout/trust.py)."""
    role = one(resources, ROLE, f"{A}-backup-role")["inputs"]
    assert role["name"] == "OrgBackupServiceRole"
    assert "managedPolicyArns" not in role
    trust = json.loads(role["assumeRolePolicy"])["Statement"]
    assert trust == [
        {
            "Effect": "Allow",
            "Principal": {"Service": "backup.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ]
    attached = {
        r["inputs"]["policyArn"] for r in by_type(resources, ATTACHMENT) if r["name"].startswith(A)
    }
    assert attached == {
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    }
    assert {r["inputs"]["role"] for r in by_type(resources, ATTACHMENT)} == {"OrgBackupServiceRole"}


def test_selection_is_efs_file_systems_and_the_tag_never_selection_tags(synth, resources):
    selection = one(resources, SELECTION, f"{A}-us-east-1-selection")["inputs"]
    assert selection["resources"] == ["arn:aws:elasticfilesystem:*:*:file-system/*"]
    assert selection["conditions"] == [
        {"stringEquals": [{"key": "aws:ResourceTag/Name", "value": "AIFilesystem"}]}
    ]
    assert not any("selectionTags" in r["inputs"] for r in by_type(resources, SELECTION))
    assert selection["iamRoleArn"] == f"arn:aws:iam::{A}:role/OrgBackupServiceRole"
    region = synth["accounts"][0]["regions"][0]
    assert region["region"] == "us-east-1"
    assert selection["planId"] == region["plan"]["id"]


def test_default_policy_reaches_the_plan_rule(resources):
    plan = one(resources, PLAN, f"{A}-eu-west-1-plan")["inputs"]
    assert plan["name"] == "org-backup-ai"
    assert plan["rules"] == [
        {
            "ruleName": "daily",
            "targetVaultName": "org-backup-ai",
            "schedule": "cron(0 5 * * ? *)",
            "scheduleExpressionTimezone": "Etc/UTC",
            "startWindow": 120,
            "completionWindow": 360,
            "lifecycle": {"deleteAfter": 90},
        }
    ]


def test_account_policy_overrides_reach_the_plan_selection_and_vault(resources):
    rule = one(resources, PLAN, f"{B}-ap-southeast-2-plan")["inputs"]["rules"][0]
    assert rule["schedule"] == "cron(0 1 ? * MON *)"
    assert rule["scheduleExpressionTimezone"] == "Europe/Paris"
    assert (rule["startWindow"], rule["completionWindow"]) == (60, 240)
    assert rule["lifecycle"] == {"deleteAfter": 365, "coldStorageAfter": 30}
    selection = one(resources, SELECTION, f"{B}-ap-southeast-2-selection")["inputs"]
    assert selection["conditions"][0]["stringEquals"] == [
        {"key": "aws:ResourceTag/backup", "value": "yes"}
    ]
    vault = one(resources, VAULT, f"{B}-ap-southeast-2-vault")["inputs"]
    assert vault["kmsKeyArn"].startswith(f"arn:aws:kms:ap-southeast-2:{B}:key/")  # alias resolved
    assert "kmsKeyArn" not in one(resources, VAULT, f"{A}-us-east-1-vault")["inputs"]


def test_vault_lock_only_where_configured_with_its_retention_and_mode(resources):
    assert [r["name"] for r in by_type(resources, LOCK)] == [f"{B}-ap-southeast-2-vault-lock"]
    lock = by_type(resources, LOCK)[0]["inputs"]
    assert lock == {
        "backupVaultName": "org-backup-ai",
        "minRetentionDays": 7,
        "maxRetentionDays": 400,
        "changeableForDays": 3,
        "region": "ap-southeast-2",
    }


def test_vaults_and_locks_are_retained_when_removed_from_the_stack(resources):
    retained = {r["type"] for r in resources if r["retain_on_delete"]}
    assert retained == {VAULT, LOCK}
    assert all(r["retain_on_delete"] for r in by_type(resources, VAULT))


def test_physical_names_are_explicit_and_logical_names_short(resources):
    for resource in resources:
        assert len(resource["name"]) <= 50, resource["name"]
        if resource["type"] in (VAULT, PLAN, SELECTION, ROLE):
            assert resource["inputs"]["name"], resource["name"]


def test_adding_or_removing_an_account_changes_no_other_resource(resources):
    bigger = synthesize(
        org(*PLAN_UNDER_TEST.accounts, covered("222233334444"), tags=PLAN_UNDER_TEST.tags)
    )
    added = {(r["type"], r["name"]): r for r in bigger["resources"]}
    for resource in resources:
        assert added[(resource["type"], resource["name"])] == resource
    assert {r["name"][:12] for r in bigger["resources"]} == {A, B, "222233334444"}

    smaller = synthesize(org(PLAN_UNDER_TEST.accounts[1], tags=PLAN_UNDER_TEST.tags))
    assert smaller["resources"] == [r for r in resources if r["name"].startswith(B)]


def test_manifest_follows_the_contract_with_the_engine_ids(synth):
    manifest = Manifest.model_validate(synth)
    assert [(a.account_id, a.status) for a in manifest.accounts] == [
        (A, "covered"),
        (B, "covered"),
        (C, "skipped"),
    ]
    first = manifest.accounts[0]
    assert first.backup_role_arn == f"arn:aws:iam::{A}:role/OrgBackupServiceRole"
    assert [r.region for r in first.regions] == ["us-east-1", "eu-west-1"]
    region = manifest.accounts[1].regions[0]
    assert region.vault.arn == f"arn:aws:backup:ap-southeast-2:{B}:backup-vault:org-backup-ai"
    assert region.plan.arn == f"arn:aws:backup:ap-southeast-2:{B}:backup-plan:{region.plan.id}"
    assert region.plan.version and region.selection.id
    assert region.vault.lock.mode == "compliance"
    plan_ids = [r.plan.id for a in manifest.accounts for r in a.regions]
    assert len(set(plan_ids)) == 3


def test_arns_follow_the_partition_of_the_plan():
    gov = "123412341234"
    result = synthesize(
        org(
            covered(gov, regions=("us-gov-west-1",), partition="aws-us-gov"), partition="aws-us-gov"
        )
    )
    resources = result["resources"]
    assert one(resources, SELECTION, f"{gov}-us-gov-west-1-selection")["inputs"]["resources"] == [
        "arn:aws-us-gov:elasticfilesystem:*:*:file-system/*"
    ]
    assert {r["inputs"]["policyArn"].split(":")[1] for r in by_type(resources, ATTACHMENT)} == {
        "aws-us-gov"
    }
    region = result["accounts"][0]["regions"][0]
    assert region["vault"]["arn"].startswith(f"arn:aws-us-gov:backup:us-gov-west-1:{gov}:")
    assert result["accounts"][0]["backup_role_arn"].startswith("arn:aws-us-gov:iam::")


def test_synth_is_repeatable_in_one_process(synth):
    assert synthesize(PLAN_UNDER_TEST) == synth


def test_an_organization_with_nothing_covered_registers_nothing():
    result = synthesize(org(skipped(C, "not listed")))
    assert result["resources"] == []
    assert result["accounts"][0]["skip_reason"] == "not listed"


def test_gather_keeps_every_value_in_order_and_the_secrecy_across_chunks(monkeypatch):
    """The manifest's ids are gathered in chunks (`gather`); more than two levels of chunks
    must still give every value, in order, and a secret anywhere keeps the whole secret."""
    monkeypatch.setattr(program_module, "GATHER_CHUNK", 4)
    count = 4**3 + 3  # three levels of chunks, the last ones short

    async def program() -> pulumi.Output[dict[str, Any]]:
        values: list[Any] = [
            pulumi.Output.from_input(index) if index % 2 else index for index in range(count)
        ]
        plain = gather(values)
        values[count // 2] = pulumi.Output.secret(count // 2)
        secret = gather(values)
        return pulumi.Output.from_input(
            {
                "values": plain,
                "plain_is_secret": await plain.is_secret(),
                "secret_is_secret": await secret.is_secret(),
            }
        )

    result, _ = run_mocked(program, project="org-backup", stack="test")

    assert result["values"] == list(range(count))
    assert (result["plain_is_secret"], result["secret_is_secret"]) == (False, True)
