"""The ARNs org-backup names before the resources exist, in AWS's formats.

Each is deterministic from the partition, account, region and name, so that every shard, the
manifest and a report know it without asking AWS (or the shard that creates the resource).
An account id of `*` names the role or resource in every account, as policy documents do.
"""

from __future__ import annotations

ANY_ACCOUNT = "*"


def role_arn(partition: str, account_id: str, role_name: str) -> str:
    """An IAM role, e.g. arn:aws:iam::111122223333:role/OrganizationAccountAccessRole."""
    return f"arn:{partition}:iam::{account_id}:role/{role_name}"


def same_account_role(role: str, role_name: str) -> str:
    """The role named `role_name` in the account (and partition) of the role ARN `role`."""
    return f"{role.rsplit(':role/', 1)[0]}:role/{role_name}"


def vault_arn(partition: str, region: str, account_id: str, vault_name: str) -> str:
    return f"arn:{partition}:backup:{region}:{account_id}:backup-vault:{vault_name}"


def event_bus_arn(partition: str, region: str, account_id: str, bus_name: str) -> str:
    return f"arn:{partition}:events:{region}:{account_id}:event-bus/{bus_name}"


def topic_arn(partition: str, region: str, account_id: str, topic_name: str) -> str:
    return f"arn:{partition}:sns:{region}:{account_id}:{topic_name}"


def organization_arn(partition: str, management_account_id: str, organization_id: str) -> str:
    return f"arn:{partition}:organizations::{management_account_id}:organization/{organization_id}"


def efs_file_systems(partition: str) -> list[str]:
    """Every EFS file system of the selection's own account and region, by type: a backup
    selection's `resources` that, with a tag condition, picks the tagged file systems only."""
    return [f"arn:{partition}:elasticfilesystem:*:*:file-system/*"]
