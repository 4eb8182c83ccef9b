"""The previous state: what this stack (or shard) deployed before this run.

Read from a manifest, `pulumi stack output --json` or `pulumi stack export` file (`--previous`),
or, inside the Pulumi program, from the stack's own last `org_backup` output (see
`rollout/stack_output.py`) and the export that `make up` and the workflows take just before
`pulumi up`. Manifests go through the manifest reader, so a previous state is exactly what
`report` would accept; an export adds what the stack's state holds (`stack_export.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from org_backup.coverage.state.stack_export import (
    StackState,
    StateResource,
    is_secret,
    is_stack_export,
    read_stack_export,
)
from org_backup.errors import InputError, Problem
from org_backup.manifest.model import Account, Manifest
from org_backup.manifest.reader import (
    STACK_OUTPUT_KEY,
    load_document,
    parse_manifest,
    whole_numbers,
)


@dataclass(frozen=True)
class CoveredBefore:
    """An account this stack deploys before the run: what the removal guard and the degraded
    rule compare against. `name` is None when no output lists the account (found only in the
    state); `state_only_regions` are its regions that the state holds and the output omits."""

    account_id: str
    name: str | None
    regions: tuple[str, ...]
    state_only_regions: frozenset[str] = frozenset()

    @property
    def only_in_state(self) -> bool:
        return self.name is None


@dataclass(frozen=True)
class PreviousState:
    """The last `org_backup` output (None when the stack has none yet), the state when an export
    was given, and where they came from (for messages)."""

    source: str
    manifest: Manifest | None
    state: StackState | None = None

    @property
    def covered(self) -> dict[str, Account]:
        """The accounts the last output covers, by account id."""
        if self.manifest is None:
            return {}
        return {
            account.account_id: account
            for account in self.manifest.accounts
            if account.status == "covered"
        }

    @property
    def baseline(self) -> dict[str, CoveredBefore]:
        """What this stack deploys, by account id. With the state, exactly the accounts whose
        AWS resources it holds, whatever the output says: an account the output lists but the
        state does not (moved away by `pulumi state move`) has nothing left to delete. Without
        it, the accounts the output covers."""
        listed = self.covered
        if self.state is None:
            return {
                account_id: CoveredBefore(
                    account_id, account.name, tuple(region.region for region in account.regions)
                )
                for account_id, account in listed.items()
            }
        baseline = {}
        for account_id, regions in self.state.accounts.items():
            known = listed.get(account_id)
            listed_regions = {region.region for region in known.regions} if known else set()
            baseline[account_id] = CoveredBefore(
                account_id,
                known.name if known else None,
                regions,
                frozenset(regions) - listed_regions if known else frozenset(),
            )
        return baseline

    @property
    def resources(self) -> tuple[StateResource, ...]:
        """Every resource the state holds (none without an export), in the state's order."""
        return self.state.resources if self.state is not None else ()

    def stack_outputs(self) -> dict[str, Any]:
        """As `pulumi stack output --json` would print it: the root stack's outputs."""
        if self.state is not None:
            return dict(self.state.root_outputs)
        if self.manifest is None:
            return {}
        return {STACK_OUTPUT_KEY: self.manifest.model_dump(mode="json")}

    def check_matches(self, organization_id: str, shard_index: int) -> None:
        """The previous state must be this organization's and this shard's, or nothing it says
        about coverage holds here. A state without an output names neither; its accounts then
        fall to the guard if they are not this shard's."""
        if self.manifest is None:
            return
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

    def check_stack(self, stack: str | None) -> None:
        """An export names its stack in its root stack's URN: it must be this run's."""
        exported = self.state.stack if self.state is not None else None
        if stack is None or exported is None or exported == stack:
            return
        raise InputError(
            [
                Problem(
                    self.source,
                    "deployment.resources (root stack URN)",
                    exported,
                    f"is the state of stack {exported}, not of this run's stack {stack};"
                    f" export this stack's: pulumi stack export --stack {stack} --file FILE",
                )
            ]
        )


def read_previous(path: str, flag: str = "--previous") -> PreviousState:
    """A manifest, stack outputs or stack export file; InputError (exit 2) naming the file."""
    source, document = load_document(path, flag)
    if not is_stack_export(document):
        return PreviousState(source, parse_manifest(source, document).manifest)
    state = read_stack_export(source, document)
    output = state.root_outputs.get(STACK_OUTPUT_KEY)
    if output is None:
        return PreviousState(source, None, state)
    if is_secret(output):
        raise InputError(
            [
                Problem(
                    source,
                    f"root stack outputs.{STACK_OUTPUT_KEY}",
                    "(encrypted)",
                    "is a secret; export with `pulumi stack export --show-secrets`",
                )
            ]
        )
    manifest = parse_manifest(source, {STACK_OUTPUT_KEY: output}).manifest
    return PreviousState(source, manifest, state)


def previous_from_stack_outputs(outputs: Mapping[str, Any], source: str) -> PreviousState | None:
    """The stack's outputs as the engine returns them; None when there is no `org_backup` output
    yet (a new stack, or one never updated successfully)."""
    document = outputs.get(STACK_OUTPUT_KEY)
    if document is None:
        return None
    loaded = parse_manifest(source, {STACK_OUTPUT_KEY: whole_numbers(document)})
    return PreviousState(loaded.source, loaded.manifest)


def with_exported_state(
    own: PreviousState | None, exported: PreviousState, stack: str
) -> PreviousState:
    """The stack's own last output with the state of an export taken for this run.

    The export must be this stack's and no older than its last successful update: its root
    output must be the one the engine holds now. An older export would miss what a later update
    deployed, so it is refused (exit 2) rather than trusted.
    """
    exported.check_stack(stack)
    own_manifest = own.manifest if own is not None else None
    if exported.manifest != own_manifest:
        raise InputError(
            [
                Problem(
                    exported.source,
                    f"root stack outputs.{STACK_OUTPUT_KEY}",
                    "differs" if own_manifest and exported.manifest else "absent on one side",
                    f"is not the stack {stack}'s last output, so this export is older than the"
                    " stack's last update (or of another stack); export it again just before"
                    " `pulumi up` (`make up` and the workflows do)",
                )
            ]
        )
    return PreviousState(exported.source, own_manifest, exported.state)
