"""`pulumi stack export` documents built from what the mock engine records when the real program
runs: the URNs the engine gives, types, inputs, outputs, parents and provider references
(`run_mocked(states=...)`), in the engine's format (pulumi/pulumi sdk/go/common/apitype/core.go,
`UntypedDeployment` holding a `DeploymentV3`), and `pulumi state move` applied to such a
document as pkg/cmd/pulumi/state/state_move.go applies it."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

from org_backup.coverage.model import Coverage
from org_backup.coverage.pipeline import load_coverage
from org_backup.manifest.reader import whole_numbers
from org_backup.rollout.mock_engine import run_mocked
from org_backup.rollout.program import register_rollout
from org_backup.rollout.synthesize import PROJECT

CLI_VERSION = "v3.272.0"
ROOT_STACK = "pulumi:pulumi:Stack"


def stack_export(
    coverage: Coverage, stack: str, root_outputs: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The state after the program registered `coverage` into `stack`, the root stack holding
    `root_outputs`: the outputs of the stack's last *successful* update, which need not be this
    one (a failed update keeps the previous outputs; an interrupted one writes none)."""
    states: list[dict[str, Any]] = []
    run_mocked(lambda: register_rollout(coverage), project=PROJECT, stack=stack, states=states)
    root = next(state for state in states if state["type"] == ROOT_STACK)
    root.pop("outputs", None)
    if root_outputs is not None:
        root["outputs"] = root_outputs
    return document(states)


def failed_update(
    accounts_dir: Path, stack: str, last_output: dict[str, Any] | None
) -> dict[str, Any]:
    """The state after an update that registered every account the organization (discovered
    now) covers and then failed or was interrupted: the root stack keeps `last_output`, the
    output of the last successful update (None: the stack never had one)."""
    coverage = load_coverage(accounts_dir)
    root_outputs = {"org_backup": last_output} if last_output is not None else None
    return stack_export(coverage, stack, root_outputs)


def document(resources: list[dict[str, Any]]) -> dict[str, Any]:
    """`pulumi stack export`'s output; numbers as the engine writes them (120, not 120.0)."""
    return {
        "version": 3,
        "deployment": {
            "manifest": {
                "time": "2026-03-02T02:17:41.123456789Z",
                "magic": hashlib.sha256(CLI_VERSION.encode()).hexdigest(),
                "version": CLI_VERSION,
            },
            "secrets_providers": {"type": "passphrase", "state": {"salt": "v1:c2FsdA==:v1:aXY="}},
            "resources": whole_numbers(resources),
        },
    }


def write(path: Path, export: dict[str, Any]) -> str:
    path.write_text(json.dumps(export, indent=4))
    return str(path)


def resources_of(export: dict[str, Any], account_id: str) -> list[dict[str, Any]]:
    """An account's component and everything under it."""
    component = next(
        r
        for r in export["deployment"]["resources"]
        if r["type"] == "org-backup:index:AccountBackup" and r["urn"].endswith(f"::{account_id}")
    )
    return [component, *_descendants(export["deployment"]["resources"], component["urn"])]


def state_move(
    source: dict[str, Any], dest: dict[str, Any] | None, urns: list[str], dest_stack: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """`pulumi state move --source ... --dest dest_stack URN...` as pulumi/pulumi
    pkg/cmd/pulumi/state/state_move.go does it: the named resources and their children move,
    except providers, which are copied (and stay in the source, also when they are children of
    a moved resource, since pulumi/pulumi#20639); a top-level resource gets the destination's
    root stack as parent (created when the destination has none); every URN is rewritten to the
    destination stack; both states must then pass the integrity check."""
    source, dest = copy.deepcopy(source), copy.deepcopy(dest or document([]))
    resources = source["deployment"]["resources"]
    moving = {urn for urn in urns}
    for urn in urns:
        moving |= {r["urn"] for r in _descendants(resources, urn) if not _is_provider(r["type"])}
    copied = {
        r["provider"].rpartition("::")[0]
        for r in resources
        if r["urn"] in moving and "provider" in r
    }
    into = dest["deployment"]["resources"]
    root = next((r for r in into if r["type"] == ROOT_STACK), None)
    if root is None:
        root = {
            "urn": f"urn:pulumi:{dest_stack}::{PROJECT}::{ROOT_STACK}::{PROJECT}-{dest_stack}",
            "custom": False,
            "type": ROOT_STACK,
        }
        into.insert(0, root)

    def rename(urn: str) -> str:
        rest = urn.removeprefix("urn:pulumi:").split("::", 1)[1]
        return f"urn:pulumi:{dest_stack}::{rest}"

    for resource in resources:
        if resource["urn"] not in moving | copied:
            continue
        moved = copy.deepcopy(resource)
        moved["urn"] = rename(moved["urn"])
        moved["parent"] = (
            rename(moved["parent"]) if moved.get("parent") in moving | copied else root["urn"]
        )
        if "provider" in moved:
            provider_urn, _, provider_id = moved["provider"].rpartition("::")
            moved["provider"] = f"{rename(provider_urn)}::{provider_id}"
        moved["dependencies"] = [rename(u) for u in moved.get("dependencies", []) if u in moving]
        into.append(moved)
    source["deployment"]["resources"] = [r for r in resources if r["urn"] not in moving]
    for stack, document_ in (("source", source), ("destination", dest)):
        verify_integrity(document_, stack)
    return source, dest


class IntegrityError(Exception):
    """What `pulumi state move` refuses to save (pkg/resource/deploy/snapshot.go,
    VerifyIntegrity): a resource whose parent or provider is not before it in the state."""


def verify_integrity(export: dict[str, Any], stack: str) -> None:
    seen: set[str] = set()
    for resource in export["deployment"]["resources"]:
        parent = resource.get("parent")
        if parent and parent not in seen:
            raise IntegrityError(f"{stack}: {resource['urn']} refers to missing parent {parent}")
        provider = resource.get("provider", "").rpartition("::")[0]
        if provider and provider not in seen:
            raise IntegrityError(
                f"{stack}: {resource['urn']} refers to unknown provider {provider}"
            )
        seen.add(resource["urn"])


def _descendants(resources: list[dict[str, Any]], urn: str) -> list[dict[str, Any]]:
    found, parents = [], {urn}
    for resource in resources:  # the state lists parents before their children
        if resource.get("parent") in parents:
            found.append(resource)
            parents.add(resource["urn"])
    return found


def _is_provider(type_: str) -> bool:
    return type_.startswith("pulumi:providers:")
