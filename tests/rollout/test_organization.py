"""Shard 0's organization-level resources: global settings in the management account, and the
central vaults, their policy and (air-gapped) their RAM share in the central account."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from org_backup.rollout.synthesize import synthesize
from tests.support.api_shapes import api_requests, validation_errors
from tests.support.plans import (
    AIR_GAPPED_VAULT,
    CENTRAL_ID,
    GLOBAL_SETTINGS,
    LOCK,
    MANAGEMENT_ID,
    ORGANIZATION_COMPONENT,
    PROVIDER,
    SHARE,
    SHARE_PRINCIPAL,
    SHARE_RESOURCE,
    VAULT,
    VAULT_POLICY,
    by_type,
    central,
    covered,
    org,
)

A = "111122223333"
ORG_LEVEL = (
    GLOBAL_SETTINGS,
    VAULT_POLICY,
    AIR_GAPPED_VAULT,
    SHARE,
    SHARE_RESOURCE,
    SHARE_PRINCIPAL,
)


def _json(value: Any) -> Any:
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return value


def provider(resources, name: str) -> dict[str, Any]:
    (found,) = [r for r in resources if r["type"] == PROVIDER and r["name"] == name]
    return {key: _json(value) for key, value in found["inputs"].items()}


def central_vaults(resources) -> list[dict[str, Any]]:
    return [
        r
        for r in resources
        if r["parent"] == "organization" and r["type"] in (VAULT, AIR_GAPPED_VAULT)
    ]


@pytest.fixture(scope="module")
def standard() -> list[dict[str, Any]]:
    plan = org(covered(A), covered(CENTRAL_ID), central=central(), tags={"team": "platform"})
    return synthesize(plan)["resources"]


def test_management_account_gets_global_settings_with_all_three_keys(standard):
    (settings,) = by_type(standard, GLOBAL_SETTINGS)
    assert settings["inputs"]["globalSettings"] == {
        "isCrossAccountBackupEnabled": "true",
        "isMpaEnabled": "false",
        "isDelegatedAdministratorEnabled": "false",
    }
    assert settings["provider"] == f"org-{MANAGEMENT_ID}-aws"
    assert settings["retain_on_delete"]


def test_management_provider_is_the_caller_pinned_to_the_management_account(standard):
    config = provider(standard, f"org-{MANAGEMENT_ID}-aws")
    assert "assumeRoles" not in config
    assert config["allowedAccountIds"] == [MANAGEMENT_ID]
    assert config["defaultTags"] == {"tags": {"team": "platform", "managed-by": "org-backup"}}


def test_central_provider_assumes_the_central_deploy_role(standard):
    config = provider(standard, f"org-{CENTRAL_ID}-aws")
    assert config["assumeRoles"] == [
        {
            "roleArn": f"arn:aws:iam::{CENTRAL_ID}:role/OrganizationAccountAccessRole",
            "sessionName": "org-backup-deploy",
        }
    ]
    assert config["allowedAccountIds"] == [CENTRAL_ID]


def test_one_retained_central_vault_and_one_policy_per_region(standard):
    vaults = central_vaults(standard)
    assert Counter(v["inputs"]["region"] for v in vaults) == {"us-east-1": 1, "eu-west-1": 1}
    assert all(v["type"] == VAULT and v["retain_on_delete"] for v in vaults)
    assert {v["inputs"]["name"] for v in vaults} == {"org-backup-central"}
    assert {v["provider"] for v in vaults} == {f"org-{CENTRAL_ID}-aws"}
    policies = by_type(standard, VAULT_POLICY)
    assert sorted(p["inputs"]["region"] for p in policies) == ["eu-west-1", "us-east-1"]
    assert not by_type(standard, LOCK)
    assert not by_type(standard, SHARE)


def test_vault_policy_allows_only_copies_from_this_organization(standard):
    policy = json.loads(by_type(standard, VAULT_POLICY)[0]["inputs"]["policy"])
    (statement,) = policy["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Action"] == "backup:CopyIntoBackupVault"
    assert statement["Principal"] == "*"
    # the backup roles of this organization's accounts, nobody else of it
    assert statement["Condition"] == {
        "StringEquals": {"aws:PrincipalOrgID": "o-exampleorg1"},
        "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/OrgBackupServiceRole"},
    }
    assert by_type(standard, VAULT_POLICY)[0]["inputs"]["backupVaultName"] == "org-backup-central"


def test_covered_central_account_keeps_its_own_backup_beside_the_central_vault(standard):
    own = [r for r in by_type(standard, VAULT) if r["parent"] == CENTRAL_ID]
    assert {v["inputs"]["name"] for v in own} == {"org-backup-ai"}
    assert len(central_vaults(standard)) == 2


def test_only_shard_zero_registers_the_organization_level_resources():
    other = synthesize(org(covered(A), central=central(), shard_index=1, shard_count=2))
    resources = other["resources"]
    assert not [r for r in resources if r["type"] in (*ORG_LEVEL, ORGANIZATION_COMPONENT)]
    assert not central_vaults(resources)
    assert {r["provider"] for r in resources if r["provider"]} == {f"{A}-aws"}


def test_no_central_account_registers_nothing_organization_wide():
    resources = synthesize(org(covered(A)))["resources"]
    assert not [r for r in resources if r["type"] in (*ORG_LEVEL, ORGANIZATION_COMPONENT)]


def test_central_account_in_the_management_account_shares_its_provider():
    resources = synthesize(org(covered(A), central=central(MANAGEMENT_ID)))["resources"]
    org_providers = [
        r["name"] for r in by_type(resources, PROVIDER) if r["parent"] == "organization"
    ]
    assert org_providers == [f"org-{MANAGEMENT_ID}-aws"]
    assert {v["provider"] for v in central_vaults(resources)} == {f"org-{MANAGEMENT_ID}-aws"}


def test_central_region_means_one_central_vault():
    resources = synthesize(
        org(covered(A), central=central(regions=("eu-west-1",), central_region="eu-west-1"))
    )["resources"]
    assert [v["inputs"]["region"] for v in central_vaults(resources)] == ["eu-west-1"]


def test_standard_vault_with_retention_bounds_gets_a_governance_lock():
    resources = synthesize(
        org(covered(A), central=central(min_retention_days=7, max_retention_days=400))
    )["resources"]
    locks = [r for r in by_type(resources, LOCK) if r["parent"] == "organization"]
    assert len(locks) == 2
    assert all(r["retain_on_delete"] for r in locks)
    assert {(r["inputs"]["minRetentionDays"], r["inputs"]["maxRetentionDays"]) for r in locks} == {
        (7, 400)
    }
    assert not any("changeableForDays" in r["inputs"] for r in locks)


@pytest.fixture(scope="module")
def air_gapped() -> list[dict[str, Any]]:
    plan = org(
        covered(A),
        central=central(
            kind="air-gapped",
            min_retention_days=7,
            max_retention_days=3650,
            share_with_organization=True,
        ),
    )
    return synthesize(plan)["resources"]


def test_air_gapped_vault_is_retained_with_its_retention_range(air_gapped):
    vaults = central_vaults(air_gapped)
    assert len(vaults) == 2
    for vault in vaults:
        assert vault["type"] == AIR_GAPPED_VAULT and vault["retain_on_delete"]
        assert (vault["inputs"]["minRetentionDays"], vault["inputs"]["maxRetentionDays"]) == (
            7,
            3650,
        )
    assert len(by_type(air_gapped, VAULT_POLICY)) == 2


def test_air_gapped_vault_is_shared_with_the_organization_in_each_region(air_gapped):
    shares = {r["inputs"]["region"]: r for r in by_type(air_gapped, SHARE)}
    assert set(shares) == {"us-east-1", "eu-west-1"}
    assert shares["us-east-1"]["inputs"]["allowExternalPrincipals"] is False
    principals = by_type(air_gapped, SHARE_PRINCIPAL)
    assert {p["inputs"]["principal"] for p in principals} == {
        f"arn:aws:organizations::{MANAGEMENT_ID}:organization/o-exampleorg1"
    }
    shared = {
        r["inputs"]["region"]: r["inputs"]["resourceArn"]
        for r in by_type(air_gapped, SHARE_RESOURCE)
    }
    assert (
        shared["eu-west-1"]
        == f"arn:aws:backup:eu-west-1:{CENTRAL_ID}:backup-vault:org-backup-central"
    )


def test_by_default_the_air_gapped_vault_is_shared_with_no_one():
    resources = synthesize(
        org(
            covered(A),
            central=central(kind="air-gapped", min_retention_days=7, max_retention_days=3650),
        )
    )["resources"]
    assert not [r for r in resources if r["type"] in (SHARE, SHARE_RESOURCE, SHARE_PRINCIPAL)]
    assert len(central_vaults(resources)) == 2


def test_the_vault_is_shared_with_the_recovery_accounts_only():
    recovery = ("777788889999", "888899990000")
    resources = synthesize(
        org(
            covered(A),
            central=central(
                kind="air-gapped",
                min_retention_days=7,
                max_retention_days=3650,
                recovery_accounts=recovery,
            ),
        )
    )["resources"]
    principals = by_type(resources, SHARE_PRINCIPAL)
    assert sorted((p["inputs"]["region"], p["inputs"]["principal"]) for p in principals) == sorted(
        (region, account) for region in ("us-east-1", "eu-west-1") for account in recovery
    )
    assert {p["name"] for p in principals} >= {
        f"{CENTRAL_ID}-us-east-1-central-share-{recovery[0]}"
    }
    assert len(by_type(resources, SHARE)) == 2


def test_organization_level_requests_pass_botocore_validation(standard, air_gapped):
    requests = api_requests(standard) + api_requests(air_gapped)
    operations = Counter((r.service, r.operation) for r in requests)
    assert operations[("backup", "UpdateGlobalSettings")] == 2
    assert operations[("backup", "PutBackupVaultAccessPolicy")] == 4
    assert operations[("backup", "CreateLogicallyAirGappedBackupVault")] == 2
    assert operations[("ram", "CreateResourceShare")] == 2
    assert operations[("ram", "AssociateResourceShare")] == 4
    for request in requests:
        assert validation_errors(request) == [], request


def test_a_broken_air_gapped_request_is_caught(air_gapped):
    (request,) = [
        r for r in api_requests(air_gapped) if r.operation == "CreateLogicallyAirGappedBackupVault"
    ][:1]
    del request.params["MinRetentionDays"]
    assert any("MinRetentionDays" in e for e in validation_errors(request))


def test_a_covered_management_account_is_deployed_with_the_callers_credentials():
    resources = synthesize(org(covered(MANAGEMENT_ID)))["resources"]
    config = provider(resources, f"{MANAGEMENT_ID}-aws")
    assert "assumeRoles" not in config
    assert config["allowedAccountIds"] == [MANAGEMENT_ID]
