"""A `pulumi stack export` document: the stack's state, read for what it already deploys.

The stack's outputs say what its last *successful* update covered; the state says what exists.
A failed update keeps the previous outputs (pulumi/pulumi#15754) and an interrupted one writes
none, yet in both the state holds the resources of the accounts that entered in that update;
`pulumi state move` puts accounts into a destination stack's state long before its first
output. Stopping to register any of them deletes their plans, selections and roles, so the
removal guard counts what the state holds.

The format is the engine's (pulumi/pulumi sdk/go/common/apitype/core.go, `UntypedDeployment`
holding a `DeploymentV3`): `{"version": 3, "deployment": {"manifest": ..., "resources":
[ResourceV3, ...], "pending_operations": [...]}}`; version 4 is the same document with
`features`. Coverage is read from typed fields: a resource's `type`, `custom`, `delete`, its
`parent` URN, and the `region` input that pulumi-aws v7 gives every regional resource (and each
provider). A URN is `urn:pulumi:<stack>::<project>::<qualified type>::<name>`
(sdk/go/common/resource/urn/urn.go): the root stack's gives the stack's name, an AccountBackup
component's name is its account id (rollout/names.py), every resource's gives its logical name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from org_backup.coverage import names
from org_backup.errors import InputError, Problem, problems_from_validation

# Deployment schema versions this reader understands (apitype.DeploymentSchemaVersionCurrent
# and DeploymentSchemaVersionLatest; DeploymentV3 decodes both).
VERSIONS = (3, 4)
ROOT_STACK_TYPE = "pulumi:pulumi:Stack"
PROVIDER_TYPE_PREFIX = "pulumi:providers:"
URN_PREFIX = "urn:pulumi:"
URN_DELIMITER = "::"
# Where the engine puts a secret's ciphertext (sdk/go/common/resource/sig/sig.go).
SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d"


class ExportedResource(BaseModel):
    """One entry of `deployment.resources` (apitype.ResourceV3), the fields read here."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    urn: str
    custom: bool = False
    delete: bool = False
    type: str
    inputs: dict[str, Any] = {}
    outputs: dict[str, Any] = {}
    parent: str = ""
    provider: str = ""  # `<provider URN>::<provider id>`
    retain_on_delete: bool = Field(default=False, alias="retainOnDelete")


class _Deployment(BaseModel):
    model_config = ConfigDict(extra="ignore")

    resources: list[ExportedResource] = []


class _Export(BaseModel):
    model_config = ConfigDict(extra="ignore")

    version: int
    deployment: _Deployment


@dataclass(frozen=True)
class StateResource:
    """A resource the state holds, by its logical name and type: what the next update compares
    its registration with (the inputs as they were last sent to the provider)."""

    urn: str
    name: str
    type: str
    custom: bool
    inputs: Mapping[str, Any]
    outputs: Mapping[str, Any]
    parent: str | None
    retain_on_delete: bool


@dataclass(frozen=True)
class StackState:
    """What `pulumi stack export` said: the stack it is of, its root outputs and its resources.

    `accounts` maps each account whose AWS resources the state holds (under its AccountBackup
    component) to the regions of those resources, its provider's region first, then sorted; an
    account holding only its global role has no regions.
    """

    source: str
    stack: str | None
    root_outputs: Mapping[str, Any]
    resources: tuple[StateResource, ...]
    accounts: Mapping[str, tuple[str, ...]]


def is_stack_export(document: Any) -> bool:
    """The export's own shape: a version and a deployment, nothing of a manifest's."""
    return isinstance(document, dict) and "deployment" in document and "version" in document


