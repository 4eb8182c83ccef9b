"""A deployed-looking organization manifest of any size, for the report's page checks: nested
OUs (one with a long name), four regions, a central account every other account copies into
(so every row has a copy ARN), and a realistic spread of findings (short retention, no vault
lock, a weekly schedule, a missing region, a refused deploy role, a degraded account, skips by
policy).

Deterministic: the same size gives the same manifest, so screenshots and timings compare.
"""

from __future__ import annotations

import copy
from typing import Any

REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2")
OUS = (
    "Root/Workloads/ML/Prod",
    "Root/Workloads/ML/Dev",
    "Root/Workloads/Data/Prod",
    "Root/Workloads/Data/Dev",
    "Root/Workloads/Inference-Platform",
    "Root/Platform/Shared",
    "Root/Platform/Network",
    "Root/Sandbox",
)
CENTRAL_OU = "Root/Platform/Backup"
CENTRAL_VAULT = "org-backup-central"
THRESHOLDS = ("--min-retention-days", "35", "--require-vault-lock", "--max-interval-hours", "24")


def sample_manifest(accounts: int, regions: tuple[str, ...] = REGIONS) -> dict[str, Any]:
    """`accounts` accounts, each covered in every region (a few skipped), spread over OUS;
    account 0 is the central account."""
    return {
        "schema_version": 1,
        "organization": {"id": "o-sample12345", "management_account_id": "999999999999"},
        "shard": {"index": 0, "count": 1},
        "central": {
            "account_id": _account_id(0),
            "vault_name": CENTRAL_VAULT,
            "kind": "standard",
            "regions": [
                {"region": region, "vault_arn": _central_vault(region)} for region in regions
            ],
        },
        "accounts": [_account(number, regions) for number in range(accounts)],
    }


def _account_id(number: int) -> str:
    return f"{200000000000 + number * 7919:012d}"


def _central_vault(region: str) -> str:
    return f"arn:aws:backup:{region}:{_account_id(0)}:backup-vault:{CENTRAL_VAULT}"


def _account(number: int, regions: tuple[str, ...]) -> dict[str, Any]:
    account_id = _account_id(number)
    if number == 0:
        base = {"account_id": account_id, "name": "backup-central", "ou_path": CENTRAL_OU}
        covered = [_region(account_id, region, index) for index, region in enumerate(regions)]
        return {**base, "status": "covered", "skip_reason": None, "regions": covered}
    ou = OUS[number % len(OUS)]
    name = f"{ou.rsplit('/', 1)[-1].lower()}-{number:04d}"
    base = {"account_id": account_id, "name": name, "ou_path": ou}
    if number % 97 == 13:
        return {**base, "status": "skipped", "skip_reason": "deploy role cannot be assumed"}
    if number % 53 == 7:
        return {**base, "status": "skipped", "skip_reason": "excluded"}
    covered = [
        _region(account_id, region, index, copy_to=_central_vault(region))
        for index, region in enumerate(regions)
    ]
    if number % 41 == 5:
        covered = covered[:-1]  # a required region missing
    if number % 11 == 3:
        covered[1]["plan"]["rules"][0]["delete_after_days"] = 14
    if number % 17 == 4:
        for region in covered:
            region["vault"]["lock"] = None
    if number % 29 == 9:
        covered[0]["plan"]["rules"][0]["schedule"] = "cron(0 5 ? * MON *)"
    account = {**base, "status": "covered", "skip_reason": None, "regions": covered}
    if number % 89 == 21:
        account["degraded"] = "deploy role cannot be assumed (AccessDenied)"
    return account


def _region(account_id: str, region: str, index: int, copy_to: str | None = None) -> dict[str, Any]:
    copies = [{"destination_vault_arn": copy_to, "delete_after_days": 90}] if copy_to else []
    plan_id = f"{int(account_id) % 10**8:08d}-1111-4222-8333-{index:012d}"
    return copy.deepcopy(
        {
            "region": region,
            "vault": {
                "name": "org-backup",
                "arn": f"arn:aws:backup:{region}:{account_id}:backup-vault:org-backup",
                "kms_key_arn": None,
                "lock": {
                    "min_retention_days": 7,
                    "max_retention_days": 3650,
                    "changeable_for_days": 3,
                    "mode": "compliance",
                },
            },
            "plan": {
                "name": "org-backup",
                "id": plan_id,
                "arn": f"arn:aws:backup:{region}:{account_id}:backup-plan:{plan_id}",
                "version": "ZmFrZS12ZXJzaW9uLWxvbmctb3BhcXVlLXN0cmluZw" + plan_id[:8],
                "rules": [
                    {
                        "name": "daily",
                        "schedule": "cron(0 5 * * ? *)",
                        "schedule_timezone": "Etc/UTC",
                        "start_window_minutes": 120,
                        "completion_window_minutes": 360,
                        "delete_after_days": 90,
                        "cold_storage_after_days": None,
                        "copy_actions": copies,
                    }
                ],
            },
            "selection": {
                "name": "org-backup-efs",
                "id": f"sel-{plan_id}",
                "resources": ["arn:aws:elasticfilesystem:*:*:file-system/*"],
                "tag": {"key": "Name", "value": "AIFilesystem"},
            },
        }
    )
