"""Pure policy resolution: which account is covered, where, with which policy, or why not.

Two steps around the per-account region lookups: `scope` decides from the organization and the
files alone (so lookups run only for accounts in scope), `plan` adds what the lookups found.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from org_backup.alerting.config import alerts_from, restore_testing_from
from org_backup.config.account_files import LoadedAccount
from org_backup.config.policy import BackupPolicy, build_policy
from org_backup.config.settings import Settings
from org_backup.coverage.central import CentralCoverage
from org_backup.coverage.model import AccountCoverage, Coverage
from org_backup.errors import InputError, Problem
from org_backup.organization.discovery import OrgAccount, OrgInventory
from org_backup.organization.sharding import shard_of

STATE_REASONS = {
    "SUSPENDED": "suspended",
    "PENDING_CLOSURE": "pending closure",
    "CLOSED": "closed",
    "PENDING_ACTIVATION": "pending activation",
}


@dataclass(frozen=True)
class ScopedAccount:
    """An account of this shard with its file (if any) and, when out of scope, the reason."""

    account: OrgAccount
    file: LoadedAccount | None
    skip_reason: str | None
    regions: tuple[str, ...]
    policy: BackupPolicy | None
    deploy_role_arn: str
    external_id: str | None


@dataclass(frozen=True)
class AccountLookup:
    """What the per-account work found: enabled opt-in regions, or why it failed."""

    enabled_opt_in: frozenset[str] = frozenset()
    failure: str | None = None


def check_files_against_org(files: list[LoadedAccount], inventory: OrgInventory) -> None:
    """A file must name an ACTIVE member of this organization, by its real name if it gives one."""
    members = inventory.by_id()
    problems = []
    for loaded in files:
        spec = loaded.spec
        account = members.get(spec.account_id)
        if account is None:
            problems.append(
                Problem(
                    loaded.source,
                    "account_id",
                    spec.account_id,
                    f"is not an account of organization {inventory.organization_id};"
                    " fix the id or delete the file",
                )
            )
        elif account.state != "ACTIVE":
            problems.append(
                Problem(
                    loaded.source,
                    "account_id",
                    spec.account_id,
                    f"is {account.state} in the organization, not ACTIVE; delete the file",
                )
            )
        elif spec.name is not None and spec.name != account.name:
            problems.append(
                Problem(
                    loaded.source,
                    "name",
                    spec.name,
                    f"account {account.id} is named {account.name!r} in the organization;"
                    " fix the account_id or the name",
                )
            )
    if problems:
        raise InputError(problems)


def scope(
    settings: Settings, files: list[LoadedAccount], inventory: OrgInventory
) -> list[ScopedAccount]:
    """Every account of this shard, in account-id order, with a skip reason or none."""
    by_id = {loaded.spec.account_id: loaded for loaded in files}
    default_policy = _default_policy(settings)
    scoped = []
    for account in inventory.accounts:
        if shard_of(account.id, settings.shard_count) != settings.shard_index:
            continue
        loaded = by_id.get(account.id)
        spec = loaded.spec if loaded else None
        role_name = (spec and spec.deploy_role_name) or settings.deploy_role_name
        scoped.append(
            ScopedAccount(
                account=account,
                file=loaded,
                skip_reason=_skip_reason(settings, inventory, account, loaded),
                regions=tuple((spec and spec.regions) or settings.regions),
                policy=(loaded and loaded.policy) or default_policy,
                deploy_role_arn=f"arn:{inventory.partition}:iam::{account.id}:role/{role_name}",
                external_id=(spec and spec.deploy_role_external_id)
                or settings.deploy_role_external_id,
            )
        )
    return scoped


def _skip_reason(
    settings: Settings, inventory: OrgInventory, account: OrgAccount, loaded: LoadedAccount | None
) -> str | None:
    if account.state != "ACTIVE":
        return STATE_REASONS.get(account.state, account.state.lower())
    if account.id == inventory.management_account_id and not settings.include_management_account:
        return "management account"
    if account.id in settings.exclude_accounts:
        return "excluded"
    if loaded is not None and not loaded.spec.enabled:
        return "disabled in its accounts/ file"
    if settings.target_ous and not set(settings.target_ous) & set(account.ancestor_ids):
        return "outside target OUs"
    if settings.account_selection == "listed" and loaded is None:
        return "not listed"
    return None


def needs_lookup(scoped: ScopedAccount, default_regions: frozenset[str], check_roles: bool) -> bool:
    """Per-account calls only for opt-in regions, or when deploy roles are to be checked."""
    if scoped.skip_reason is not None:
        return False
    return check_roles or any(region not in default_regions for region in scoped.regions)


def cover(
    settings: Settings,
    inventory: OrgInventory,
    scoped: list[ScopedAccount],
    default_regions: frozenset[str],
    lookups: Mapping[str, AccountLookup],
    central: CentralCoverage | None = None,
) -> Coverage:
    """The Coverage: covered accounts with their enabled regions, the rest with reasons."""
    accounts = []
    for item in scoped:
        lookup = lookups.get(item.account.id, AccountLookup())
        enabled = tuple(
            region
            for region in item.regions
            if region in default_regions or region in lookup.enabled_opt_in
        )
        reason = item.skip_reason or lookup.failure
        if reason is None and not enabled:
            reason = (
                "no enabled regions: " + ", ".join(item.regions) + " are opt-in regions not enabled"
            )
        spec = item.file.spec if item.file else None
        accounts.append(
            AccountCoverage(
                account_id=item.account.id,
                name=item.account.name,
                ou_path=item.account.ou_path,
                status="skipped" if reason else "covered",
                skip_reason=reason,
                source=item.file.source if item.file else None,
                deploy_role_arn=item.deploy_role_arn,
                deploy_role_external_id=item.external_id,
                regions=() if reason else enabled,
                regions_not_enabled=()
                if reason
                else tuple(region for region in item.regions if region not in enabled),
                policy=item.policy,
                tags={**settings.tags, **(spec.tags if spec else {})},
            )
        )
    return Coverage(
        organization_id=inventory.organization_id,
        management_account_id=inventory.management_account_id,
        partition=inventory.partition,
        shard_index=settings.shard_index,
        shard_count=settings.shard_count,
        tags=settings.tags,
        default_enabled_regions=tuple(sorted(default_regions)),
        accounts=tuple(accounts),
        alerts=alerts_from(settings, inventory.partition),  # issue 10
        restore_testing=restore_testing_from(settings),  # issue 10
        central=central,
    )


def _default_policy(settings: Settings) -> BackupPolicy:
    policy, problems = build_policy(settings.policy_defaults(), None, "settings", "")
    if policy is None:  # load_settings has already rejected these values
        raise InputError(problems)
    return policy
