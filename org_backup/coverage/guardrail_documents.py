"""The guardrail policy documents. Pure: names in, IAM policy documents out.

Each document denies exactly the actions listed below (a test holds the documents to these
lists and runs `parliament` over them), and exempts the deploy role by `aws:PrincipalArn`, so
org-backup itself can still update what it deploys. AWS Backup's own lifecycle deletions are
not API calls of a principal and are not affected: AWS's example vault policy that "prevents
anyone from deleting a backup in this vault" denies `backup:DeleteRecoveryPoint` to
`Principal: *` (AWS Backup Developer Guide, "Vault access policies"), and the AWS-owned EFS
automatic backup vault carries such a Deny while its 35-day lifecycle still expires recovery
points. Vault access policies take no wildcard in `Action` (same page), so every action is named.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from org_backup.aws_rules.arns import ANY_ACCOUNT, role_arn, vault_arn

# Organizations' limit on one SCP document (docs/guardrails.md, "Limits").
SCP_MAX_CHARACTERS = 5120
# The tag every resource org-backup deploys carries (rollout/providers.py, default tags); the
# SCP recognizes plans and recovery points by it, as their ARNs carry ids, not our names.
MANAGED_TAG_KEY = "managed-by"
MANAGED_TAG_VALUE = "org-backup"

# The member vault's access policy, by what it prevents: the four things a member account's
# administrator could do to erase or unprotect the recovery points of the vault. Replacing the
# access policy or the lock is removing it, so both Put actions are denied with the Deletes.
VAULT_POLICY_DENIES: dict[str, tuple[str, ...]] = {
    "delete recovery points": ("backup:DeleteRecoveryPoint",),
    "change their lifecycle": ("backup:UpdateRecoveryPointLifecycle",),
    "remove the access policy": (
        "backup:DeleteBackupVaultAccessPolicy",
        "backup:PutBackupVaultAccessPolicy",
    ),
    "remove the vault lock": (
        "backup:DeleteBackupVaultLockConfiguration",
        "backup:PutBackupVaultLockConfiguration",
    ),
}

# The SCP, by org-backup resource: changing or deleting it. The deploy roles are protected too:
# whoever could change a deploy role's trust policy could take its exemption over.
SCP_DENIES: dict[str, tuple[str, ...]] = {
    "vaults": (
        "backup:DeleteBackupVault",
        "backup:DeleteBackupVaultAccessPolicy",
        "backup:DeleteBackupVaultLockConfiguration",
        "backup:PutBackupVaultAccessPolicy",
        "backup:PutBackupVaultLockConfiguration",
    ),
    "recovery points": ("backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"),
    "plans and selections": (
        "backup:DeleteBackupPlan",
        "backup:DeleteBackupSelection",
        "backup:UpdateBackupPlan",
    ),
    "audit frameworks": ("backup:DeleteFramework", "backup:UpdateFramework"),
    "the managed-by tag the plans and recovery points are recognized by": (
        "backup:TagResource",
        "backup:UntagResource",
    ),
    "service roles and deploy roles": (
        "iam:AttachRolePolicy",
        "iam:DeleteRole",
        "iam:DeleteRolePermissionsBoundary",
        "iam:DeleteRolePolicy",
        "iam:DetachRolePolicy",
        "iam:PutRolePermissionsBoundary",
        "iam:PutRolePolicy",
        "iam:UpdateAssumeRolePolicy",
        "iam:UpdateRole",
    ),
    "alert rules": (
        "events:DeleteRule",
        "events:DisableRule",
        "events:PutRule",
        "events:PutTargets",
        "events:RemoveTargets",
    ),
}


def vault_guardrail_statement(deploy_role_arn: str) -> dict[str, Any]:
    """The Deny of `VAULT_POLICY_DENIES` to every principal but `deploy_role_arn`.

    `Principal` and `Resource` are wildcards, as AWS Config's managed rule
    backup-recovery-point-manual-deletion-disabled requires of such a statement.
    """
    return {
        "Sid": "OnlyTheDeployRoleDeletesOrUnprotectsRecoveryPoints",
        "Effect": "Deny",
        "Principal": "*",
        "Action": sorted(action for group in VAULT_POLICY_DENIES.values() for action in group),
        "Resource": "*",
        "Condition": {"ArnNotEquals": {"aws:PrincipalArn": deploy_role_arn}},
    }


def member_vault_policy(deploy_role_arn: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [vault_guardrail_statement(deploy_role_arn)]}


def scp_document(
    partition: str,
    deploy_role_names: Sequence[str],
    vault_names: Sequence[str],
    role_names: Sequence[str],
    rule_paths: Sequence[str],
    frameworks: bool = False,
) -> dict[str, Any]:
    """The organization SCP: every statement denies its actions to every principal whose ARN is
    not one of the deploy roles (in any account of the targets). With `frameworks`, the audit
    frameworks too: the evidence an account's own administrator must not remove."""
    exempt = {
        "ArnNotLike": {
            "aws:PrincipalArn": [
                role_arn(partition, ANY_ACCOUNT, name) for name in deploy_role_names
            ]
        }
    }
    tagged = {"StringEquals": {f"aws:ResourceTag/{MANAGED_TAG_KEY}": MANAGED_TAG_VALUE}}

    def deny(sid: str, group: str, resources: list[str], **condition: Any) -> dict[str, Any]:
        return {
            "Sid": sid,
            "Effect": "Deny",
            "Action": list(SCP_DENIES[group]),
            "Resource": resources[0] if len(resources) == 1 else resources,
            "Condition": {**condition, **exempt},
        }

    statements = [
        deny(
            "OrgBackupVaults",
            "vaults",
            [vault_arn(partition, "*", ANY_ACCOUNT, name) for name in vault_names],
        ),
        deny("OrgBackupRecoveryPoints", "recovery points", ["*"], **tagged),
        deny(
            "OrgBackupPlans",
            "plans and selections",
            [f"arn:{partition}:backup:*:*:backup-plan:*"],
            **tagged,
        ),
        deny(
            "OrgBackupTag",
            "the managed-by tag the plans and recovery points are recognized by",
            ["*"],
            **{"ForAnyValue:StringEquals": {"aws:TagKeys": [MANAGED_TAG_KEY]}},
        ),
        deny(
            "OrgBackupRoles",
            "service roles and deploy roles",
            [role_arn(partition, ANY_ACCOUNT, name) for name in [*role_names, *deploy_role_names]],
        ),
    ]
    if frameworks:
        statements.append(
            deny(
                "OrgBackupFrameworks",
                "audit frameworks",
                [f"arn:{partition}:backup:*:*:framework:*"],
                **tagged,
            )
        )
    if rule_paths:
        statements.append(
            deny(
                "OrgBackupAlertRules",
                "alert rules",
                [f"arn:{partition}:events:*:*:rule/{path}" for path in rule_paths],
            )
        )
    return {"Version": "2012-10-17", "Statement": statements}


def compact(document: dict[str, Any]) -> str:
    """The document as Organizations stores and counts it: JSON without insignificant spaces."""
    return json.dumps(document, separators=(",", ":"))
