"""The Pulumi program proper, shared by `pulumi up` (root `__main__.py`) and `synth`."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Mapping
from contextlib import aclosing
from typing import Any

import pulumi

from org_backup.coverage.adoption import Adoption, VaultLookups
from org_backup.coverage.model import AccountCoverage, Coverage
from org_backup.coverage.state.previous import PreviousState
from org_backup.rollout.account import AccountBackup
from org_backup.rollout.central_alerts import register_central_alerts
from org_backup.rollout.export import DeployedAccount, build_manifest
from org_backup.rollout.organization import register_organization
from org_backup.rollout.stack_output import read_own_previous


def defer_full_collections() -> tuple[int, int, int]:
    """Collect once, then keep CPython's young collections but (almost) never run a full one;
    returns the old thresholds.

    Every registered resource keeps thousands of objects alive until the engine is done, and
    each full collection rescans them all: half of a synth's time at 1,000 accounts
    (`make bench`), for no memory saved. Only for registration: what discovery and the
    coverage leave behind (boto3's sessions and clients are cycles) is freed by the one
    collection here, instead of staying until the process ends; the vault lookups beside
    registration run on a session of their own (`sibling_session`), and `make bench` checks
    that a new stack peaks no more than 5% of the floor's above `--previous`.
    """
    saved = gc.get_threshold()
    gc.collect()
    gc.set_threshold(saved[0], saved[1], 1_000_000_000)
    return saved


# Passes of the event loop after each account is built. The SDK registers a resource through a
# chain of awaits (its parent, its inputs, the call to the engine, its outputs); with every
# account built first, every chain waits in memory until the last account is built. A few
# passes let most of an account's chain run before the next is built: `synth --previous` at
# 400 accounts peaks at 250 MB instead of 465 MB, and is no slower (`make bench`; the same
# from 5 to 40 passes, and 1 was slower). A pass waits for nothing: it runs what is ready.
LOOP_PASSES_PER_ACCOUNT = 10


async def let_registrations_run() -> None:
    """Let the registrations under way take their next steps before more are added."""
    for _ in range(LOOP_PASSES_PER_ACCOUNT):
        await asyncio.sleep(0)


async def register_rollout(
    coverage: Coverage, lookups: VaultLookups | None = None
) -> pulumi.Output[dict[str, Any]]:
    """Register every covered account's resources; resolves to the manifest of CONTRACT.md.

    The accounts `lookups` looks vaults up for register as each one's lookups end, while the
    others are still asked; every other account registers at once.
    The manifest comes from `build_manifest` alone, fed with the ids the resources resolved to,
    so the stack output and `synth`'s file can never drift apart.
    """
    organization = register_organization(coverage)
    if organization is not None and coverage.alerts is not None:
        assert organization.central_provider is not None  # alerts need the central account
        register_central_alerts(
            coverage.alerts,
            coverage.organization_id,
            organization,
            organization.central_provider,
        )

    def backup(account: AccountCoverage) -> AccountBackup:
        return AccountBackup(
            account,
            coverage.partition,
            coverage.tags,
            coverage.management_account_id,
            coverage.central,
            alerts=coverage.alerts,
            restore_testing=coverage.restore_testing,
            guardrails=coverage.guardrails,
            audit_frameworks=coverage.audit_frameworks,
        )

    entering = lookups.accounts if lookups is not None else {}
    registered = {}
    for account in coverage.covered:
        if account.account_id not in entering:
            registered[account.account_id] = backup(account)
            await let_registrations_run()
    if lookups is not None:
        async with aclosing(lookups.answers()) as answers:
            async for account in answers:
                registered[account.account_id] = backup(account)
                await let_registrations_run()
    # in the coverage's order, whatever order the lookups answered in
    components = {a.account_id: registered[a.account_id] for a in coverage.covered}
    # One gather for both: `Output.all` over an Output of a dict would lift every nested dict of
    # it into Outputs of its own again once it resolves.
    resolved = resolve_all(
        {
            "accounts": {account_id: c.outputs for account_id, c in components.items()},
            "report_plans": organization.report_plan_arns if organization is not None else {},
        }
    )
    return resolved.apply(
        lambda ids: build_manifest(
            coverage,
            {
                key: DeployedAccount.model_validate(value)
                for key, value in ids.get("accounts", {}).items()
            },
            ids.get("report_plans", {}),  # none on other shards: resolve_all drops empty dicts
        )
    )


def resolve_all(nested: Mapping[str, Any]) -> pulumi.Output[dict[str, Any]]:
    """A nested dict of Outputs (and plain values) as one Output of the plain dict.

    One gather of every leaf: `Output.from_input` would make an Output of its own for every
    dict on the way, each rescanned for unknowns when it resolves (thousands per organization).
    Empty dicts are not kept.
    """
    paths: list[tuple[str, ...]] = []
    leaves: list[Any] = []

    def walk(value: Any, path: tuple[str, ...]) -> None:
        if isinstance(value, Mapping):
            for key, inner in value.items():
                walk(inner, (*path, key))
        else:
            paths.append(path)
            leaves.append(value)

    def rebuild(values: list[Any]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for path, value in zip(paths, values, strict=True):
            node = result
            for key in path[:-1]:
                node = node.setdefault(key, {})
            node[path[-1]] = value
        return result

    walk(nested, ())
    return gather(leaves).apply(rebuild)


# Values per `Output.all` in `gather`: small enough that the resource sets it unions stay short.
GATHER_CHUNK = 256


def gather(values: list[Any]) -> pulumi.Output[list[Any]]:
    """`Output.all(*values)`, in chunks of GATHER_CHUNK, then the chunks together.

    `Output.all` unions its values' resource sets one value at a time into a new set each time
    (`functools.reduce` over `acc | d.resources`, pulumi/output.py), which is quadratic in the
    resources gathered: one `Output.all` of a 1,000-account manifest's 32,700 ids and ARNs took
    2.7 s of the synth's 35 s (py-spy), 0.36 s at 400 accounts.
    """
    if len(values) <= GATHER_CHUNK:
        return pulumi.Output.all(*values)
    chunks = [
        pulumi.Output.all(*values[start : start + GATHER_CHUNK])
        for start in range(0, len(values), GATHER_CHUNK)
    ]
    return gather(chunks).apply(lambda parts: [value for part in parts for value in part])


async def run_program(
    resolve_coverage: Callable[[PreviousState | None], Adoption],
    previous_source: str | None = None,
    exported: PreviousState | None = None,
) -> tuple[Adoption, pulumi.Output[dict[str, Any]]]:
    """The whole program: this stack's previous state first (its last output, and the state of
    `exported`, a `pulumi stack export` taken for this run), then `resolve_coverage` against it
    (which raises before anything is registered when a guard refuses), then registration, with
    the entering accounts' vault lookups under way beside it.

    `pulumi up` and `synth` both run it; under `synth` the mock engine answers the previous
    output from `--previous`, named in messages by `previous_source`, and an export given as
    `--previous` is `exported`.
    """
    adoption = resolve_coverage(read_own_previous(previous_source, exported))
    defer_full_collections()  # the caller restores the thresholds, if it needs them back
    return adoption, await register_rollout(adoption.coverage, adoption.lookups)
