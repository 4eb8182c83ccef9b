"""Adopt, don't collide: an account-region that enters coverage and already holds a vault of our
name gets that vault imported instead of created.

Vaults are retained when an account leaves coverage (or a stack is destroyed), so an account that
comes back, or moves to another stack, finds its vault's name taken; creating it again fails.
Only what enters coverage is looked up (covered now, not in the previous state): one
`backup:DescribeBackupVault` per entering region, through the account's deploy role, never one
per account of the organization.
"""

from __future__ import annotations

from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError

from org_backup.aws.fanout import per_account
from org_backup.aws.progress import Progress
from org_backup.aws.sessions import Session, assume_role, caller_session, client, describe_error
from org_backup.config.settings import Settings
from org_backup.coverage.model import AccountCoverage, Coverage, reading_role
from org_backup.coverage.state.previous import PreviousState
from org_backup.errors import AccountFailure
from org_backup.provider_rules.backup import VAULT
from org_backup.provider_rules.import_ids import import_id


@dataclass(frozen=True)
class Adoption:
    """The coverage with `import_vaults` set, and the entering accounts whose lookup failed."""

    coverage: Coverage
    warnings: tuple[str, ...]


def entering_regions(
    coverage: Coverage, previous: PreviousState | None
) -> dict[str, tuple[str, ...]]:
    """Per covered account, its regions that the previous state did not cover (no previous
    state: a new stack, where everything enters)."""
    before = previous.covered if previous is not None else {}
    entering = {}
    for account in coverage.covered:
        known = before.get(account.account_id)
        covered_before = {region.region for region in known.regions} if known else set()
        regions = tuple(region for region in account.regions if region not in covered_before)
        if regions:
            entering[account.account_id] = regions
    return entering


def adopt_existing_vaults(
    coverage: Coverage,
    previous: PreviousState | None,
    session: Session | None = None,
    max_workers: int = Settings.model_fields["max_workers"].default,
    progress: bool = False,
    readonly_role_name: str | None = None,
    budget_seconds: float | None = Settings.model_fields["account_timeout_seconds"].default,
) -> Adoption:
    """Look up our vault in every entering region; a found one is recorded for import, through
    the read-only role when `readonly_role_name` is set (else the deploy role). An account
    whose lookups fail, answer malformed or outlast `budget_seconds` is not imported."""
    session = caller_session(session)
    entering = entering_regions(coverage, previous)
    accounts = [account for account in coverage.covered if account.account_id in entering]

    def look_up(account: AccountCoverage, calls: Session) -> dict[str, str]:
        return existing_vaults(calls, account, entering[account.account_id], readonly_role_name)

    found, failures = per_account(
        accounts,
        key=lambda account: account.account_id,
        task=look_up,
        max_workers=max_workers,
        session=session,
        budget_seconds=budget_seconds,
        progress=Progress("adopt", len(accounts)) if progress and accounts else None,
    )
    updated = tuple(
        account.model_copy(update={"import_vaults": found[account.account_id]})
        if found.get(account.account_id)
        else account
        for account in coverage.accounts
    )
    warnings = tuple(
        f"WARNING: account {account_id}: could not check for an existing vault to adopt"
        f" ({reason}); if one exists, creating it will fail for this account only"
        for account_id, reason in sorted(failures.items())
    )
    return Adoption(coverage.model_copy(update={"accounts": updated}), warnings)


def existing_vaults(
    session: Session,
    account: AccountCoverage,
    regions: tuple[str, ...],
    readonly_role_name: str | None = None,
) -> dict[str, str]:
    """Region -> import id (`<vault name>@<region>`), for the regions where the account
    already has our vault."""
    assert account.policy is not None and account.deploy_role_arn is not None
    role_arn, external_id = reading_role(
        account.deploy_role_arn, account.deploy_role_external_id, readonly_role_name
    )
    deployed = assume_role(session, role_arn, external_id)
    found = {}
    for region in regions:
        backup = client(deployed, "backup", region)
        try:
            backup.describe_backup_vault(BackupVaultName=account.policy.vault_name)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                continue
            raise VaultLookupError(region, error) from error
        except BotoCoreError as error:  # a malformed answer is no vault either way
            raise VaultLookupError(region, error) from error
        found[region] = import_id(VAULT, account.policy.vault_name, region)
    return found


class VaultLookupError(AccountFailure):
    """Whether the vault exists is unknown: the account is not imported, and says why."""

    def __init__(self, region: str, error: Exception):
        super().__init__(f"backup:DescribeBackupVault in {region}: {describe_error(error)}")
