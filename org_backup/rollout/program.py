"""The Pulumi program proper, shared by `pulumi up` (root `__main__.py`) and `synth`."""

from __future__ import annotations

from typing import Any

import pulumi

from org_backup.manifest import build_manifest
from org_backup.plan import OrgPlan
from org_backup.rollout.account import AccountBackup


def register_rollout(plan: OrgPlan) -> pulumi.Output[dict[str, Any]]:
    """Register every covered account's resources; resolves to the manifest of CONTRACT.md.

    The manifest comes from `build_manifest` alone, fed with the ids the resources resolved to,
    so the stack output and `synth`'s file can never drift apart.
    """
    components = {
        account.account_id: AccountBackup(account, plan.partition, plan.tags)
        for account in plan.covered
    }
    deployed = pulumi.Output.from_input(
        {account_id: component.deployed for account_id, component in components.items()}
    )
    return deployed.apply(lambda ids: build_manifest(plan, ids))
