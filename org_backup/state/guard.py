"""The removal guard: one run of one stack may stop covering at most `max_accounts_removed`
accounts that its previous state covered, whatever the reason.

In Pulumi an account the program stops registering is an account whose plan, selection and role
get deleted, so every way of dropping one counts: a skip of any reason, an account that moved
to another shard, one that left the organization.
"""

from __future__ import annotations

from dataclasses import dataclass

from org_backup.config.settings import ENV_PREFIX
from org_backup.coverage.model import Coverage
from org_backup.errors import InputError, Problem
from org_backup.organization.sharding import shard_of
from org_backup.state.previous import PreviousState

SETTING = "max_accounts_removed"


@dataclass(frozen=True)
class Removal:
    """An account covered before that this run would stop covering, and why."""

    account_id: str
    name: str
    reason: str


def removals(previous: PreviousState, coverage: Coverage) -> list[Removal]:
    """Every account covered in `previous` and not covered by `coverage`, in account-id order."""
    now = {account.account_id: account for account in coverage.accounts}
    found = []
    for account_id, before in sorted(previous.covered.items()):
        current = now.get(account_id)
        if current is not None and current.covered:
            continue
        if current is not None:
            reason = f"skipped: {current.skip_reason}"
        elif shard_of(account_id, coverage.shard_count) != coverage.shard_index:
            reason = (
                f"moved to shard {shard_of(account_id, coverage.shard_count)}"
                f" of {coverage.shard_count}"
            )
        else:
            reason = f"no longer an account of organization {coverage.organization_id}"
        found.append(Removal(account_id, before.name, reason))
    return found


def check_removals(previous: PreviousState, coverage: Coverage, limit: int) -> list[Removal]:
    """The removals, when within `limit`; otherwise InputError (exit 2) listing each of them."""
    found = removals(previous, coverage)
    if len(found) <= limit:
        return found
    env = ENV_PREFIX + SETTING.upper()
    summary = Problem(
        "settings",
        SETTING,
        limit,
        f"this run would stop covering {len(found)} accounts that {previous.source} covers,"
        f" more than {SETTING} allows, so nothing was deployed or written. If the removal is"
        f" deliberate, allow it for one run, e.g. {env}={len(found)} pulumi up, then run"
        f" without it; otherwise fix what dropped them (listed below).",
    )
    listed = [
        Problem(
            previous.source, "account", removal.account_id, f"({removal.name}) {removal.reason}"
        )
        for removal in found
    ]
    raise InputError([summary, *listed])


def describe(removal: Removal, previous: PreviousState) -> str:
    """One line for a removal within the limit: deletes that will happen, said before they do."""
    return (
        f"account {removal.account_id} ({removal.name}), covered in {previous.source}, is no"
        f" longer covered ({removal.reason}): its backup plan, selection and role will be deleted"
        " (its vaults are kept)"
    )


def region_removals(previous: PreviousState, coverage: Coverage) -> list[str]:
    """Account-regions that stop being covered while their account stays covered (a changed
    `regions`, an opt-in region turned off): not counted by the guard, which counts accounts,
    but each is a deletion too, so each is said before it happens."""
    before = previous.covered
    lines = []
    for account in coverage.covered:
        known = before.get(account.account_id)
        if known is None:
            continue
        dropped = sorted({region.region for region in known.regions} - set(account.regions))
        if dropped:
            lines.append(
                f"account {account.account_id} ({account.name}) is no longer covered in"
                f" {', '.join(dropped)} (covered there in {previous.source}): its backup plan and"
                " selection there will be deleted (its vaults are kept)"
            )
    return lines
