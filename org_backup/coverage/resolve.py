"""Pure policy resolution: which account is covered, where, with which policy, or why not.

Two steps around the per-account region lookups: `scope` decides from the organization and the
files alone (so lookups run only for accounts in scope), `plan` adds what the lookups found.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from org_backup.aws_rules.arns import role_arn
from org_backup.config.account_files import LoadedAccount
from org_backup.config.policy import BackupPolicy, build_policy
from org_backup.config.settings import Settings
from org_backup.coverage.alerting import alerts_from, restore_testing_from
from org_backup.coverage.central import CentralCoverage
from org_backup.coverage.model import AccountCoverage, Coverage
from org_backup.errors import InputError, Problem
from org_backup.manifest import skip_reasons
from org_backup.organization.discovery import OrgAccount, OrgInventory
from org_backup.organization.sharding import shard_of


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
    failure: str | None = None  # a file that is not applied: like a failed lookup


@dataclass(frozen=True)
class AccountLookup:
    """What the per-account work found: enabled opt-in regions, or why it failed."""

    enabled_opt_in: frozenset[str] = frozenset()
    failure: str | None = None


@dataclass(frozen=True)
class FileDrift:
    """Where the organization has moved away from the `accounts/` files.

    `warnings` name each file (exit 2 only under `discover --strict`); `failures` are the
    accounts whose file is not applied because it names them wrongly, with the reason: they are
    treated like a failed lookup.
    """

    warnings: tuple[Problem, ...] = ()
    failures: Mapping[str, str] = field(default_factory=dict)


def file_drift(files: list[LoadedAccount], inventory: OrgInventory) -> FileDrift:
    """Check each file against the organization; drift stays in its own account."""
    members = inventory.by_id()
    warnings = []
    failures = {}
    for loaded in files:
        spec = loaded.spec
        account = members.get(spec.account_id)
        if account is None:
            warnings.append(
                Problem(
                    loaded.source,
                    "account_id",
                    spec.account_id,
                    f"is not an account of organization {inventory.organization_id}, so this"
                    " file is ignored; fix the id or delete the file",
                )
            )
        elif account.state != "ACTIVE":
            warnings.append(
                Problem(
                    loaded.source,
                    "account_id",
                    spec.account_id,
                    f"is {account.state} in the organization, so it is skipped as"
                    f" {skip_reasons.state_reason(account.state)}; delete the file",
                )
            )
        elif spec.name is None or spec.name == account.name:
            continue
        elif spec.name.casefold() == account.name.casefold():
            # The same name in other letter case names the same account: applied, and said.
            warnings.append(
                Problem(
                    loaded.source,
                    "name",
                    spec.name,
                    f"differs from the organization's {account.name!r} only in case; the file"
                    f" is applied; write name: {account.name}",
                )
            )
        else:
            warnings.append(
                Problem(
                    loaded.source,
                    "name",
                    spec.name,
                    f"account {account.id} is named {account.name!r} in the organization, so"
                    " this file is not applied; fix the account_id or the name",
                )
            )
            failures[account.id] = (
                f"its accounts/ file {loaded.source} is not applied: it names the account"
                f" {spec.name!r}, the organization {account.name!r}"
            )
    return FileDrift(tuple(warnings), failures)


def scope(
    settings: Settings,
    files: list[LoadedAccount],
    inventory: OrgInventory,
    drift: FileDrift | None = None,
) -> list[ScopedAccount]:
    """Every account of this shard, in account-id order, with a skip reason or none.

    The file of an account in `drift.failures` is not applied; the account keeps the policy
    skips (suspended, excluded, outside target OUs, ...) and otherwise carries the failure.
    """
    failures = drift.failures if drift else {}
    by_id = {
        loaded.spec.account_id: loaded for loaded in files if loaded.spec.account_id not in failures
    }
    default_policy = _default_policy(settings)
    scoped = []
    for account in inventory.accounts:
        if shard_of(account.id, settings.shard_count) != settings.shard_index:
            continue
        loaded = by_id.get(account.id)
        spec = loaded.spec if loaded else None
        role_name = (spec and spec.deploy_role_name) or settings.deploy_role_name
        skip_reason = _skip_reason(settings, inventory, account, loaded)
        failure = failures.get(account.id)
        if failure is not None and skip_reason == skip_reasons.NOT_LISTED:
            skip_reason = None  # it is listed; its file is wrong, which the failure says
        if failure is None and skip_reason is None and not _placed(settings, account):
            failure = f"its OU is unknown, which target_ous needs: {account.placement}"
        scoped.append(
            ScopedAccount(
                account=account,
                file=loaded,
                skip_reason=skip_reason,
                failure=failure,
                regions=tuple((spec and spec.regions) or settings.regions),
                policy=(loaded and loaded.policy) or default_policy,
                deploy_role_arn=role_arn(inventory.partition, account.id, role_name),
                external_id=(spec and spec.deploy_role_external_id)
                or settings.deploy_role_external_id,
            )
        )
    return scoped


def _skip_reason(
    settings: Settings, inventory: OrgInventory, account: OrgAccount, loaded: LoadedAccount | None
) -> str | None:
    if account.state != "ACTIVE":
        return skip_reasons.state_reason(account.state)
    if account.id == inventory.management_account_id and not settings.include_management_account:
        return skip_reasons.MANAGEMENT_ACCOUNT
    if account.id in settings.exclude_accounts:
        return skip_reasons.EXCLUDED
    if loaded is not None and not loaded.spec.enabled:
        return skip_reasons.DISABLED_BY_FILE
    if _placed(settings, account) and not _in_target_ous(settings, account):
        return skip_reasons.OUTSIDE_TARGET_OUS
    if settings.account_selection == "listed" and loaded is None:
        return skip_reasons.NOT_LISTED
    return None


def _placed(settings: Settings, account: OrgAccount) -> bool:
    """Whether scope can tell where the account is: its OU matters only under target_ous."""
    return account.ou_known or not settings.target_ous


def _in_target_ous(settings: Settings, account: OrgAccount) -> bool:
    return not settings.target_ous or bool(set(settings.target_ous) & set(account.ancestor_ids))


def needs_lookup(scoped: ScopedAccount, default_regions: frozenset[str], check_roles: bool) -> bool:
    """Per-account calls only for opt-in regions, or when deploy roles are to be checked."""
    if scoped.skip_reason is not None or scoped.failure is not None:
        return False
    return check_roles or any(region not in default_regions for region in scoped.regions)


def cover(
    settings: Settings,
    inventory: OrgInventory,
    scoped: list[ScopedAccount],
    default_regions: frozenset[str],
    lookups: Mapping[str, AccountLookup],
    previous_regions: Mapping[str, tuple[str, ...]] | None = None,
    drift: FileDrift | None = None,
    central: CentralCoverage | None = None,
) -> Coverage:
    """The Coverage: covered accounts with their enabled regions, the rest with reasons.

    An account whose lookup failed (or whose file is not applied) stays covered when
    `previous_regions` lists it: in those regions, with the current policy, and `degraded`
    saying why. A transient failure must not delete what it had.
    """
    previous_regions = previous_regions or {}
    accounts = []
    for item in scoped:
        lookup = lookups.get(item.account.id, AccountLookup())
        enabled = tuple(
            region
            for region in item.regions
            if region in default_regions or region in lookup.enabled_opt_in
        )
        failure = item.failure or lookup.failure
        degraded = None
        if item.skip_reason is None and failure and previous_regions.get(item.account.id):
            degraded, failure, enabled = failure, None, previous_regions[item.account.id]
        reason = item.skip_reason or failure
        if reason is None and not enabled:
            reason = (
                f"{skip_reasons.NO_ENABLED_REGIONS}: {', '.join(item.regions)} are opt-in regions"
                " not enabled"
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
                if reason or degraded
                else tuple(region for region in item.regions if region not in enabled),
                policy=item.policy,
                tags={**settings.tags, **(spec.tags if spec else {})},
                degraded=degraded,
                placement=item.account.placement,
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
        file_drift=drift.warnings if drift else (),
        alerts=alerts_from(settings, inventory.partition),
        restore_testing=restore_testing_from(settings),
        central=central,
    )


def _default_policy(settings: Settings) -> BackupPolicy:
    policy, problems = build_policy(settings.policy_defaults(), None, "settings", "")
    if policy is None:  # load_settings has already rejected these values
        raise InputError(problems)
    return policy
