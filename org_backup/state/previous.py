"""The previous state: what this stack (or shard) covered at its last successful run.

Read from a manifest or `pulumi stack output --json` file (`--previous`), or, inside the Pulumi
program, from the stack's own last `org_backup` output (see `stack_output.py`). Both go through
the report's manifest reader, so a previous state is exactly what `report` would accept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from org_backup.errors import InputError, Problem
from org_backup.manifest import Account, Manifest
from org_backup.reporting.inputs import STACK_OUTPUT_KEY, load_manifest, parse_manifest


@dataclass(frozen=True)
class PreviousState:
    """The manifest of the last run and where it came from (for messages)."""

    source: str
    manifest: Manifest

    @property
    def covered(self) -> dict[str, Account]:
        """The accounts covered before, by account id."""
        return {
            account.account_id: account
            for account in self.manifest.accounts
            if account.status == "covered"
        }

    def stack_outputs(self) -> dict[str, Any]:
        """As `pulumi stack output --json` would print it: the manifest under `org_backup`."""
        return {STACK_OUTPUT_KEY: self.manifest.model_dump(mode="json")}

    def check_matches(self, organization_id: str, shard_index: int) -> None:
        """The previous state must be this organization's and this shard's, or nothing it says
        about coverage holds here."""
        problems = []
        if self.manifest.organization.id != organization_id:
            problems.append(
                Problem(
                    self.source,
                    "organization.id",
                    self.manifest.organization.id,
                    f"is another organization than the one discovered ({organization_id});"
                    " give the previous output of this organization's stack",
                )
            )
        if self.manifest.shard.index != shard_index:
            problems.append(
                Problem(
                    self.source,
                    "shard.index",
                    self.manifest.shard.index,
                    f"is another shard than this run's (shard_index {shard_index});"
                    " give the previous output of the same shard's stack",
                )
            )
        if problems:
            raise InputError(problems)


def read_previous(path: str) -> PreviousState:
    """`--previous FILE`: a manifest or stack outputs; InputError (exit 2) naming the file."""
    loaded = load_manifest(path, "--previous")
    return PreviousState(loaded.source, loaded.manifest)


def previous_from_stack_outputs(outputs: Mapping[str, Any], source: str) -> PreviousState | None:
    """The stack's outputs as the engine returns them; None when there is no `org_backup` output
    yet (a new stack, or one never updated successfully)."""
    document = outputs.get(STACK_OUTPUT_KEY)
    if document is None:
        return None
    loaded = parse_manifest(source, {STACK_OUTPUT_KEY: integers(document)})
    return PreviousState(loaded.source, loaded.manifest)


def integers(value: Any) -> Any:
    """The engine passes every number as a double (protobuf Struct): 1.0 back to 1, so that
    `schema_version` and the day counts read as the integers they were exported as."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: integers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [integers(item) for item in value]
    return value
