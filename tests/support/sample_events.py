"""AWS Backup events shaped as AWS's EventBridge page shows them (trimmed to the fields a
pattern can look at): https://docs.aws.amazon.com/aws-backup/latest/devguide/eventbridge.html
("Backup Job events", "Copy Job events", "Restore Job events", ...). Note the restore job
events: `status` for FAILED and COMPLETED, `state` for CREATED."""

from __future__ import annotations

from typing import Any

ACCOUNT, REGION = "111122223333", "us-west-2"


def event(detail_type: str, detail: dict[str, Any]) -> dict[str, Any]:
    return {
        "version": "0",
        "id": "4660bc92-a44d-c939-4542-cda503f14855",
        "detail-type": detail_type,
        "source": "aws.backup",
        "account": ACCOUNT,
        "time": "2020-07-15T20:37:34Z",
        "region": REGION,
        "resources": [],
        "detail": detail,
    }


VAULT = f"arn:aws:backup:{REGION}:{ACCOUNT}:backup-vault:org-backup-ai"
EFS = f"arn:aws:elasticfilesystem:{REGION}:{ACCOUNT}:file-system/fs-0123456789abcdef0"


def backup_job(state: str, message: str = "") -> dict[str, Any]:
    return event(
        "Backup Job State Change",
        {
            "backupJobId": "34176239-e96d-4e1d-9fad-529dbb3c3556",
            "backupVaultArn": VAULT,
            "backupVaultName": "org-backup-ai",
            "resourceArn": EFS,
            "resourceType": "EFS",
            "state": state,
            "statusMessage": message,
            "percentDone": 0,
        },
    )


def copy_job(state: str) -> dict[str, Any]:
    return event(
        "Copy Job State Change",
        {
            "copyJobId": "47C8EF56-74D8-059D-1301-C5BE1D5C926E",
            "resourceArn": EFS,
            "resourceType": "EFS",
            "sourceBackupVaultArn": VAULT,
            "destinationBackupVaultArn": VAULT.replace(ACCOUNT, "999999999999"),
            "state": state,
        },
    )


def restore_job(status: str, key: str = "status") -> dict[str, Any]:
    return event(
        "Restore Job State Change",
        {
            "restoreJobId": "1B234A56-789B-01CD-2A34-4567A08901FD",
            "resourceType": "EFS",
            key: status,
            "statusMessage": "Access denied",
        },
    )


ALERTS = {
    "backup FAILED": backup_job("FAILED", "Backup job failed because backup vault does not exist."),
    "backup ABORTED": backup_job("ABORTED", "Backup job was stopped by user."),
    "backup EXPIRED": backup_job("EXPIRED", "Backup job failed because there was a running job."),
    "backup PARTIAL": backup_job("PARTIAL"),
    "copy FAILED": copy_job("FAILED"),
    "copy PARTIAL": copy_job("PARTIAL"),
    "restore FAILED (status)": restore_job("FAILED"),
    "restore ABORTED (status)": restore_job("ABORTED"),
    "restore FAILED (state)": restore_job("FAILED", key="state"),
}
NOT_ALERTS = {
    "backup COMPLETED": backup_job("COMPLETED"),
    "backup RUNNING": backup_job("RUNNING"),
    "backup PENDING": backup_job("PENDING"),
    "backup CREATED": backup_job("CREATED"),
    "copy COMPLETED": copy_job("COMPLETED"),
    "copy RUNNING": copy_job("RUNNING"),
    "restore COMPLETED": restore_job("COMPLETED"),
    "restore CREATED (state)": restore_job("CREATED", key="state"),
    "vault DELETED": event(
        "Backup Vault State Change", {"backupVaultName": "x", "state": "DELETED"}
    ),
    "plan DELETED": event("Backup Plan State Change", {"backupPlanId": "p", "state": "DELETED"}),
    # recovery points report `status`, and EXPIRED is their normal end of life: not an alert
    "recovery point EXPIRED": event(
        "Recovery Point State Change", {"backupVaultName": "x", "status": "EXPIRED"}
    ),
    "scan FAILED": event("Scan Job State Change", {"state": "FAILED"}),
}
