"""Shard 0's organization-level resources: what the copies out of every account need once.

In the management account, AWS Backup's global settings (cross-account backup on); in the central
account, per region, the central vault (standard or logically air-gapped, retained on delete like
every vault) with an access policy admitting copies from this organization only, and for an
air-gapped vault its AWS RAM share with the organization, so member accounts can restore from it.
Other shards register none of this: they only point their copy actions at the vaults' ARNs, which
are deterministic (`CentralCoverage.vault_arn`).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pulumi
import pulumi_aws as aws

from org_backup.coverage.central import CentralCoverage, vault_access_policy
from org_backup.coverage.model import Coverage
from org_backup.rollout import names
from org_backup.rollout.providers import account_provider

COMPONENT_TYPE = "org-backup:index:OrganizationBackup"
COMPONENT_NAME = "organization"


class OrganizationBackup(pulumi.ComponentResource):
    """The management account's global settings and the central vaults.

    Other organization-level resources (alerts) register in the central account through
    `central_provider`, in the regions of `regions`, under this component.
    """

    management_provider: aws.Provider
    central_provider: aws.Provider
    central: CentralCoverage
    regions: tuple[str, ...]
    vault_arns: dict[str, pulumi.Output[str]]

    def __init__(
        self,
        coverage: Coverage,
        central: CentralCoverage,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(COMPONENT_TYPE, COMPONENT_NAME, None, opts)
        self.central = central
        self.regions = central.regions
        management_id = coverage.management_account_id
        self.management_provider = self._org_provider(coverage, management_id, None, None)
        self.central_provider = (
            self.management_provider
            if central.account_id == management_id
            else self._org_provider(
                coverage,
                central.account_id,
                central.deploy_role_arn,
                central.deploy_role_external_id,
            )
        )
        # Retained: removing the central account from the settings must not reset a setting
        # the organization may rely on for other copies.
        aws.backup.GlobalSettings(
            names.account_resource_name(management_id, "backup-global-settings"),
            global_settings=central.global_settings,
            opts=pulumi.ResourceOptions(
                parent=self, provider=self.management_provider, retain_on_delete=True
            ),
        )
        child = pulumi.ResourceOptions(parent=self, provider=self.central_provider)
        self.vault_arns = {
            region: _central_vault(coverage, central, region, child) for region in central.regions
        }
        self.register_outputs({"vault_arns": self.vault_arns})

    def _org_provider(
        self,
        coverage: Coverage,
        account_id: str,
        deploy_role_arn: str | None,
        external_id: str | None,
    ) -> aws.Provider:
        return account_provider(
            names.organization_provider_name(account_id),
            account_id,
            management_account_id=coverage.management_account_id,
            deploy_role_arn=deploy_role_arn,
            external_id=external_id,
            region=self.regions[0],
            tags=coverage.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )


def register_organization(coverage: Coverage) -> OrganizationBackup | None:
    """The organization-level resources, on the stack of shard 0 only, and only with copies."""
    if coverage.central is None or coverage.shard_index != 0:
        return None
    return OrganizationBackup(coverage, coverage.central)


def _central_vault(
    coverage: Coverage, central: CentralCoverage, region: str, child: pulumi.ResourceOptions
) -> pulumi.Output[str]:
    """One region's central vault, its access policy and (air-gapped) its share; its ARN."""

    def name(kind: str) -> str:
        return names.regional_resource_name(central.account_id, region, kind)

    retained = pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(retain_on_delete=True))
    vault: aws.backup.Vault | aws.backup.LogicallyAirGappedVault
    if central.kind == "air-gapped":
        vault = aws.backup.LogicallyAirGappedVault(
            name("central-vault"),
            name=central.vault_name,
            min_retention_days=central.min_retention_days,
            max_retention_days=central.max_retention_days,
            region=region,
            opts=retained,
        )
    else:
        vault = aws.backup.Vault(
            name("central-vault"), name=central.vault_name, region=region, opts=retained
        )
        if central.locked:
            # Governance mode: no changeable_for_days, so the lock never becomes irreversible
            # by this setting alone.
            aws.backup.VaultLockConfiguration(
                name("central-vault-lock"),
                backup_vault_name=vault.name,
                min_retention_days=central.min_retention_days,
                max_retention_days=central.max_retention_days,
                region=region,
                opts=retained,
            )
    aws.backup.VaultPolicy(
        name("central-vault-policy"),
        backup_vault_name=vault.name,
        policy=json.dumps(vault_access_policy(coverage.organization_id)),
        region=region,
        opts=child,
    )
    if central.kind == "air-gapped" and central.share_with_organization:
        _share_with_organization(coverage, central, vault, name, region, child)
    return vault.arn


def _share_with_organization(
    coverage: Coverage,
    central: CentralCoverage,
    vault: aws.backup.Vault | aws.backup.LogicallyAirGappedVault,
    name: Callable[[str], str],
    region: str,
    child: pulumi.ResourceOptions,
) -> None:
    """AWS RAM share of the air-gapped vault with the whole organization, for restores from it.

    Needs RAM sharing with AWS Organizations enabled in the management account (docs/copies.md).
    """
    share = aws.ram.ResourceShare(
        name("central-share"),
        name=f"{central.vault_name}-{region}",
        allow_external_principals=False,
        region=region,
        opts=child,
    )
    aws.ram.ResourceAssociation(
        name("central-share-vault"),
        resource_arn=vault.arn,
        resource_share_arn=share.arn,
        region=region,
        opts=child,
    )
    aws.ram.PrincipalAssociation(
        name("central-share-org"),
        principal=organization_arn(coverage),
        resource_share_arn=share.arn,
        region=region,
        opts=child,
    )


def organization_arn(coverage: Coverage) -> str:
    return (
        f"arn:{coverage.partition}:organizations::{coverage.management_account_id}"
        f":organization/{coverage.organization_id}"
    )
