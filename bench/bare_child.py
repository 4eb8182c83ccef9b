"""Child process: the SDK's floor, a program with no project logic.

It registers the same resources as the rollout (same types, logical names, parents and one
explicit top-level provider per account, so the same URNs and the same mock engine answers, the
provider's rules checked as for the program) with constant, minimal inputs that those rules
accept: no Outputs passed between resources, no `depends_on`, no alias, no component outputs,
no manifest, no discovery, no lookup. It runs under the program's own garbage-collector policy
(`defer_full_collections`), so that the program is not credited with what it saves by tuning
the interpreter: any program could do the same. What synth costs beyond this is the project's
own.

    python -m bench.bare_child SHAPE.json

SHAPE.json lists the covered accounts: `[{"account_id": ..., "regions": [...], "locked": bool}]`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws

from bench.child import emit, measure, type_counts
from org_backup.rollout.mock_engine import run_mocked
from org_backup.rollout.program import defer_full_collections

COMPONENT_TYPE = "org-backup:index:AccountBackup"
ROLE = "OrgBackupServiceRole"
VAULT = "org-backup-ai"
POLICY = "arn:aws:iam::aws:policy/service-role/"


def register_account(account_id: str, regions: list[str], locked: bool) -> list[pulumi.Output]:
    """The account's resources; returns their ids, which resolve once each is registered."""
    component = pulumi.ComponentResource(COMPONENT_TYPE, account_id)
    provider = aws.Provider(
        f"{account_id}-aws", allowed_account_ids=[account_id], region=regions[0]
    )
    child = pulumi.ResourceOptions(parent=component, provider=provider)
    resources: list[pulumi.CustomResource] = [
        aws.iam.Role(f"{account_id}-backup-role", name=ROLE, assume_role_policy="{}", opts=child)
    ]
    resources += [
        aws.iam.RolePolicyAttachment(
            f"{account_id}-backup-role-{kind}", role=ROLE, policy_arn=f"{POLICY}{kind}", opts=child
        )
        for kind in ("backup", "restores")
    ]
    for region in regions:
        prefix = f"{account_id}-{region}"
        resources.append(aws.backup.Vault(f"{prefix}-vault", name=VAULT, region=region, opts=child))
        if locked:
            resources.append(
                aws.backup.VaultLockConfiguration(
                    f"{prefix}-vault-lock", backup_vault_name=VAULT, region=region, opts=child
                )
            )
        resources.append(
            aws.backup.Plan(
                f"{prefix}-plan",
                rules=[aws.backup.PlanRuleArgs(rule_name="daily", target_vault_name=VAULT)],
                region=region,
                opts=child,
            )
        )
        resources.append(
            aws.backup.Selection(
                f"{prefix}-selection",
                iam_role_arn=f"arn:aws:iam::{account_id}:role/{ROLE}",
                plan_id="plan",
                region=region,
                opts=child,
            )
        )
    return [resource.id for resource in resources]


def program(shape: list[dict[str, Any]]) -> pulumi.Output[int]:
    """Resolves once every resource is registered, as synth's manifest does.

    Returning at once instead would leave all registrations to the SDK's final wait loop, which
    re-waits on every pending task each time one finishes: quadratic, and not the floor.
    """
    defer_full_collections()  # the program's own collector policy: no floor pays what it skips
    ids = [
        resource_id
        for account in shape
        for resource_id in register_account(
            account["account_id"], account["regions"], account["locked"]
        )
    ]
    return pulumi.Output.all(*ids).apply(len)


def main(shape_path: Path) -> None:
    shape = json.loads(shape_path.read_text())
    (_, resources), figures = measure(
        lambda: run_mocked(lambda: program(shape), project="org-backup", stack="bench")
    )
    emit({**figures, "types": type_counts(resources)})


if __name__ == "__main__":
    main(Path(sys.argv[1]))
