"""The central account: where every covered account copies its recovery points to.

Pure code. Every shard computes the same `CentralCoverage` (from settings, every `accounts/`
file and the organization), because every shard's copy actions point at the central vaults,
while only shard 0 registers them (`rollout/organization.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from org_backup.aws_rules import arns
from org_backup.config.account_files import LoadedAccount
from org_backup.config.policy import BackupRule
from org_backup.config.settings import Settings
from org_backup.coverage.guardrail_documents import vault_guardrail_statement
from org_backup.errors import InputError, Problem
from org_backup.manifest.model import Central, CentralRegion
from org_backup.organization.discovery import OrgInventory


class CentralCoverage(BaseModel):
    """The central account, its vaults (one per region in `regions`) and the copies' lifecycle."""

    model_config = ConfigDict(frozen=True)

    account_id: str
    # None when the central account is the management account: the deployment's caller itself.
    deploy_role_arn: str | None
    deploy_role_external_id: str | None = None
    vault_name: str
    kind: Literal["standard", "air-gapped"]
    min_retention_days: int | None = None
    max_retention_days: int | None = None
    regions: tuple[str, ...]
    central_region: str | None = None
    # Who may restore from an air-gapped vault (its AWS RAM share): nobody by default.
    share_with_organization: bool = False
    recovery_accounts: tuple[str, ...] = ()
    # The backup role of every account: the only principal whose copies the vault admits.
    copy_role_name: str = "OrgBackupServiceRole"
    # AWS Backup's global settings of the management account, all three keys (see settings.py).
    global_settings: dict[str, str]

    def destination_region(self, source_region: str) -> str:
        """Each region copies into the central vault of the same region, or of central_region."""
        return self.central_region or source_region

    def vault_arn(self, partition: str, region: str) -> str:
        """Deterministic, so every shard knows it without the shard that creates the vault."""
        return arns.vault_arn(partition, region, self.account_id, self.vault_name)

    def manifest_entry(self, partition: str) -> Central:
        """The manifest's `central`: every shard's names the vaults, not only shard 0's."""
        return Central(
            account_id=self.account_id,
            vault_name=self.vault_name,
            kind=self.kind,
            min_retention_days=self.min_retention_days,
            max_retention_days=self.max_retention_days,
            regions=[
                CentralRegion(region=region, vault_arn=self.vault_arn(partition, region))
                for region in self.regions
            ],
            shared_with=list(self.shared_with),
        )

    def access_policy(
        self, organization_id: str, partition: str, guarded: bool = False
    ) -> dict[str, Any]:
        """The central vault's access policy as the rollout deploys it; with guardrails, also
        the Deny that keeps the central account's own administrators from unprotecting it."""
        return vault_access_policy(
            organization_id,
            partition,
            self.copy_role_name,
            self.deploy_role_arn if guarded else None,
        )

    @property
    def shared_with(self) -> tuple[str, ...]:
        """RAM principals of an air-gapped vault's share: the organization, or the recovery
        accounts (none by default: the vault is then shared with no one)."""
        if self.kind != "air-gapped":
            return ()
        return ("organization",) if self.share_with_organization else self.recovery_accounts

    @property
    def locked(self) -> bool:
        """A standard vault is locked when a retention bound is set; air-gapped ones always are."""
        return self.kind == "air-gapped" or (
            self.min_retention_days is not None or self.max_retention_days is not None
        )


@dataclass(frozen=True)
class CopyTarget:
    """One copy action of a rule: where its copies go and how long they are kept."""

    destination_vault_arn: str
    delete_after_days: int
    cold_storage_after_days: int | None


def copy_targets(
    central: CentralCoverage | None, partition: str, account_id: str, region: str, rule: BackupRule
) -> list[CopyTarget]:
    """The copy actions of `rule` in one account-region: none without a central account, for the
    central account itself (its recovery points are already there), or for a rule with copy off.
    The lifecycle is always set: a copy action without one keeps copies forever
    (hashicorp/terraform-provider-aws#37862)."""
    if central is None or account_id == central.account_id or not rule.copy_enabled:
        return []
    return [
        CopyTarget(
            destination_vault_arn=central.vault_arn(partition, central.destination_region(region)),
            delete_after_days=rule.copy_delete_after_days,
            cold_storage_after_days=rule.copy_cold_storage_after_days,
        )
    ]


