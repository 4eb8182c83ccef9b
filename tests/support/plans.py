"""OrgPlans built directly, so the rollout is tested without discovery."""

from __future__ import annotations

from typing import Any

from org_backup.config.policy import BackupPolicy, BackupRule
from org_backup.coverage.central import CentralCoverage
from org_backup.coverage.model import AccountCoverage, Coverage

DEFAULT_POLICY: dict[str, Any] = {
    "vault_name": "org-backup-ai",
    "plan_name": "org-backup-ai",
    "selection_name": "ai-efs-tagged",
    "backup_role_name": "OrgBackupServiceRole",
    "selection_tag_key": "Name",
    "selection_tag_value": "AIFilesystem",
}
DEFAULT_RULE: dict[str, Any] = {
    "name": "daily",
    "schedule": "cron(0 5 * * ? *)",
    "schedule_timezone": "Etc/UTC",
    "start_window_minutes": 120,
    "completion_window_minutes": 360,
    "delete_after_days": 90,
}
RULE_FIELDS = (*DEFAULT_RULE, "cold_storage_after_days", "copy", "copy_delete_after_days")


def rule(**fields: Any) -> BackupRule:
    """A rule; its copies keep the rule's own lifecycle unless told otherwise."""
    values = {**DEFAULT_RULE, **fields}
    values.setdefault("copy_delete_after_days", values["delete_after_days"])
    if "copy_delete_after_days" not in fields:
        values.setdefault("copy_cold_storage_after_days", values.get("cold_storage_after_days"))
    return BackupRule.model_validate(values)


def policy(rules: tuple[BackupRule, ...] | None = None, **overrides: Any) -> BackupPolicy:
    """The default policy; single-rule fields (schedule, ...) change its one rule."""
    rule_fields = {key: overrides.pop(key) for key in list(overrides) if key in RULE_FIELDS}
    return BackupPolicy.model_validate(
        {**DEFAULT_POLICY, **overrides, "rules": rules or (rule(**rule_fields),)}
    )


def covered(
    account_id: str,
    regions: tuple[str, ...] = ("us-east-1", "eu-west-1"),
    partition: str = "aws",
    **fields: Any,
) -> AccountCoverage:
    values: dict[str, Any] = {
        "name": f"acct-{account_id[-4:]}",
        "ou_path": "Root/ML",
        "deploy_role_arn": f"arn:{partition}:iam::{account_id}:role/OrganizationAccountAccessRole",
        "policy": policy(),
        **fields,
    }
    return AccountCoverage(account_id=account_id, status="covered", regions=regions, **values)


def skipped(
    account_id: str, reason: str = "suspended", role: str = "OrganizationAccountAccessRole"
) -> AccountCoverage:
    """As planning makes it: no regions, but the role and policy the rollout would use."""
    return AccountCoverage(
        account_id=account_id,
        name="old",
        ou_path="Root/Sandbox",
        status="skipped",
        skip_reason=reason,
        deploy_role_arn=f"arn:aws:iam::{account_id}:role/{role}",
        policy=policy(),
    )


def org(*accounts: AccountCoverage, **fields: Any) -> Coverage:
    return Coverage(
        organization_id="o-exampleorg1",
        management_account_id=MANAGEMENT_ID,
        accounts=accounts,
        **fields,
    )


def by_type(resources: list[dict[str, Any]], type_: str) -> list[dict[str, Any]]:
    return [resource for resource in resources if resource["type"] == type_]


VAULT = "aws:backup/vault:Vault"
LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
PLAN = "aws:backup/plan:Plan"
SELECTION = "aws:backup/selection:Selection"
ROLE = "aws:iam/role:Role"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
PROVIDER = "pulumi:providers:aws"
COMPONENT = "org-backup:index:AccountBackup"
REGIONAL = (VAULT, LOCK, PLAN, SELECTION)


# The central account of copies, and the management account
CENTRAL_ID = "555566667777"
MANAGEMENT_ID = "999999999999"


def central(account_id: str = CENTRAL_ID, **fields: Any) -> CentralCoverage:
    """A central account as resolve_central makes it (member account: its deploy role)."""
    values: dict[str, Any] = {
        "deploy_role_arn": None
        if account_id == MANAGEMENT_ID
        else f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole",
        "vault_name": "org-backup-central",
        "kind": "standard",
        "regions": ("us-east-1", "eu-west-1"),
        "global_settings": {
            "isCrossAccountBackupEnabled": "true",
            "isMpaEnabled": "false",
            "isDelegatedAdministratorEnabled": "false",
        },
        **fields,
    }
    return CentralCoverage(account_id=account_id, **values)


GLOBAL_SETTINGS = "aws:backup/globalSettings:GlobalSettings"
AIR_GAPPED_VAULT = "aws:backup/logicallyAirGappedVault:LogicallyAirGappedVault"
VAULT_POLICY = "aws:backup/vaultPolicy:VaultPolicy"
SHARE = "aws:ram/resourceShare:ResourceShare"
SHARE_RESOURCE = "aws:ram/resourceAssociation:ResourceAssociation"
SHARE_PRINCIPAL = "aws:ram/principalAssociation:PrincipalAssociation"
ORGANIZATION_COMPONENT = "org-backup:index:OrganizationBackup"
