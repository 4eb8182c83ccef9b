"""The manifest (CONTRACT.md, schema_version 1): models to read it and one builder to write it.

`discover --json` builds it from the coverage alone (deployment ids null); the Pulumi program and
`synth` build it from the coverage plus the ids its resources resolved to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from org_backup.config.policy import known_kms_key_arn, vault_key_id
from org_backup.coverage.alerting import restore_testing_name
from org_backup.coverage.central import CentralCoverage, copy_targets
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
    # the key as configured (a key ARN or an alias), placeholders filled; null: AWS's own key.
    kms_key_id: str | None = None
    lock: Lock | None = None


class CopyAction(_Open):
    destination_vault_arn: str
    delete_after_days: int
    cold_storage_after_days: int | None = None


class Rule(_Open):
    name: str
    schedule: str
    schedule_timezone: str = "Etc/UTC"
    start_window_minutes: int
    completion_window_minutes: int
    delete_after_days: int
    cold_storage_after_days: int | None = None
    copy_actions: list[CopyAction] = []  # copies; absent in older manifests


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


# Alerts and restore testing
class RegionAlerts(_Open):
    """The account-region's forwarding rule and the central bus it targets."""

    rule_name: str
    bus_arn: str


class RestoreTesting(_Open):
    plan_name: str
    selection_name: str
    schedule: str


class CentralAlerts(_Open):
    """The central bus and topic (created by shard 0, in the central account)."""

    bus_arn: str
    topic_arn: str
    region: str
    muted_accounts: list[str] = []  # forwarded, but no email


# Guardrails
class RegionGuardrails(_Open):
    """What protects the account-region's backups from the account's own administrators."""

    # the vault's access policy denies deleting recovery points and unprotecting the vault
    vault_policy: bool
    # the organization SCP that applies to the account (null: none does)
    scp: str | None = None


class Guardrails(_Open):
    """The guardrail SCP (created and attached by shard 0) and the deploy roles it exempts."""

    scp_name: str
    targets: list[str]
    exempt_role_names: list[str]


class Region(_Open):
    region: str
    vault: Vault | None = None
    plan: Plan | None = None
    selection: Selection | None = None
    alerts: RegionAlerts | None = None
    restore_testing: RestoreTesting | None = None
    guardrails: RegionGuardrails | None = None  # null: unguarded (guardrails off, or older)


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
    # why a covered account is kept from the previous state; null when healthy.
    degraded: str | None = None
    # why and how it was placed when the OU walk could not place it; null when it could.
    placement: str | None = None


# Copies
class CentralRegion(_Open):
    region: str
    vault_arn: str | None = None


class Central(_Open):
    """Where copies go: the central account's vault in each region that copies land in."""

    account_id: str
    vault_name: str
    kind: Literal["standard", "air-gapped"] = "standard"
    # the air-gapped vault's retention, or the standard vault's lock (null: no lock)
    min_retention_days: int | None = None
    max_retention_days: int | None = None
    regions: list[CentralRegion] = []
    # an air-gapped vault's AWS RAM principals ("organization" or account ids); null: not
    # recorded (manifests before it was, whose default shared with the organization)
    shared_with: list[str] | None = None


def _central(coverage: Coverage) -> Central | None:
    """Vault ARNs are deterministic, so every shard's manifest names them, not only shard 0's."""
    central = coverage.central
    if central is None:
        return None
    return Central(
        account_id=central.account_id,
        vault_name=central.vault_name,
        kind=central.kind,
        min_retention_days=central.min_retention_days,
        max_retention_days=central.max_retention_days,
        regions=[
            CentralRegion(region=region, vault_arn=central.vault_arn(coverage.partition, region))
            for region in central.regions
        ],
        shared_with=list(central.shared_with),
    )


class Manifest(_Open):
    schema_version: Literal[1]
    organization: Organization
    shard: Shard = Shard()
    alerts: CentralAlerts | None = None
    central: Central | None = None
    guardrails: Guardrails | None = None
    accounts: list[Account]


