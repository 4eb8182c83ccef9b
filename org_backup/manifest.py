"""The manifest (CONTRACT.md, schema_version 1): models to read it and one builder to write it.

`discover --json` builds it from the coverage alone (deployment ids null); the Pulumi program and
`synth` build it from the coverage plus the ids its resources resolved to.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from org_backup.config.policy import kms_key_arn
from org_backup.coverage.model import AccountCoverage, Coverage

SCHEMA_VERSION = 1


def efs_resources(partition: str) -> list[str]:
    """Every EFS file system of the selection's own account and region, by type (AND the tag)."""
    return [f"arn:{partition}:elasticfilesystem:*:*:file-system/*"]


class _Open(BaseModel):
    """Readers accept fields added by later versions (CONTRACT.md: fields may be added)."""

    model_config = ConfigDict(extra="allow")


class Organization(_Open):
    id: str
    management_account_id: str


class Shard(_Open):
    index: int = 0
    count: int = 1


class Lock(_Open):
    min_retention_days: int
    max_retention_days: int
    changeable_for_days: int | None = None
    mode: Literal["governance", "compliance"] = "governance"


class Vault(_Open):
    name: str
    arn: str | None = None
    kms_key_arn: str | None = None
    lock: Lock | None = None


class Rule(_Open):
    name: str
    schedule: str
    schedule_timezone: str = "Etc/UTC"
    start_window_minutes: int
    completion_window_minutes: int
    delete_after_days: int
    cold_storage_after_days: int | None = None


class Plan(_Open):
    name: str
    id: str | None = None
    arn: str | None = None
    version: str | None = None
    rules: list[Rule]


class Tag(_Open):
    key: str
    value: str


class Selection(_Open):
    name: str
    id: str | None = None
    resources: list[str]
    tag: Tag | None = None


class Region(_Open):
    region: str
    vault: Vault | None = None
    plan: Plan | None = None
    selection: Selection | None = None


class Account(_Open):
    account_id: str
    name: str
    ou_path: str
    status: Literal["covered", "skipped"]
    skip_reason: str | None = None
    source: str | None = None
    deploy_role_arn: str | None = None
    backup_role_arn: str | None = None
    regions: list[Region] = []
    regions_not_enabled: list[str] = []
    # Safety: why a covered account is kept from the previous state; null when healthy.
    degraded: str | None = None


class Manifest(_Open):
    schema_version: Literal[1]
    organization: Organization
    shard: Shard = Shard()
    accounts: list[Account]


class DeployedRegion(BaseModel):
    """Ids that exist only after deployment (or under the mock engine)."""

    vault_arn: str | None = None
    plan_id: str | None = None
    plan_arn: str | None = None
    plan_version: str | None = None
    selection_id: str | None = None


class DeployedAccount(BaseModel):
    backup_role_arn: str | None = None
    regions: dict[str, DeployedRegion] = {}


def build_manifest(
    coverage: Coverage, deployed: Mapping[str, DeployedAccount] | None = None
) -> dict[str, Any]:
    """The manifest as a JSON-ready dict; accounts without deployed ids get nulls."""
    deployed = deployed or {}
    manifest = Manifest(
        schema_version=SCHEMA_VERSION,
        organization=Organization(
            id=coverage.organization_id, management_account_id=coverage.management_account_id
        ),
        shard=Shard(index=coverage.shard_index, count=coverage.shard_count),
        accounts=[
            _account(account, coverage.partition, deployed.get(account.account_id))
            for account in coverage.accounts
        ],
    )
    return manifest.model_dump(mode="json", exclude_none=False)


def _account(account: AccountCoverage, partition: str, deployed: DeployedAccount | None) -> Account:
    if not account.covered or account.policy is None:
        return Account(
            account_id=account.account_id,
            name=account.name,
            ou_path=account.ou_path,
            status="skipped",
            skip_reason=account.skip_reason,
            source=account.source,
        )
    deployed = deployed or DeployedAccount()
    policy = account.policy
    lock = policy.vault_lock
    regions = []
    for region in account.regions:
        ids = deployed.regions.get(region, DeployedRegion())
        regions.append(
            Region(
                region=region,
                vault=Vault(
                    name=policy.vault_name,
                    arn=ids.vault_arn,
                    kms_key_arn=(
                        kms_key_arn(policy.vault_kms_key_arn, partition, region, account.account_id)
                        if policy.vault_kms_key_arn
                        else None
                    ),
                    lock=Lock(**lock.model_dump(), mode=lock.mode) if lock else None,
                ),
                plan=Plan(
                    name=policy.plan_name,
                    id=ids.plan_id,
                    arn=ids.plan_arn,
                    version=ids.plan_version,
                    rules=[
                        Rule(
                            name=policy.rule_name,
                            schedule=policy.schedule,
                            schedule_timezone=policy.schedule_timezone,
                            start_window_minutes=policy.start_window_minutes,
                            completion_window_minutes=policy.completion_window_minutes,
                            delete_after_days=policy.delete_after_days,
                            cold_storage_after_days=policy.cold_storage_after_days,
                        )
                    ],
                ),
                selection=Selection(
                    name=policy.selection_name,
                    id=ids.selection_id,
                    resources=efs_resources(partition),
                    tag=Tag(key=policy.selection_tag_key, value=policy.selection_tag_value),
                ),
            )
        )
    return Account(
        account_id=account.account_id,
        name=account.name,
        ou_path=account.ou_path,
        status="covered",
        source=account.source,
        deploy_role_arn=account.deploy_role_arn,
        backup_role_arn=deployed.backup_role_arn,
        regions=regions,
        regions_not_enabled=list(account.regions_not_enabled),
        degraded=account.degraded,
    )
