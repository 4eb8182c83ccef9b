"""An emulated deployment: what a manifest describes, created in the demo emulator with boto3.

There is no Pulumi CLI here, so the demo cannot `pulumi up`. To give the audit something deployed
to read, this module creates, in every covered account-region of a synthesized manifest, the
backup role, the vault (and its lock), the plan with the manifest's rules and the tag-based
selection, through each account's deploy role, as the provider would. It is the demo's stand-in
for `pulumi up`, not a deployment path of the product: it says so wherever it is printed.
"""

from __future__ import annotations

from typing import Any

import boto3

from org_backup.aws_rules.arns import role_arn
from org_backup.manifest.model import Account, Manifest, Region
from org_backup.rollout.trust import service_trust_policy

BACKUP_TRUST = service_trust_policy("backup.amazonaws.com")  # the rollout's own
_SESSION_NAME = "org-backup-demo-deployment"


def deploy_manifest(session: boto3.Session, manifest: Manifest) -> dict[tuple[str, str], str]:
    """Create every covered account-region of `manifest`; return plan ids by (account, region)."""
    plan_ids: dict[tuple[str, str], str] = {}
    partition = session.client("sts").get_caller_identity()["Arn"].split(":")[1]
    for account in manifest.accounts:
        if account.status != "covered" or not account.regions:
            continue
        member = _member_session(session, account, partition)
        role = _backup_role(member, account)
        for region in account.regions:
            plan_ids[(account.account_id, region.region)] = _deploy_region(member, region, role)
    return plan_ids


def _member_session(session: boto3.Session, account: Account, partition: str) -> boto3.Session:
    arn = account.deploy_role_arn or role_arn(
        partition, account.account_id, "OrganizationAccountAccessRole"
    )
    keys = session.client("sts").assume_role(RoleArn=arn, RoleSessionName=_SESSION_NAME)
    credentials = keys["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def _backup_role(member: boto3.Session, account: Account) -> str:
    name = (account.backup_role_arn or "role/OrgBackupServiceRole").rsplit("/", 1)[-1]
    created = member.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=BACKUP_TRUST)
    return created["Role"]["Arn"]


def _deploy_region(member: boto3.Session, region: Region, role: str) -> str:
    backup = member.client("backup", region_name=region.region)
    if region.vault is not None:
        backup.create_backup_vault(BackupVaultName=region.vault.name)
        if region.vault.lock is not None:
            lock = region.vault.lock
            backup.put_backup_vault_lock_configuration(
                BackupVaultName=region.vault.name,
                MinRetentionDays=lock.min_retention_days,
                MaxRetentionDays=lock.max_retention_days,
                **(
                    {"ChangeableForDays": lock.changeable_for_days}
                    if lock.changeable_for_days is not None
                    else {}
                ),
            )
    assert region.plan is not None, "a covered region of a manifest has a plan"
    plan_id = backup.create_backup_plan(
        BackupPlan={
            "BackupPlanName": region.plan.name,
            "Rules": [_rule(rule, region) for rule in region.plan.rules],
        }
    )["BackupPlanId"]
    if region.selection is not None:
        backup.create_backup_selection(
            BackupPlanId=plan_id, BackupSelection=_selection(region, role)
        )
    return plan_id


def _rule(rule: Any, region: Region) -> dict[str, Any]:
    lifecycle = {"DeleteAfterDays": rule.delete_after_days}
    if rule.cold_storage_after_days is not None:
        lifecycle["MoveToColdStorageAfterDays"] = rule.cold_storage_after_days
    return {
        "RuleName": rule.name,
        "TargetBackupVaultName": region.vault.name if region.vault else "Default",
        "ScheduleExpression": rule.schedule,
        "ScheduleExpressionTimezone": rule.schedule_timezone,
        "StartWindowMinutes": rule.start_window_minutes,
        "CompletionWindowMinutes": rule.completion_window_minutes,
        "Lifecycle": lifecycle,
        "CopyActions": [
            {
                "DestinationBackupVaultArn": copy.destination_vault_arn,
                "Lifecycle": {"DeleteAfterDays": copy.delete_after_days},
            }
            for copy in rule.copy_actions
        ],
    }


def _selection(region: Region, role: str) -> dict[str, Any]:
    assert region.selection is not None
    selection: dict[str, Any] = {
        "SelectionName": region.selection.name,
        "IamRoleArn": role,
        "Resources": region.selection.resources,
    }
    if region.selection.tag is not None:
        tag = region.selection.tag
        selection["Conditions"] = {
            "StringEquals": [
                {"ConditionKey": f"aws:ResourceTag/{tag.key}", "ConditionValue": tag.value}
            ]
        }
    return selection
