"""Settings + `accounts/` files + Organizations discovery -> the validated Coverage.

The one sequence shared by `discover`, `synth`, `audit` and the Pulumi program. Input is
validated completely before the first AWS call, so bad input costs nothing and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from org_backup.aws.fanout import per_account
from org_backup.aws.progress import Progress
from org_backup.aws.sessions import Session, assume_role, caller_session, describe_error
from org_backup.config.account_files import LoadedAccount, load_account_files
from org_backup.config.settings import Settings, load_settings
from org_backup.coverage import resolve
from org_backup.coverage.adoption import Adoption, VaultLookups, entering_regions
from org_backup.coverage.audit_evidence import frameworks_from, reports_from
from org_backup.coverage.central import resolve_central, share_removals
from org_backup.coverage.config_lookup import with_config_recording
from org_backup.coverage.efs_automatic import with_managed_file_systems
from org_backup.coverage.guardrails import guardrail_problems, resolve_guardrails
from org_backup.coverage.model import Coverage
from org_backup.coverage.resolve import AccountLookup, ScopedAccount
from org_backup.coverage.state.degraded_limit import check_degraded
from org_backup.coverage.state.guard import check_removals, describe, region_removals
from org_backup.coverage.state.previous import PreviousState
from org_backup.coverage.state.replacements import check_replacements
from org_backup.errors import AccountFailure, AwsCallError, InputError
from org_backup.manifest import skip_reasons
from org_backup.organization.discovery import discover_organization
from org_backup.organization.regions import OptInLookup, default_enabled_regions
from org_backup.organization.sharding import stack_shard_problems


def load_coverage(
    accounts_dir: Path,
    stack_config: Mapping[str, Any] | None = None,
    session: boto3.Session | None = None,
    *,
    stack_source: str = "Pulumi stack config",
    stack_name: str | None = None,
    progress: bool = False,
    previous: PreviousState | None = None,
) -> Coverage:
    """Validate every input, discover the organization, and plan every account of this shard.

    Raises InputError (exit 2) before any AWS call when settings or account files are invalid,
    and after discovery when `previous` is another organization's or shard's, when this run
    would stop covering more of its accounts than `max_accounts_removed`, or would replace a
    retained vault or lock (`allow_replacements`, state/replacements.py); AwsCallError (exit 3)
    when an organization-wide call fails. A failure in one account becomes that account's skip
    reason, or, when `previous` covered it, keeps it covered and degraded; more degraded
    accounts than `max_accounts_degraded` raise DegradedRunError (exit 3).
    """
    settings, files = load_inputs(accounts_dir, stack_config, stack_source, stack_name)
    coverage = discover_and_cover(settings, files, session, progress=progress, previous=previous)
    return _with_config(coverage, settings, session, progress)


def load_rollout_coverage(
    accounts_dir: Path,
    stack_config: Mapping[str, Any] | None,
    session: boto3.Session | None,
    previous: PreviousState | None,
    *,
    stack_source: str = "Pulumi stack config",
    stack_name: str | None = None,
    progress: bool = False,
    offline: bool = False,
) -> Adoption:
    """What `pulumi up` and `synth` register: the coverage against the previous state, and the
    lookups of the entering account-regions' vaults for import, which the program runs while it
    registers (as many accounts at once as `max_workers`).
    One sequence for both, so `synth` shows what the real update would do.

    `offline` (a pull request's preview, with no credentials for member accounts): no deploy
    role is assumed, so `check_deploy_roles` is not applied and no vault is looked up."""
    settings, files = load_inputs(accounts_dir, stack_config, stack_source, stack_name)
    if offline:
        settings = settings.model_copy(update={"check_deploy_roles": False})
    coverage = discover_and_cover(
        settings, files, session, progress=progress, previous=previous, offline=offline
    )
    coverage, efs_notes = with_managed_file_systems(
        coverage,
        previous,
        session,
        settings.max_workers,
        settings.readonly_role_name,
        settings.account_timeout_seconds,
        offline=offline,
        progress=progress,
    )
    if offline:
        entering = sum(len(regions) for regions in entering_regions(coverage, previous).values())
        note = (
            f"NOTE: offline: {entering} entering account-region(s) not looked up for a vault to"
            " adopt (no member-account credentials); the approved deployment looks them up"
        )
        return Adoption(coverage, ((note,) if entering else ()) + efs_notes)
    coverage = _with_config(coverage, settings, session, progress)
    lookups = VaultLookups(
        coverage,
        previous,
        session,
        settings.max_workers,
        progress,
        settings.readonly_role_name,
        budget_seconds=settings.account_timeout_seconds,
    )
    return Adoption(coverage, efs_notes, lookups if lookups.accounts else None)


def discover_and_cover(
    settings: Settings,
    files: list[LoadedAccount],
    session: boto3.Session | None = None,
    *,
    progress: bool = False,
    previous: PreviousState | None = None,
    offline: bool = False,
) -> Coverage:
    """Discovery and the per-account lookups for already validated inputs; `offline`: opt-in
    regions from `account:ListRegions` only, never through a member account's role."""
    session = caller_session(session)
    if settings.discovery_role_arn:
        session = _discovery_session(session, settings.discovery_role_arn)
    inventory = discover_organization(
        session,
        {account.account_id: account.ou_path for account in previous.manifest.accounts}
        if previous is not None and previous.manifest is not None
        else None,
    )
    if previous is not None:
        previous.check_matches(inventory.organization_id, settings.shard_index)
    drift = resolve.file_drift(files, inventory)
    central = resolve_central(settings, files, inventory)
    scoped = resolve.scope(settings, files, inventory, drift)
    default_regions = default_enabled_regions(session)
    todo = [
        item
        for item in scoped
        if resolve.needs_lookup(item, default_regions, settings.check_deploy_roles)
    ]
    lookups = _lookup_accounts(
        session, settings, inventory.management_account_id, todo, default_regions, progress, offline
    )
    previous_regions = (
        {account_id: before.regions for account_id, before in previous.baseline.items()}
        if previous is not None
        else None
    )
    coverage = resolve.cover(
        settings, inventory, scoped, default_regions, lookups, previous_regions, drift, central
    ).model_copy(
        update={
            "guardrails": resolve_guardrails(settings, files, inventory),
            "audit_frameworks": frameworks_from(settings),
            "audit_reports": reports_from(settings),
        }
    )
    if previous is not None:
        found = check_removals(previous, coverage, settings.max_accounts_removed)
        check_degraded(coverage, settings.max_accounts_degraded)
        deletions = [describe(removal, previous) for removal in found]
        deletions += region_removals(previous, coverage)
        deletions += share_removals(
            previous.manifest.central if previous.manifest is not None else None, central
        )
        replaced = check_replacements(previous, coverage, settings.allow_replacements)
        coverage = coverage.model_copy(
            update={"removed": tuple(deletions), "replacements": tuple(replaced)}
        )
    return coverage


def _with_config(
    coverage: Coverage, settings: Settings, session: Session | None, progress: bool
) -> Coverage:
    """With `check_config_recording`, what AWS Config records where the frameworks evaluate."""
    if not settings.check_config_recording or coverage.audit_frameworks is None:
        return coverage
    return with_config_recording(
        coverage,
        session,
        settings.max_workers,
        settings.readonly_role_name,
        settings.account_timeout_seconds,
        progress,
    )


def load_inputs(
    accounts_dir: Path,
    stack_config: Mapping[str, Any] | None,
    stack_source: str,
    stack_name: str | None = None,
) -> tuple[Settings, list[LoadedAccount]]:
    """Settings and account files, with the problems of both reported together."""
    problems = []
    settings = None
    try:
        settings = load_settings(stack_config, stack_source)
        problems += stack_shard_problems(stack_name, settings.shard_index, stack_source)
    except InputError as error:
        problems += error.problems
    try:
        files = load_account_files(accounts_dir, settings.policy_defaults() if settings else None)
    except InputError as error:
        problems += error.problems
    else:
        problems += guardrail_problems(settings, files) if settings else []
    if problems:
        raise InputError(problems)
    assert settings is not None
    return settings, files


def _discovery_session(session: Session, role_arn: str) -> Session:
    try:
        return assume_role(session, role_arn)
    except (ClientError, BotoCoreError) as error:
        raise AwsCallError(
            "sts:AssumeRole " + role_arn, "discovery (caller)", describe_error(error)
        ) from error


def _lookup_accounts(
    session: Session,
    settings: Settings,
    management_id: str,
    todo: list[ScopedAccount],
    default_regions: frozenset[str],
    progress: bool,
    offline: bool = False,
) -> dict[str, AccountLookup]:
    """The per-account calls, concurrently, each account within `account_timeout_seconds`; a
    failure becomes that account's skip reason."""
    opt_in = OptInLookup(management_id)

    def look_up(item: ScopedAccount, calls: Session) -> AccountLookup:
        deployed: list[Session] = []

        def deploy_session() -> Session:
            if offline:
                raise AccountFailure("offline: no member-account role is assumed")
            if not deployed:
                try:
                    deployed.append(assume_role(calls, item.deploy_role_arn, item.external_id))
                except (ClientError, BotoCoreError) as error:
                    raise DeployRoleError(item.deploy_role_arn, error) from error
            return deployed[0]

        if settings.check_deploy_roles:
            deploy_session()
        candidates = [region for region in item.regions if region not in default_regions]
        if not candidates:
            return AccountLookup()
        return AccountLookup(
            enabled_opt_in=opt_in.enabled(item.account.id, candidates, calls, deploy_session)
        )

    results, failures = per_account(
        todo,
        key=lambda item: item.account.id,
        task=look_up,
        max_workers=settings.max_workers,
        session=session,
        budget_seconds=settings.account_timeout_seconds,
        progress=Progress("discover", len(todo)) if progress else None,
    )
    lookups = dict(results)
    for account_id, reason in failures.items():
        lookups[account_id] = AccountLookup(failure=reason)
    return lookups


class DeployRoleError(AccountFailure):
    """Raised inside a lookup so that the skip reason reads `deploy role cannot be assumed`."""

    def __init__(self, role_arn: str, error: Exception):
        super().__init__(
            f"{skip_reasons.DEPLOY_ROLE_CANNOT_BE_ASSUMED} ({role_arn}): {describe_error(error)}"
        )
