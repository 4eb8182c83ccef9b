"""One covered account's AWS Backup: its provider, service role, and a vault, plan and selection
in each of its regions, grouped under one component so `pulumi preview` reads account by account.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from org_backup.config.policy import BackupPolicy, kms_key_arn
from org_backup.coverage.model import AccountCoverage
from org_backup.manifest import DeployedAccount, efs_resources
from org_backup.rollout import names

COMPONENT_TYPE = "org-backup:index:AccountBackup"
SESSION_NAME = "org-backup"
MANAGED_BY = {"managed-by": "org-backup"}

# AWS Backup assumes this role to back up and restore; EFS needs nothing more than these two.
_MANAGED_POLICIES = {
    "backup": "service-role/AWSBackupServiceRolePolicyForBackup",
    "restores": "service-role/AWSBackupServiceRolePolicyForRestores",
}
_TRUST_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "backup.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


class AccountBackup(pulumi.ComponentResource):
    """Everything org-backup deploys into one account; `deployed` resolves to its ids and ARNs."""

    deployed: pulumi.Output[DeployedAccount]

    def __init__(
        self,
        account: AccountCoverage,
        partition: str,
        tags: Mapping[str, str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        if account.policy is None or account.deploy_role_arn is None or not account.regions:
            raise ValueError(f"account {account.account_id} is not covered; nothing to deploy")
        account_id, policy = account.account_id, account.policy
        super().__init__(COMPONENT_TYPE, names.component_name(account_id), None, opts)

        provider = aws.Provider(
            names.provider_name(account_id),
            assume_roles=[
                aws.ProviderAssumeRoleArgs(
                    role_arn=account.deploy_role_arn,
                    session_name=SESSION_NAME,
                    external_id=account.deploy_role_external_id,
                )
            ],
            # The provider checks the assumed role's account: a mis-pointed role fails, not deploys.
            allowed_account_ids=[account_id],
            default_tags=aws.ProviderDefaultTagsArgs(tags={**tags, **account.tags, **MANAGED_BY}),
            region=account.regions[0],
            opts=pulumi.ResourceOptions(parent=self),
        )
        child = pulumi.ResourceOptions(parent=self, provider=provider)
        role, attachments = _service_role(account_id, policy, partition, child)

        regions = {}
        for region in account.regions:
            vault, plan, selection = _region(
                account_id,
                region,
                policy,
                partition,
                role,
                attachments,
                child,
                account.import_vaults.get(region),
            )
            regions[region] = {
                "vault_arn": vault.arn,
                "plan_id": plan.id,
                "plan_arn": plan.arn,
                "plan_version": plan.version,
                "selection_id": selection.id,
            }
        outputs = {"backup_role_arn": role.arn, "regions": regions}
        self.deployed = pulumi.Output.from_input(outputs).apply(DeployedAccount.model_validate)
        self.register_outputs(outputs)


def _service_role(
    account_id: str, policy: BackupPolicy, partition: str, child: pulumi.ResourceOptions
) -> tuple[aws.iam.Role, list[aws.iam.RolePolicyAttachment]]:
    """IAM is global: one role per account, shared by the selections of all its regions."""
    role = aws.iam.Role(
        names.account_resource_name(account_id, "backup-role"),
        name=policy.backup_role_name,
        assume_role_policy=_TRUST_POLICY,
        description="AWS Backup service role for EFS file systems, managed by org-backup",
        opts=child,
    )
    attachments = [
        aws.iam.RolePolicyAttachment(
            names.account_resource_name(account_id, f"backup-role-{kind}"),
            role=role.name,
            policy_arn=f"arn:{partition}:iam::aws:policy/{path}",
            opts=child,
        )
        for kind, path in _MANAGED_POLICIES.items()
    ]
    return role, attachments


def _region(
    account_id: str,
    region: str,
    policy: BackupPolicy,
    partition: str,
    role: aws.iam.Role,
    attachments: list[aws.iam.RolePolicyAttachment],
    child: pulumi.ResourceOptions,
    import_vault: str | None = None,
) -> tuple[aws.backup.Vault, aws.backup.Plan, aws.backup.Selection]:
    """Vault, optional lock, plan and selection of one region, all pinned to it with `region=`.

    `import_vault` names an existing vault of ours (retained from an earlier run or another
    stack) that the engine imports instead of creating (coverage/adoption.py).
    """

    def name(kind: str) -> str:
        return names.regional_resource_name(account_id, region, kind)

    # Retained: taking an account out of scope, or destroying the stack, must never delete a
    # vault (or try to, which fails while it holds recovery points) or unlock it. The lock
    # needs it too: every lock argument forces a replacement, which puts the new lock and then
    # would delete "the old one", i.e. the vault's only lock.
    retained = pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(retain_on_delete=True))
    vault = aws.backup.Vault(
        name("vault"),
        name=policy.vault_name,
        kms_key_arn=(
            kms_key_arn(policy.vault_kms_key_arn, partition, region, account_id)
            if policy.vault_kms_key_arn
            else None
        ),
        region=region,
        opts=pulumi.ResourceOptions.merge(retained, pulumi.ResourceOptions(import_=import_vault)),
    )
    lock = policy.vault_lock
    if lock is not None:
        aws.backup.VaultLockConfiguration(
            name("vault-lock"),
            backup_vault_name=vault.name,
            min_retention_days=lock.min_retention_days,
            max_retention_days=lock.max_retention_days,
            changeable_for_days=lock.changeable_for_days,
            region=region,
            opts=retained,
        )
    plan = aws.backup.Plan(
        name("plan"),
        name=policy.plan_name,
        rules=[
            aws.backup.PlanRuleArgs(
                rule_name=policy.rule_name,
                target_vault_name=vault.name,
                schedule=policy.schedule,
                schedule_expression_timezone=policy.schedule_timezone,
                start_window=policy.start_window_minutes,
                completion_window=policy.completion_window_minutes,
                lifecycle=aws.backup.PlanRuleLifecycleArgs(
                    delete_after=policy.delete_after_days,
                    cold_storage_after=policy.cold_storage_after_days,
                ),
            )
        ],
        region=region,
        opts=child,
    )
    # Resources AND conditions: EFS file systems that carry the tag. `selection_tags` would be an
    # OR with `resources`, selecting any tagged resource of any type.
    selection = aws.backup.Selection(
        name("selection"),
        name=policy.selection_name,
        iam_role_arn=role.arn,
        plan_id=plan.id,
        resources=efs_resources(partition),
        conditions=[
            aws.backup.SelectionConditionArgs(
                string_equals=[
                    aws.backup.SelectionConditionStringEqualArgs(
                        key=f"aws:ResourceTag/{policy.selection_tag_key}",
                        value=policy.selection_tag_value,
                    )
                ]
            )
        ],
        region=region,
        opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=attachments)),
    )
    return vault, plan, selection
