"""What a state records of each resource's inputs, by logical name: the one place that answers
"the previous value of input X of resource R".

A manifest (the stack's `org_backup` output, or `synth`'s file) does not list resources; it
records what the program derived them from. `manifest_inputs` turns it back into the inputs
the program registers, in the engine's shape (camelCase names), for the inputs whose change
replaces a resource. A recorded input with the value None is unset; an input the state does not
record (an older manifest without the field) is absent. The planned side is read the same way:
`planned_inputs` takes each covered region's backup shape as the manifest this run exports
records it (`coverage/shape.py`, `manifest_region`), so both sides go through one translation.
A source that records real inputs (a `pulumi stack export` file) answers with the same
`RecordedResource`s (`previous_inputs`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from org_backup.coverage.model import Coverage
from org_backup.coverage.names import regional_resource_name
from org_backup.coverage.shape import TAG_CONDITION_PREFIX, coverage_shapes, manifest_region
from org_backup.coverage.state.previous import PreviousState
from org_backup.manifest.model import Central, Manifest, Region
from org_backup.provider_rules.backup import (
    AIR_GAPPED_VAULT,
    FRAMEWORK,
    PLAN,
    RESTORE_TESTING_PLAN,
    RESTORE_TESTING_SELECTION,
    SELECTION,
    VAULT,
    VAULT_LOCK,
)
from org_backup.provider_rules.events import EVENT_RULE


@dataclass(frozen=True)
class Unresolved:
    """A value only AWS can tell before deployment: the key a KMS alias names."""

    configured: str


@dataclass(frozen=True)
class RecordedResource:
    type: str
    inputs: Mapping[str, Any]


def previous_inputs(previous: PreviousState) -> dict[str, RecordedResource]:
    """The previous side: the inputs a `pulumi stack export` holds (what the engine last sent the
    provider) when one was given, else what the last output records."""
    if previous.state is not None:
        return {
            resource.name: RecordedResource(resource.type, _sent(resource.inputs))
            for resource in previous.state.resources
            if resource.custom
        }
    return manifest_inputs(previous.manifest) if previous.manifest is not None else {}


def _sent(value: Any) -> Any:
    """State inputs without what the provider's Check adds and the program never sends (the
    `__defaults` bookkeeping, empty blocks), so they compare with the planned side's."""
    if isinstance(value, Mapping):
        return {
            key: _sent(item)
            for key, item in value.items()
            if not key.startswith("__") and item not in (None, [], {})
        }
    if isinstance(value, list):
        return [_sent(item) for item in value]
    return value


def manifest_inputs(manifest: Manifest) -> dict[str, RecordedResource]:
    """Every resource the manifest's covered accounts (and, for shard 0, the central account)
    register, with the inputs the manifest records; inputs it does not record are left out."""
    resources: dict[str, RecordedResource] = {}
    for account in manifest.accounts:
        if account.status == "covered":
            for region in account.regions:
                resources.update(_region(account.account_id, region))
    if manifest.central is not None and manifest.shard.index == 0:
        resources.update(_central_vaults(manifest.central))
    return resources


def planned_inputs(coverage: Coverage) -> dict[str, RecordedResource]:
    """The planned side: what this run registers, as its manifest would record it."""
    resources: dict[str, RecordedResource] = {}
    for account in coverage.covered:
        for shape in coverage_shapes(coverage, account):
            resources.update(_region(account.account_id, manifest_region(shape)))
    if coverage.central is not None and coverage.shard_index == 0:
        resources.update(_central_vaults(coverage.central.manifest_entry(coverage.partition)))
    return resources


def _central_vaults(central: Central) -> dict[str, RecordedResource]:
    resources: dict[str, RecordedResource] = {}
    for central_region in central.regions:
        resources.update(_central(central, central_region.region))
    return resources


def _region(account_id: str, region: Region) -> dict[str, RecordedResource]:
    def name(kind: str) -> str:
        return regional_resource_name(account_id, region.region, kind)

    found: dict[str, RecordedResource] = {}
    vault = region.vault
    if vault is not None:
        found[name("vault")] = RecordedResource(
            VAULT, {"name": vault.name, "kmsKeyArn": _key(vault)}
        )
        if vault.lock is not None:
            found[name("vault-lock")] = RecordedResource(
                VAULT_LOCK,
                {
                    "backupVaultName": vault.name,
                    "minRetentionDays": vault.lock.min_retention_days,
                    "maxRetentionDays": vault.lock.max_retention_days,
                    "changeableForDays": vault.lock.changeable_for_days,
                },
            )
    if region.plan is not None:
        found[name("plan")] = RecordedResource(PLAN, {"name": region.plan.name})
    selection = region.selection
    if selection is not None:
        conditions = (
            [
                {
                    "stringEquals": [
                        {
                            "key": TAG_CONDITION_PREFIX + selection.tag.key,
                            "value": selection.tag.value,
                        }
                    ]
                }
            ]
            if selection.tag is not None
            else None
        )
        found[name("selection")] = RecordedResource(
            SELECTION,
            {"name": selection.name, "resources": selection.resources, "conditions": conditions},
        )
    testing = region.restore_testing
    if testing is not None:
        found[name("restore-testing-plan")] = RecordedResource(
            RESTORE_TESTING_PLAN, {"name": testing.plan_name}
        )
        found[name("restore-testing-selection")] = RecordedResource(
            RESTORE_TESTING_SELECTION,
            {"name": testing.selection_name, "restoreTestingPlanName": testing.plan_name},
        )
    if region.alerts is not None:
        found[name("alerts-rule")] = RecordedResource(EVENT_RULE, {"name": region.alerts.rule_name})
    if region.framework is not None:
        found[name("framework")] = RecordedResource(FRAMEWORK, {"name": region.framework.name})
    return found


def _central(central: Central, region: str) -> dict[str, RecordedResource]:
    def name(kind: str) -> str:
        return regional_resource_name(central.account_id, region, kind)

    # Manifests older than these fields do not record the retention.
    recorded = "min_retention_days" in central.model_fields_set
    retention = {
        "minRetentionDays": central.min_retention_days,
        "maxRetentionDays": central.max_retention_days,
    }
    if central.kind == "air-gapped":
        inputs = {"name": central.vault_name, **(retention if recorded else {})}
        return {name("central-vault"): RecordedResource(AIR_GAPPED_VAULT, inputs)}
    found = {name("central-vault"): RecordedResource(VAULT, {"name": central.vault_name})}
    if recorded and any(value is not None for value in retention.values()):
        found[name("central-vault-lock")] = RecordedResource(
            VAULT_LOCK, {"backupVaultName": central.vault_name, **retention}
        )
    return found


def _key(vault: Any) -> str | Unresolved | None:
    """The key ARN the vault is given; an alias not yet resolved stays Unresolved."""
    if vault.kms_key_arn is not None:
        return vault.kms_key_arn
    if vault.kms_key_id is not None:
        return Unresolved(vault.kms_key_id)
    return None
