"""Shard 0's organization-level resources: what the copies out of every account need once.

In the management account, AWS Backup's global settings (cross-account backup on), with
guardrails the SCP, and with an audit reports bucket the Backup Audit Manager report plans; in the central account, per region, the central vault (standard or logically
air-gapped, retained on delete like every vault) with an access policy admitting copies from the
backup roles of this organization's accounts only, and for an air-gapped vault its AWS RAM share
with the recovery accounts (or the organization), so they can restore from it.
Other shards register none of this: they only point their copy actions at the vaults' ARNs, which
are deterministic (`CentralCoverage.vault_arn`).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pulumi
import pulumi_aws as aws

from org_backup.aws_rules import arns
from org_backup.coverage import names
from org_backup.coverage.central import CentralCoverage
from org_backup.coverage.model import Coverage
from org_backup.rollout.audit_reports import register_report_plans
from org_backup.rollout.guardrails import register_guardrails
from org_backup.rollout.providers import account_provider

COMPONENT_TYPE = "org-backup:index:OrganizationBackup"
COMPONENT_NAME = "organization"


class OrganizationBackup(pulumi.ComponentResource):
    """The management account's global settings and guardrail SCP, and the central vaults.

    Other organization-level resources (alerts) register in the central account through
    `central_provider`, in the regions of `regions`, under this component.
    """

    management_provider: aws.Provider
    central_provider: aws.Provider | None
    central: CentralCoverage | None
    regions: tuple[str, ...]
    vault_arns: dict[str, pulumi.Output[str]]
    report_plan_arns: dict[str, pulumi.Output[str]]

    def __init__(self, coverage: Coverage, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(COMPONENT_TYPE, COMPONENT_NAME, None, opts)
        central, guardrails, reports = coverage.central, coverage.guardrails, coverage.audit_reports
        self.central = central
        if central is not None:
            self.regions = central.regions
        elif guardrails is not None:
            self.regions = (guardrails.region,)
        else:
            assert reports is not None  # register_organization's condition
            self.regions = (reports.region,)
        management_id = coverage.management_account_id
        self.management_provider = self._org_provider(coverage, management_id, None, None)
        self.central_provider = None
        self.vault_arns = {}
        if guardrails is not None:
            register_guardrails(guardrails, management_id, self, self.management_provider)
        if central is not None:
            self._register_central(coverage, central)
        self.report_plan_arns = (
            register_report_plans(coverage, reports, self, self.management_provider)
            if reports is not None
            else {}
        )
        self.register_outputs(
            {"vault_arns": self.vault_arns, "report_plan_arns": self.report_plan_arns}
        )

    def _register_central(self, coverage: Coverage, central: CentralCoverage) -> None:
        management_id = coverage.management_account_id
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
    """The organization-level resources, on the stack of shard 0 only, and only with copies,
    guardrails or audit report plans."""
    wanted = (coverage.central, coverage.guardrails, coverage.audit_reports)
    if coverage.shard_index != 0 or all(part is None for part in wanted):
        return None
    return OrganizationBackup(coverage)


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
        policy=json.dumps(
            central.access_policy(
                coverage.organization_id, coverage.partition, coverage.guardrails is not None
            )
        ),
        region=region,
        opts=child,
    )
    if central.shared_with:
        _share(coverage, central, vault, name, region, child)
    return vault.arn


def _share(
    coverage: Coverage,
    central: CentralCoverage,
    vault: aws.backup.Vault | aws.backup.LogicallyAirGappedVault,
    name: Callable[[str], str],
    region: str,
    child: pulumi.ResourceOptions,
) -> None:
    """AWS RAM share of the air-gapped vault, for restores from it: with the recovery accounts,
    or (central_share_with_organization) with the whole organization, which then lets every
    account restore every other account's copies.

    Sharing with the organization needs RAM sharing with AWS Organizations enabled in the
    management account (docs/copies.md).
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
    for principal in central.shared_with:
        organization = principal == "organization"
        aws.ram.PrincipalAssociation(
            name("central-share-org" if organization else f"central-share-{principal}"),
            principal=organization_arn(coverage) if organization else principal,
            resource_share_arn=share.arn,
            region=region,
            opts=child,
        )


def organization_arn(coverage: Coverage) -> str:
    return arns.organization_arn(
        coverage.partition, coverage.management_account_id, coverage.organization_id
    )
