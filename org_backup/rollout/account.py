"""One covered account's AWS Backup: its provider, service role, and in each of its regions the
backup shape (`coverage/shape.py`): a vault, plan (its rules copying to the central vault, when
there is one) and selection, grouped under one component so `pulumi preview` reads account by
account.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_aws as aws

from org_backup.config.policy import BackupPolicy
from org_backup.coverage import names
from org_backup.coverage.alerting import AlertsConfig, RestoreTestingConfig
from org_backup.coverage.audit_evidence import AuditFrameworksConfig
from org_backup.coverage.central import CentralCoverage
from org_backup.coverage.framework import FrameworkShape
from org_backup.coverage.guardrails import GuardrailsCoverage
from org_backup.coverage.model import AccountCoverage
from org_backup.coverage.shape import RegionShape, VaultShape, region_shapes
from org_backup.rollout.alert_forwarding import register_forwarder_role, register_forwarding_rule
from org_backup.rollout.providers import account_provider
from org_backup.rollout.restore_testing import register_restore_testing
from org_backup.rollout.trust import service_trust_policy

# AWS Backup assumes this role to back up and restore; EFS needs nothing more than these two.
_MANAGED_POLICIES = {
    "backup": "service-role/AWSBackupServiceRolePolicyForBackup",
    "restores": "service-role/AWSBackupServiceRolePolicyForRestores",
}
# Without aws:SourceAccount: AWS Backup documents no such condition on its service role, and
# a condition it does not satisfy makes every backup fail (rollout/trust.py).
_TRUST_POLICY = service_trust_policy("backup.amazonaws.com")


class AccountBackup(pulumi.ComponentResource):
    """Everything org-backup deploys into one account; `outputs` holds the Outputs of its ids
    and ARNs, in the shape of `DeployedAccount`."""

    outputs: dict[str, Any]

    def __init__(
        self,
        account: AccountCoverage,
        partition: str,
        tags: Mapping[str, str],
        management_account_id: str,
        central: CentralCoverage | None = None,
        opts: pulumi.ResourceOptions | None = None,
        *,
        alerts: AlertsConfig | None = None,
        restore_testing: RestoreTestingConfig | None = None,
        guardrails: GuardrailsCoverage | None = None,
        audit_frameworks: AuditFrameworksConfig | None = None,
    ) -> None:
        if account.policy is None or account.deploy_role_arn is None or not account.regions:
            raise ValueError(f"account {account.account_id} is not covered; nothing to deploy")
        account_id, policy = account.account_id, account.policy
        super().__init__(names.COMPONENT_TYPE, names.component_name(account_id), None, opts)

        provider = account_provider(
            names.provider_name(account_id),
            account_id,
            management_account_id=management_account_id,
            deploy_role_arn=account.deploy_role_arn,
            external_id=account.deploy_role_external_id,
            region=account.regions[0],
            tags={**tags, **account.tags},
            # Top level, not a child of this component: `pulumi state move` of the component
            # (reshard) leaves providers in the source stack and only copies them (pulumi/pulumi
            # #20639, pkg/cmd/pulumi/state/state_move.go), and a provider left behind whose parent
            # moved fails the source's integrity check (pkg/resource/deploy/snapshot.go, "refers
            # to missing parent"). The alias keeps the provider of stacks deployed before as it
            # is; an aliased provider is no provider change for its resources
            # (pkg/resource/deploy/step_generator.go, providerChanged).
            opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(parent=self)]),
        )
        child = pulumi.ResourceOptions(parent=self, provider=provider)
        role, attachments = _service_role(account_id, policy, partition, child)
        # one forwarder role per account
        forwarder = register_forwarder_role(account_id, alerts, child) if alerts else None

        regions = {}
        shapes = region_shapes(
            account,
            partition,
            management_account_id,
            central,
            alerts,
            restore_testing,
            guardrails,
            audit_frameworks,
        )
        for shape in shapes:
            vault, plan, selection = _region(
                shape, role, attachments, child, account.import_vaults.get(shape.region)
            )
            if shape.restore_testing is not None:
                register_restore_testing(
                    shape, shape.restore_testing, vault, role, [*attachments, selection], child
                )
            if shape.alert_rule is not None and forwarder is not None:
                register_forwarding_rule(shape, shape.alert_rule, *forwarder, child)
            framework = (
                _framework(shape, shape.framework, child) if shape.framework is not None else None
            )
            if shape.automatic_backups is not None:
                _automatic_backups_off(shape, shape.automatic_backups.file_system_ids, child)
            regions[shape.region] = {
                "framework_arn": framework.arn if framework is not None else None,
                "framework_deployment_status": framework.deployment_status
                if framework is not None
                else None,
                "vault_arn": vault.arn,
                "plan_id": plan.id,
                "plan_arn": plan.arn,
                "plan_version": plan.version,
                "selection_id": selection.id,
                "vault_kms_key_arn": vault.kms_key_arn if shape.vault.kms_key_id else None,
            }
        self.outputs = {"backup_role_arn": role.arn, "regions": regions}
        self.register_outputs(self.outputs)


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
    shape: RegionShape,
    role: aws.iam.Role,
    attachments: list[aws.iam.RolePolicyAttachment],
    child: pulumi.ResourceOptions,
    import_vault: str | None = None,
) -> tuple[aws.backup.Vault, aws.backup.Plan, aws.backup.Selection]:
    """Vault, optional lock and access policy, plan and selection of one region, all pinned to
    it with `region=`.

    `import_vault` is the import id (`<name>@<region>`) of an existing vault of ours (retained
    from an earlier run or another stack) that the engine imports instead of creating
    (coverage/adoption.py). With guardrails, the vault's access policy exempts the deploy role
    and recovery points are tagged `managed-by`, which the SCP recognizes them by.
    """
    region, name = shape.region, shape.resource_name
    # Retained: taking an account out of scope, or destroying the stack, must never delete a
    # vault (or try to, which fails while it holds recovery points) or unlock it. The lock
    # needs it too: every lock argument forces a replacement, which puts the new lock and then
    # would delete "the old one", i.e. the vault's only lock.
    retained = pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(retain_on_delete=True))
    vault = aws.backup.Vault(
        name("vault"),
        name=shape.vault.name,
        kms_key_arn=_vault_key_arn(shape.vault, region, child),
        region=region,
        opts=pulumi.ResourceOptions.merge(retained, pulumi.ResourceOptions(import_=import_vault)),
    )
    lock = shape.vault.lock
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
    if shape.vault.access_policy is not None:
        aws.backup.VaultPolicy(
            name("vault-policy"),
            backup_vault_name=vault.name,
            policy=json.dumps(shape.vault.access_policy, sort_keys=True),
            region=region,
            opts=child,
        )
    plan = aws.backup.Plan(
        name("plan"),
        name=shape.plan.name,
        rules=[
            aws.backup.PlanRuleArgs(
                rule_name=rule.name,
                target_vault_name=vault.name,
                schedule=rule.schedule,
                schedule_expression_timezone=rule.schedule_timezone,
                start_window=rule.start_window_minutes,
                completion_window=rule.completion_window_minutes,
                lifecycle=aws.backup.PlanRuleLifecycleArgs(
                    delete_after=rule.delete_after_days,
                    cold_storage_after=rule.cold_storage_after_days,
                ),
                recovery_point_tags=shape.plan.recovery_point_tags,
                copy_actions=[
                    aws.backup.PlanRuleCopyActionArgs(
                        destination_vault_arn=target.destination_vault_arn,
                        lifecycle=aws.backup.PlanRuleCopyActionLifecycleArgs(
                            delete_after=target.delete_after_days,
                            cold_storage_after=target.cold_storage_after_days,
                        ),
                    )
                    for target in rule.copy_actions
                ]
                or None,
            )
            for rule in shape.plan.rules
        ],
        region=region,
        opts=child,
    )
    # Resources AND conditions: EFS file systems that carry the tag. `selection_tags` would be an
    # OR with `resources`, selecting any tagged resource of any type.
    selection = aws.backup.Selection(
        name("selection"),
        name=shape.selection.name,
        iam_role_arn=role.arn,
        plan_id=plan.id,
        resources=list(shape.selection.resources),
        conditions=[
            aws.backup.SelectionConditionArgs(
                string_equals=[
                    aws.backup.SelectionConditionStringEqualArgs(
                        key=shape.selection.tag.condition_key, value=shape.selection.tag.value
                    )
                ]
            )
        ],
        region=region,
        opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=attachments)),
    )
    return vault, plan, selection


def _framework(
    shape: RegionShape, framework: FrameworkShape, child: pulumi.ResourceOptions
) -> aws.backup.Framework:
    """The account-region's Backup Audit Manager framework. Always named: pulumi-aws would
    auto-name it `<logical>-<hex>`, which the name's pattern refuses (pulumi/pulumi-aws#5570).
    Registered whatever AWS Config records: its deployment then reports FAILED, which the
    provider accepts (terraform-provider-aws internal/service/backup/framework.go,
    waitFrameworkCreated), and `report --require-frameworks` and `audit` report it."""
    return aws.backup.Framework(
        shape.resource_name("framework"),
        name=framework.name,
        description=framework.description,
        controls=[
            aws.backup.FrameworkControlArgs(
                name=control.name,
                input_parameters=[
                    aws.backup.FrameworkControlInputParameterArgs(name=name, value=value)
                    for name, value in control.parameters
                ]
                or None,
                scope=aws.backup.FrameworkControlScopeArgs(tags=dict([control.scope_tag])),
            )
            for control in framework.controls
        ],
        region=shape.region,
        opts=child,
    )


def _automatic_backups_off(
    shape: RegionShape, file_system_ids: tuple[str, ...], child: pulumi.ResourceOptions
) -> None:
    """EFS's automatic backups off for each tagged file system (`efs_automatic_backups =
    disable`). Deleting such a resource also leaves them off (the provider's Delete puts
    DISABLED: terraform-provider-aws internal/service/efs/backup_policy.go), so org-backup
    never turns them back on."""
    for file_system_id in file_system_ids:
        aws.efs.BackupPolicy(
            shape.resource_name(f"efs-backup-policy-{file_system_id}"),
            file_system_id=file_system_id,
            backup_policy=aws.efs.BackupPolicyBackupPolicyArgs(status="DISABLED"),
            region=shape.region,
            opts=child,
        )


def _vault_key_arn(
    vault: VaultShape, region: str, child: pulumi.ResourceOptions
) -> pulumi.Input[str] | None:
    """The vault's KMS key as a key ARN, never an alias.

    AWS stores and reports the key's ARN: a vault given an alias would differ from what the
    provider reads back on every update, and `kms_key_arn` forces a replacement, which fails
    while the retained vault keeps its name. So an alias (name or ARN) is resolved with
    kms:DescribeKey (`aws.kms.get_key`) through this account's provider, in this region.
    """
    if vault.kms_key_id is None or vault.kms_key_arn is not None:
        return vault.kms_key_arn
    key = aws.kms.get_key_output(
        key_id=vault.kms_key_id,
        region=region,
        opts=pulumi.InvokeOutputOptions(provider=child.provider),
    )
    return key.arn