def vault_access_policy(
    organization_id: str,
    partition: str = "aws",
    copy_role_name: str = "OrgBackupServiceRole",
    deploy_role_arn: str | None = None,
) -> dict[str, Any]:
    """The central vault's access policy: the backup roles of this organization's accounts may
    copy into it, and nothing else (AWS rejects any other cross-account action in a vault policy
    anyway). A copy job runs as the source selection's role, so `aws:PrincipalArn` names that
    role in any account and `aws:PrincipalOrgID` keeps the accounts to this organization: no
    other principal can fill the locked vault with copies it cannot delete.

    `deploy_role_arn` (guardrails on): also deny, to everyone but that role, what would erase
    or unprotect the copies (guardrails/documents.py).
    """
    statements: list[dict[str, Any]] = [
        {
            "Sid": "CopyIntoFromThisOrganizationsBackupRoles",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "backup:CopyIntoBackupVault",
            "Resource": "*",
            "Condition": {
                "StringEquals": {"aws:PrincipalOrgID": organization_id},
                "ArnLike": {
                    "aws:PrincipalArn": arns.role_arn(partition, arns.ANY_ACCOUNT, copy_role_name)
                },
            },
        }
    ]
    if deploy_role_arn is not None:
        statements.append(vault_guardrail_statement(deploy_role_arn))
    return {"Version": "2012-10-17", "Statement": statements}


def resolve_central(
    settings: Settings, files: list[LoadedAccount], inventory: OrgInventory
) -> CentralCoverage | None:
    """The central account of these settings, checked against the organization; None if unset.

    Raises InputError (exit 2) naming `central_account_id` unless it is an ACTIVE member of the
    organization or its management account.
    """
    account_id = settings.central_account_id
    if account_id is None:
        return None
    account = inventory.by_id().get(account_id)
    is_management = account_id == inventory.management_account_id
    if not is_management and (account is None or account.state != "ACTIVE"):
        state = "not an account of" if account is None else f"{account.state} in"
        raise InputError(
            [
                Problem(
                    "settings",
                    "central_account_id",
                    account_id,
                    f"is {state} organization {inventory.organization_id}; it must be an ACTIVE"
                    " member account or the management account",
                )
            ]
        )
    by_id = inventory.by_id()
    strangers = [
        other
        for other in settings.central_recovery_accounts
        if other not in by_id or by_id[other].state != "ACTIVE"
    ]
    if strangers:
        raise InputError(
            [
                Problem(
                    "settings",
                    "central_recovery_accounts",
                    other,
                    f"is not an ACTIVE account of organization {inventory.organization_id};"
                    " the air-gapped vault can only be shared with accounts of the organization",
                )
                for other in strangers
            ]
        )
    spec = next((f.spec for f in files if f.spec.account_id == account_id), None)
    role_name = (spec and spec.deploy_role_name) or settings.deploy_role_name
    return CentralCoverage(
        account_id=account_id,
        deploy_role_arn=None
        if is_management
        else arns.role_arn(inventory.partition, account_id, role_name),
        deploy_role_external_id=None
        if is_management
        else (spec and spec.deploy_role_external_id) or settings.deploy_role_external_id,
        vault_name=settings.central_vault_name,
        kind=settings.central_vault_kind,
        min_retention_days=settings.central_vault_min_retention_days,
        max_retention_days=settings.central_vault_max_retention_days,
        regions=central_regions(settings, files),
        central_region=settings.central_region,
        share_with_organization=settings.central_share_with_organization,
        recovery_accounts=tuple(settings.central_recovery_accounts),
        copy_role_name=settings.backup_role_name,
        global_settings={
            "isCrossAccountBackupEnabled": "true",
            "isMpaEnabled": _flag(settings.central_mpa_enabled),
            "isDelegatedAdministratorEnabled": _flag(
                settings.central_delegated_administrator_enabled
            ),
        },
    )


def share_removals(before: Central | None, central: CentralCoverage | None) -> list[str]:
    """Restore access this run takes away, said before it happens: principals the air-gapped
    vault was shared with in the previous state and is not any more. A previous state from
    before `shared_with` was recorded shared with the organization, the former default."""
    if before is None or before.kind != "air-gapped":
        return []
    earlier = before.shared_with if before.shared_with is not None else ["organization"]
    now = set(central.shared_with) if central is not None else set()
    gone = [principal for principal in earlier if principal not in now]
    if not gone:
        return []
    former = (
        " (central_share_with_organization now defaults to false)"
        if before.shared_with is None
        else ""
    )
    return [
        f"the air-gapped central vault {before.vault_name} is no longer shared with"
        f" {', '.join(gone)}{former}: those accounts can no longer restore from it; to keep"
        " the share, set central_share_with_organization: true or list the recovery accounts"
        " in central_recovery_accounts"
    ]


def central_regions(settings: Settings, files: list[LoadedAccount]) -> tuple[str, ...]:
    """`central_region` alone, or every region any account may cover: the settings' regions,
    then those only `accounts/` files add. All files, not only this shard's, so that every
    shard agrees with shard 0, which creates the vaults."""
    if settings.central_region:
        return (settings.central_region,)
    extra = {
        region
        for loaded in files
        if loaded.spec.enabled
        for region in loaded.spec.regions or ()
        if region not in settings.regions
    }
    return (*settings.regions, *sorted(extra))


def _flag(value: bool | None) -> str:
    # load_settings requires both flags with a central account; "false" is never a silent default.
    assert value is not None
    return "true" if value else "false"
