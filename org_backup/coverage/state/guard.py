"""The removal guard: one run of one stack may stop covering at most `max_accounts_removed`
accounts that its previous state covered, whatever the reason.

In Pulumi an account the program stops registering is an account whose plan, selection and role
get deleted, so every way of dropping one counts: a skip of any reason, an account that moved
to another shard, one that left the organization. What counts as covered before is the previous
state's baseline: with a `pulumi stack export`, every account whose resources the state holds,
including those that no output lists (said so in the messages).
"""

from __future__ import annotations

from dataclasses import dataclass

from org_backup.config.settings import ENV_PREFIX
from org_backup.coverage.model import Coverage
from org_backup.coverage.state.previous import PreviousState
from org_backup.errors import InputError, Problem
from org_backup.organization.sharding import shard_of

SETTING = "max_accounts_removed"


UNKNOWN_NAME = "name unknown"
ONLY_IN_STATE = "found only in the state"
WHY_ONLY_IN_STATE = (
    "no output lists it: an update that failed or was interrupted created it, or"
    " `pulumi state move` brought it"
)


@dataclass(frozen=True)
class Removal:
    """An account covered before that this run would stop covering, and why; `only_in_state`
    when the previous output does not list it (its resources are in the state only)."""

    account_id: str
    name: str
    reason: str
    only_in_state: bool = False


def removals(previous: PreviousState, coverage: Coverage) -> list[Removal]:
    """Every account covered in `previous` and not covered by `coverage`, in account-id order."""
    now = {account.account_id: account for account in coverage.accounts}
    found = []
    for account_id, before in sorted(previous.baseline.items()):
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
        name = before.name or (current.name if current is not None else UNKNOWN_NAME)
        found.append(Removal(account_id, name, reason, before.only_in_state))
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
            previous.source,
            "account",
            removal.account_id,
            f"({removal.name}) {removal.reason}"
            + (f"; {ONLY_IN_STATE} ({WHY_ONLY_IN_STATE})" if removal.only_in_state else ""),
        )
        for removal in found
    ]
    raise InputError([summary, *listed])


def describe(removal: Removal, previous: PreviousState) -> str:
    """One line for a removal within the limit: deletes that will happen, said before they do."""
    where = (
        f"{ONLY_IN_STATE} of {previous.source} ({WHY_ONLY_IN_STATE})"
        if removal.only_in_state
        else f"covered in {previous.source}"
    )
    return (
        f"account {removal.account_id} ({removal.name}), {where}, is no longer covered"
        f" ({removal.reason}): its backup plan, selection and role will be deleted (its vaults"
        " are kept)"
    )


def region_removals(previous: PreviousState, coverage: Coverage) -> list[str]:
    """Account-regions that stop being covered while their account stays covered (a changed
    `regions`, an opt-in region turned off): not counted by the guard, which counts accounts,
    but each is a deletion too, so each is said before it happens."""
    before = previous.baseline
    lines = []
    for account in coverage.covered:
        known = before.get(account.account_id)
        if known is None:
            continue
        dropped = sorted(set(known.regions) - set(account.regions))
        if not dropped:
            continue
        in_state_only = [
            region
            for region in dropped
            if known.only_in_state or region in known.state_only_regions
        ]
        where = f"covered there in {previous.source}"
        if in_state_only:
            where += (
                f"; {', '.join(in_state_only)} {ONLY_IN_STATE}, not in its output"
                if len(in_state_only) < len(dropped)
                else f", {ONLY_IN_STATE}, not in its output"
            )
        lines.append(
            f"account {account.account_id} ({account.name}) is no longer covered in"
            f" {', '.join(dropped)} ({where}): its backup plan and selection there will be"
            " deleted (its vaults are kept)"
        )
    return lines