class DeployedRegion(BaseModel):
    """Ids that exist only after deployment (or under the mock engine)."""

    vault_arn: str | None = None
    plan_id: str | None = None
    plan_arn: str | None = None
    plan_version: str | None = None
    selection_id: str | None = None
    # edges (KMS aliases): the key ARN the vault was given, an alias resolved by KMS.
    vault_kms_key_arn: str | None = None


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
        alerts=central_alerts(coverage),
        central=_central(coverage),
        guardrails=_guardrails(coverage),
        accounts=[
            _with_guardrails(
                _with_alerting(
                    _account(
                        account,
                        coverage.partition,
                        coverage.central,
                        deployed.get(account.account_id),
                    ),
                    account,
                    coverage,
                ),
                coverage,
            )
            for account in coverage.accounts
        ],
    )
    return manifest.model_dump(mode="json", exclude_none=False)


def _account(
    account: AccountCoverage,
    partition: str,
    central: CentralCoverage | None,
    deployed: DeployedAccount | None,
) -> Account:
    if not account.covered or account.policy is None:
        return Account(
            account_id=account.account_id,
            name=account.name,
            ou_path=account.ou_path,
            status="skipped",
            skip_reason=account.skip_reason,
            source=account.source,
            placement=account.placement,
        )
    deployed = deployed or DeployedAccount()
    policy = account.policy
    lock = policy.vault_lock
    regions = []
    for region in account.regions:
        ids = deployed.regions.get(region, DeployedRegion())
        key_id = vault_key_id(policy, partition, region, account.account_id)
        regions.append(
            Region(
                region=region,
                vault=Vault(
                    name=policy.vault_name,
                    arn=ids.vault_arn,
                    # Before deployment an alias has no key ARN yet: only KMS can tell.
                    kms_key_arn=ids.vault_kms_key_arn or known_kms_key_arn(key_id),
                    kms_key_id=key_id,
                    lock=Lock(**lock.model_dump(), mode=lock.mode) if lock else None,
                ),
                plan=Plan(
                    name=policy.plan_name,
                    id=ids.plan_id,
                    arn=ids.plan_arn,
                    version=ids.plan_version,
                    rules=[
                        Rule(
                            name=rule.name,
                            schedule=rule.schedule,
                            schedule_timezone=rule.schedule_timezone,
                            start_window_minutes=rule.start_window_minutes,
                            completion_window_minutes=rule.completion_window_minutes,
                            delete_after_days=rule.delete_after_days,
                            cold_storage_after_days=rule.cold_storage_after_days,
                            copy_actions=[
                                CopyAction(**asdict(target))
                                for target in copy_targets(
                                    central, partition, account.account_id, region, rule
                                )
                            ],
                        )
                        for rule in policy.rules
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
        placement=account.placement,
    )


# Alerts and restore testing
def central_alerts(coverage: Coverage) -> CentralAlerts | None:
    alerts = coverage.alerts
    if alerts is None:
        return None
    return CentralAlerts(
        bus_arn=alerts.bus_arn,
        topic_arn=alerts.topic_arn,
        region=alerts.region,
        muted_accounts=list(alerts.muted_accounts),
    )


def _with_alerting(manifest: Account, account: AccountCoverage, coverage: Coverage) -> Account:
    """Every covered region's forwarding rule and restore testing, all known from settings."""
    alerts, testing, policy = coverage.alerts, coverage.restore_testing, account.policy
    if policy is None or not manifest.regions or (alerts is None and testing is None):
        return manifest
    region_alerts = (
        RegionAlerts(rule_name=alerts.forwarding_rule_name, bus_arn=alerts.bus_arn)
        if alerts
        else None
    )
    restore_testing = (
        RestoreTesting(
            plan_name=restore_testing_name(policy.plan_name),
            selection_name=restore_testing_name(policy.selection_name),
            schedule=testing.schedule,
        )
        if testing
        else None
    )
    for region in manifest.regions:
        region.alerts, region.restore_testing = region_alerts, restore_testing
    return manifest


# Guardrails
def _guardrails(coverage: Coverage) -> Guardrails | None:
    guardrails = coverage.guardrails
    if guardrails is None:
        return None
    return Guardrails(
        scp_name=guardrails.scp_name,
        targets=list(guardrails.targets),
        exempt_role_names=list(guardrails.exempt_role_names),
    )


def _with_guardrails(manifest: Account, coverage: Coverage) -> Account:
    """Every member account-region of a guarded rollout has the vault policy and the SCP; the
    management account has neither (it is deployed with the caller's own credentials, and no
    SCP applies to it)."""
    if coverage.guardrails is None or manifest.account_id == coverage.management_account_id:
        return manifest
    guarded = RegionGuardrails(vault_policy=True, scp=coverage.guardrails.scp_name)
    for region in manifest.regions:
        region.guardrails = guarded
    return manifest
