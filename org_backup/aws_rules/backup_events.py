"""The EventBridge pattern for AWS Backup's failed, aborted, expired and partial jobs.

AWS Backup emits job state changes on each account's default bus (source `aws.backup`).
Backup and copy jobs report `detail.state`; restore jobs report `detail.status` for FAILED and
COMPLETED but `detail.state` for CREATED ("Monitoring AWS Backup events using Amazon
EventBridge", https://docs.aws.amazon.com/aws-backup/latest/devguide/eventbridge.html), so the
pattern accepts either key. The deprecated vault notification events (BACKUP_JOB_FAILED, ...)
are never used: they send nothing any more.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

SOURCE = "aws.backup"
JOB_DETAIL_TYPES = (
    "Backup Job State Change",
    "Copy Job State Change",
    "Restore Job State Change",
)
# botocore's BackupJobState, CopyJobState and RestoreJobStatus enums: the end states that
# mean a job did not do all it should have. COMPLETED, RUNNING, PENDING, CREATED are not alerts.
FAILURE_STATES = ("FAILED", "ABORTED", "EXPIRED", "PARTIAL")


def failed_jobs_pattern(muted_accounts: Sequence[str] = ()) -> dict[str, Any]:
    """The pattern as a dict: every failure of a backup, copy or restore job, nothing else;
    with `muted_accounts`, none from those accounts (the central rule's silencing)."""
    states = list(FAILURE_STATES)
    pattern: dict[str, Any] = {
        "source": [SOURCE],
        "detail-type": list(JOB_DETAIL_TYPES),
        "detail": {"$or": [{"state": states}, {"status": states}]},
    }
    if muted_accounts:
        pattern["account"] = [{"anything-but": sorted(muted_accounts)}]
    return pattern


def failed_jobs_pattern_json(muted_accounts: Sequence[str] = ()) -> str:
    """The pattern as EventRule's `event_pattern` takes it; sorted keys keep it diff-free."""
    return json.dumps(failed_jobs_pattern(muted_accounts), sort_keys=True, separators=(",", ":"))
