"""The audit's read-only calls in the central account, through its deploy role (or the caller's
own credentials when the central account is the caller's).

Per central region: backup DescribeBackupVault, GetBackupVaultAccessPolicy and
ListRecoveryPointsByBackupVault (recent ones only). A failed call fails that region's row with
the operation and AWS's reason; an account that cannot be reached fails the central row.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from org_backup.audit.collect import USABLE_STATUSES, account_session
from org_backup.audit.observations import CentralRegionState, CentralState
from org_backup.aws.account import AccountSession
from org_backup.aws.answers import MalformedAnswer
from org_backup.aws.sessions import client, describe_error
from org_backup.coverage.central import CentralCoverage
from org_backup.coverage.model import reading_role
from org_backup.errors import AccountFailure


def collect_central(
    caller: boto3.Session,
    central: CentralCoverage,
    caller_account_id: str,
    since: datetime | None,
    readonly_role_name: str | None = None,
    budget_seconds: float | None = None,
) -> CentralState:
    """What the central vaults hold: each source resource's latest usable copy since `since`;
    the account's reads stop after `budget_seconds`, as any account's do."""
    role, external_id = central.deploy_role_arn, central.deploy_role_external_id
    if role is not None:
        role, external_id = reading_role(role, external_id, readonly_role_name)
    if central.account_id == caller_account_id:
        role = None
    if role is None and central.account_id != caller_account_id:
        return CentralState(
            central.account_id,
            failure=f"it is the management account, which org-backup reads with its own"
            f" credentials, but the caller is account {caller_account_id}",
        )
    calls = AccountSession(caller, budget_seconds)
    try:
        session = account_session(calls, role, external_id)
        regions = tuple(
            _region(client(session, "backup", region), central.vault_name, region, since)
            for region in central.regions
        )
    except AccountFailure as error:
        return CentralState(central.account_id, failure=str(error))
    return CentralState(central.account_id, regions)


def _region(backup: Any, vault: str, region: str, since: datetime | None) -> CentralRegionState:
    operation = "backup:DescribeBackupVault"
    try:
        try:
            described = backup.describe_backup_vault(BackupVaultName=vault)
        except ClientError as error:
            if _code(error) == "ResourceNotFoundException":
                return CentralRegionState(region)
            raise
        operation = "backup:GetBackupVaultAccessPolicy"
        policy = _policy(backup, vault)
        operation = "backup:ListRecoveryPointsByBackupVault"
        latest = _latest_copies(backup, vault, since)
    except (ClientError, BotoCoreError) as error:
        return CentralRegionState(region, lookup_error=f"{operation}: {describe_error(error)}")
    return CentralRegionState(
        region,
        vault_arn=described.get("BackupVaultArn"),
        vault_type=described.get("VaultType"),
        policy=policy,
        latest_copies=latest,
    )


def _policy(backup: Any, vault: str) -> dict | None:
    try:
        text = backup.get_backup_vault_access_policy(BackupVaultName=vault).get("Policy")
    except ClientError as error:
        if _code(error) == "ResourceNotFoundException":
            return None
        raise
    try:
        return json.loads(text) if text else None
    except ValueError as error:
        raise MalformedAnswer(
            "backup:GetBackupVaultAccessPolicy", "a policy that is not JSON"
        ) from error


def _latest_copies(backup: Any, vault: str, since: datetime | None) -> dict[str, datetime]:
    """Copies keep the ARN of the resource they were made from, so they group by source."""
    params: dict[str, Any] = {"BackupVaultName": vault}
    if since is not None:
        params["ByCreatedAfter"] = since
    latest: dict[str, datetime] = {}
    for page in backup.get_paginator("list_recovery_points_by_backup_vault").paginate(**params):
        for point in page["RecoveryPoints"]:
            arn, created = point.get("ResourceArn"), point.get("CreationDate")
            if arn and created and point.get("Status") in USABLE_STATUSES:
                latest[arn] = max(created, latest.get(arn, created))
    return latest


def _code(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Code", "")
