"""The Pulumi program proper, shared by `pulumi up` (root `__main__.py`) and `synth`."""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

import pulumi

from org_backup.coverage.model import Coverage
from org_backup.coverage.state.previous import PreviousState
from org_backup.rollout.account import AccountBackup
from org_backup.rollout.central_alerts import register_central_alerts
from org_backup.rollout.export import build_manifest
from org_backup.rollout.organization import register_organization
from org_backup.rollout.stack_output import read_own_previous


def defer_full_collections() -> tuple[int, int, int]:
    """Collect once, then keep CPython's young collections but (almost) never run a full one;
    returns the old thresholds.

    Every registered resource keeps thousands of objects alive until the engine is done, and
    each full collection rescans them all: half of a synth's time at 1,000 accounts
    (`make bench`), for no memory saved. Only for registration: what the lookups before it
    leave behind (each account's boto3 clients are cycles, about 0.2 MB each) is freed by the
    one collection here, instead of staying until the process ends.
    """
    saved = gc.get_threshold()
    gc.collect()
    gc.set_threshold(saved[0], saved[1], 1_000_000_000)
    return saved


def register_rollout(coverage: Coverage) -> pulumi.Output[dict[str, Any]]:
    """Register every covered account's resources; resolves to the manifest of CONTRACT.md.

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
    components = {
        account.account_id: AccountBackup(
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
        for account in coverage.covered
    }
    deployed = pulumi.Output.from_input(
        {account_id: component.deployed for account_id, component in components.items()}
    )
    report_plans = pulumi.Output.from_input(
        organization.report_plan_arns if organization is not None else {}
    )
    return pulumi.Output.all(deployed, report_plans).apply(
        lambda both: build_manifest(coverage, both[0], both[1])
    )


def run_program(
    resolve_coverage: Callable[[PreviousState | None], Coverage],
    previous_source: str | None = None,
    exported: PreviousState | None = None,
) -> tuple[Coverage, pulumi.Output[dict[str, Any]]]:
    """The whole program: this stack's previous state first (its last output, and the state of
    `exported`, a `pulumi stack export` taken for this run), then `resolve_coverage` against it
    (which raises before anything is registered when a guard refuses), then registration.

    `pulumi up` and `synth` both run it; under `synth` the mock engine answers the previous
    output from `--previous`, named in messages by `previous_source`, and an export given as
    `--previous` is `exported`.
    """
    coverage = resolve_coverage(read_own_previous(previous_source, exported))
    defer_full_collections()  # the caller restores the thresholds, if it needs them back
    return coverage, register_rollout(coverage)