def read_stack_export(source: str, document: Any) -> StackState:
    """The state in `document`; InputError (exit 2) naming `source` and the field when it is not
    a deployment this reader understands."""
    try:
        export = _Export.model_validate(document)
    except ValidationError as error:
        raise InputError(problems_from_validation(error, source)) from None
    if export.version not in VERSIONS:
        raise InputError(
            [
                Problem(
                    source,
                    "version",
                    export.version,
                    f"is a deployment schema version this org-backup does not read (it reads"
                    f" {' and '.join(map(str, VERSIONS))}); a newer Pulumi CLI wrote it: upgrade"
                    " org-backup",
                )
            ]
        )
    # Entries marked `delete` are old copies of replaced resources, already due for deletion
    # (the engine's own readers skip them too, pkg/backend/backend.go GetStackResourceOutputs).
    live = [resource for resource in export.deployment.resources if not resource.delete]
    root = next((r for r in live if r.type == ROOT_STACK_TYPE and not r.parent), None)
    stack = _urn_parts(root.urn, source)[0] if root is not None else None
    by_urn = {resource.urn: resource for resource in live}
    resources = tuple(
        StateResource(
            urn=resource.urn,
            name=_urn_parts(resource.urn, source)[3],
            type=resource.type,
            custom=resource.custom,
            inputs=resource.inputs,
            outputs=resource.outputs,
            parent=_name_of(by_urn.get(resource.parent), source),
            retain_on_delete=resource.retain_on_delete,
        )
        for resource in live
        if resource is not root
    )
    return StackState(
        source=source,
        stack=stack,
        root_outputs=root.outputs if root is not None else {},
        resources=resources,
        accounts=_accounts(live, by_urn, source),
    )


def is_secret(value: Any) -> bool:
    """An encrypted value, as `pulumi stack export` writes secrets without `--show-secrets`."""
    return isinstance(value, dict) and SECRET_SIGNATURE in value


def _accounts(
    live: list[ExportedResource], by_urn: Mapping[str, ExportedResource], source: str
) -> dict[str, tuple[str, ...]]:
    """Per account, the regions of the AWS resources under its AccountBackup component, its
    provider's region first (the one its next registration must keep; the provider is the one
    those resources reference), then sorted.

    Only custom resources other than providers count: deleting a component or a provider
    touches nothing in AWS, so an account whose update stopped before its first AWS resource
    has nothing to lose.
    """
    regions: dict[str, set[str]] = {}
    provider_regions: dict[str, str] = {}
    for resource in live:
        component = _component_of(resource, by_urn) if resource.custom else None
        if component is None:
            continue
        account_id = names.account_of_component(_urn_parts(component.urn, source)[3])
        if account_id is None:
            raise InputError(
                [
                    Problem(
                        source,
                        "resources.urn",
                        component.urn,
                        f"is a {names.COMPONENT_TYPE} whose name is not an account id; the"
                        " state is not one this org-backup wrote",
                    )
                ]
            )
        if resource.type.startswith(PROVIDER_TYPE_PREFIX):
            continue  # deployed before providers moved to the top level
        provider = by_urn.get(resource.provider.rpartition("::")[0])
        if provider is not None and _region_of(provider) is not None:
            provider_regions[account_id] = _region_of(provider)
        found = regions.setdefault(account_id, set())
        if _region_of(resource) is not None:
            found.add(_region_of(resource))
    return {
        account_id: tuple(
            sorted(found, key=lambda region: (region != provider_regions.get(account_id), region))
        )
        for account_id, found in sorted(regions.items())
    }


def _region_of(resource: ExportedResource) -> str | None:
    region = resource.inputs.get("region", resource.outputs.get("region"))
    return region if isinstance(region, str) and region else None


def _component_of(
    resource: ExportedResource, by_urn: Mapping[str, ExportedResource]
) -> ExportedResource | None:
    """The nearest ancestor of the component type, following `parent` URNs."""
    seen = set()
    parent = by_urn.get(resource.parent)
    while parent is not None and parent.urn not in seen:
        if parent.type == names.COMPONENT_TYPE:
            return parent
        seen.add(parent.urn)
        parent = by_urn.get(parent.parent)
    return None


def _name_of(resource: ExportedResource | None, source: str) -> str | None:
    if resource is None or resource.type == ROOT_STACK_TYPE:
        return None
    return _urn_parts(resource.urn, source)[3]


def _urn_parts(urn: str, source: str) -> tuple[str, str, str, str]:
    """Stack, project, qualified type and name, as urn.go splits them: the name is everything
    after the third delimiter (a name may itself contain `::`)."""
    parts = urn.removeprefix(URN_PREFIX).split(URN_DELIMITER, 3)
    if not urn.startswith(URN_PREFIX) or len(parts) != 4:
        raise InputError(
            [
                Problem(
                    source,
                    "resources.urn",
                    urn,
                    "is not a Pulumi URN (urn:pulumi:<stack>::<project>::<type>::<name>)",
                )
            ]
        )
    stack, project, qualified_type, name = parts
    return stack, project, qualified_type, name
