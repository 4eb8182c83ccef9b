"""Adopt, don't collide: an account-region that enters coverage and already holds a vault of our
name gets that vault imported instead of created.

Vaults are retained when an account leaves coverage (or a stack is destroyed), so an account that
comes back, or moves to another stack, finds its vault's name taken; creating it again fails.
Only what enters coverage is looked up (covered now, not in the previous state): one
`backup:DescribeBackupVault` per entering region, through the account's deploy role, never one
per account of the organization.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from org_backup.aws.fanout import per_account
from org_backup.aws.progress import Progress
from org_backup.aws.sessions import (
    Session,
    assume_role,
    caller_session,
    client,
    describe_error,
    sibling_session,
)
from org_backup.config.settings import Settings
from org_backup.coverage.model import AccountCoverage, Coverage, reading_role
from org_backup.coverage.state.previous import PreviousState
from org_backup.errors import AccountFailure
from org_backup.provider_rules.backup import VAULT
from org_backup.provider_rules.import_ids import import_id


@dataclass(frozen=True)
class Adoption:
    """What the program registers: the coverage, the warnings so far, and the vault lookups of
    the entering accounts, to run while it registers (None: nothing enters, or offline)."""

    coverage: Coverage
    warnings: tuple[str, ...]
    lookups: VaultLookups | None = None


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


# An account settled: its id, the vaults found (None when it failed) and why it failed.
_Answer = tuple[str, dict[str, str] | None, str | None]


class VaultLookups:
    """Our vault looked up in every entering region, through the read-only role when
    `readonly_role_name` is set (else the deploy role), on threads of their own: each account
    is handed over when its lookups end, with `import_vaults` set where a vault was found.

    The lookups are blocking boto3 calls, a few round trips per account to STS and AWS Backup.
    Made before registration, they held it up for as long as they took; made on the program's
    event loop, they would stop it (Pulumi, "Blocking and Async Python"). On threads, the
    accounts that have answered register while the others are still being asked. An account
    whose lookups fail, answer malformed or outlast `budget_seconds` is handed over without
    imports, and `warnings` says why. They sign with a sibling of the caller's session
    (`sibling_session`), so that discovery's loaded models do not live as long as they do.
    """

    def __init__(
        self,
        coverage: Coverage,
        previous: PreviousState | None,
        session: boto3.Session | None = None,
        max_workers: int = Settings.model_fields["max_workers"].default,
        progress: bool = False,
        readonly_role_name: str | None = None,
        budget_seconds: float | None = Settings.model_fields["account_timeout_seconds"].default,
    ):
        self._regions = entering_regions(coverage, previous)
        self.accounts = {
            account.account_id: account
            for account in coverage.covered
            if account.account_id in self._regions
        }
        # Only made when something enters: a session costs its own loader and config.
        self._session = sibling_session(caller_session(session)) if self.accounts else None
        self._max_workers, self._progress = max_workers, progress
        self._readonly_role_name, self._budget = readonly_role_name, budget_seconds
        self._warnings: list[str] = []

    @property
    def warnings(self) -> tuple[str, ...]:
        """The accounts whose lookups failed so far, in account order."""
        return tuple(sorted(self._warnings))

    async def answers(self) -> AsyncIterator[AccountCoverage]:
        """Each entering account as soon as its lookups end; closing this early (an
        interrupt, a failure) starts no further account."""
        loop = asyncio.get_running_loop()
        arrived: asyncio.Queue[_Answer | BaseException] = asyncio.Queue()
        stop = threading.Event()
        accounts = list(self.accounts.values())
        if not accounts:
            return
        assert self._session is not None
        session = self._session

        def settled(account_id: str, found: dict[str, str] | None, failure: str | None) -> None:
            loop.call_soon_threadsafe(arrived.put_nowait, (account_id, found, failure))

        def look_up(account: AccountCoverage, calls: Session) -> dict[str, str]:
            regions = self._regions[account.account_id]
            return existing_vaults(calls, account, regions, self._readonly_role_name)

        def run() -> None:
            try:
                per_account(
                    accounts,
                    key=_account_id,
                    task=look_up,
                    max_workers=self._max_workers,
                    session=session,
                    budget_seconds=self._budget,
                    progress=Progress("adopt", len(accounts)) if self._progress else None,
                    on_done=settled,
                    stop=stop,
                )
            except BaseException as error:  # not one account's failure: the program's own
                loop.call_soon_threadsafe(arrived.put_nowait, error)

        threading.Thread(target=run, name="org-backup-adoption", daemon=True).start()
        try:
            for _ in accounts:
                answer = await arrived.get()
                if isinstance(answer, BaseException):
                    raise answer
                account_id, found, failure = answer
                if failure is not None:
                    self._warnings.append(
                        f"WARNING: account {account_id}: could not check for an existing vault"
                        f" to adopt ({failure}); if one exists, creating it will fail for this"
                        " account only"
                    )
                account = self.accounts[account_id]
                yield account.model_copy(update={"import_vaults": found}) if found else account
        finally:
            stop.set()


def _account_id(account: AccountCoverage) -> str:
    return account.account_id


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
