"""`efs_automatic_backups = disable`: the tagged file systems whose EFS automatic backups the
program keeps off, looked up while it runs.

One `tag:GetResources` (EFS file systems carrying the selection tag, per page) per covered
account-region whose policy says `disable`, through the account's read-only role (else its
deploy role). Every tagged file system is listed, not only those with automatic backups on: a
list that followed their state would drop each one once disabled, and every dropped resource is
a deletion. An account whose lookup fails, and every account offline, keeps the previous
run's list (the manifest records it), so nothing is dropped because a call failed.
"""

from __future__ import annotations

from typing import Any

from org_backup.aws.fanout import per_account
from org_backup.aws.progress import Progress
from org_backup.aws.sessions import Session, assume_role, caller_session, client
from org_backup.coverage.model import AccountCoverage, Coverage, reading_role
from org_backup.coverage.state.previous import PreviousState

EFS_FILE_SYSTEM = "elasticfilesystem:file-system"


def tagged_file_systems(
    session: Session, region: str, key: str, value: str
) -> list[tuple[str, list[dict[str, Any]]]]:
    """(ARN, every tag) of the region's EFS file systems tagged key=value, sorted by ARN."""
    tagging = client(session, "resourcegroupstaggingapi", region)
    pages = tagging.get_paginator("get_resources").paginate(
        ResourceTypeFilters=[EFS_FILE_SYSTEM], TagFilters=[{"Key": key, "Values": [value]}]
    )
    return sorted(
        (item["ResourceARN"], list(item.get("Tags") or ()))
        for page in pages
        for item in page["ResourceTagMappingList"]
    )


def disabling(account: AccountCoverage) -> bool:
    return account.policy is not None and account.policy.efs_automatic_backups == "disable"


def previous_lists(previous: PreviousState | None) -> dict[str, dict[str, tuple[str, ...]]]:
    """Account id -> region -> the file systems the previous run kept automatic backups off."""
    if previous is None or previous.manifest is None:
        return {}
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    for account in previous.manifest.accounts:
        for region in account.regions:
            if region.efs_automatic_backups is not None:
                found.setdefault(account.account_id, {})[region.region] = tuple(
                    region.efs_automatic_backups.managed_file_systems
                )
    return found


def with_managed_file_systems(
    coverage: Coverage,
    previous: PreviousState | None,
    session: Session | None,
    max_workers: int,
    readonly_role_name: str | None,
    budget_seconds: float | None,
    *,
    offline: bool = False,
    progress: bool = False,
) -> tuple[Coverage, tuple[str, ...]]:
    """The coverage with `managed_file_systems` set for the accounts that disable automatic
    backups, and a warning per account kept at its previous list."""
    todo = [account for account in coverage.covered if disabling(account)]
    if not todo:
        return coverage, ()
    before = previous_lists(previous)
    if offline:
        found: dict[str, dict[str, tuple[str, ...]]] = {}
        failures = {account.account_id: "offline" for account in todo}
    else:

        def look_up(account: AccountCoverage, calls: Session) -> dict[str, tuple[str, ...]]:
            assert account.policy is not None and account.deploy_role_arn is not None
            role_arn, external_id = reading_role(
                account.deploy_role_arn, account.deploy_role_external_id, readonly_role_name
            )
            reading = assume_role(calls, role_arn, external_id)
            policy = account.policy
            return {
                region: tuple(
                    arn.rsplit("/", 1)[-1]
                    for arn, _ in tagged_file_systems(
                        reading, region, policy.selection_tag_key, policy.selection_tag_value
                    )
                )
                for region in account.regions
            }

        found, failures = per_account(
            todo,
            key=lambda account: account.account_id,
            task=look_up,
            max_workers=max_workers,
            session=caller_session(session),
            budget_seconds=budget_seconds,
            progress=Progress("efs", len(todo)) if progress else None,
        )
    lists = {
        account.account_id: found.get(account.account_id)
        or {
            region: files
            for region, files in before.get(account.account_id, {}).items()
            if region in account.regions
        }
        for account in todo
    }
    accounts = tuple(
        account.model_copy(update={"managed_file_systems": lists[account.account_id]})
        if account.account_id in lists
        else account
        for account in coverage.accounts
    )
    warnings = tuple(
        f"{'NOTE' if reason == 'offline' else 'WARNING'}: account {account_id}: tagged EFS file"
        f" systems not looked up ({reason}); their automatic backups stay as the previous run"
        " left them, and new ones are disabled by the next run that can look"
        for account_id, reason in sorted(failures.items())
    )
    return coverage.model_copy(update={"accounts": accounts}), warnings
