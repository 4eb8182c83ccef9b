"""The resource graph a Pulumi program registers, recorded from the mock engine and replayed with
the bare SDK: the floor `make bench` holds `synth` to.

A recorded graph lists, in the order the engine received them, every registration: its type and
logical name; its inputs, with each value that came from another resource's output marked as
such (`{"$output": [ref, key]}`, ref the producer's position in the list) and each input that
waited on resources without carrying one of their outputs marked `{"$after": [refs], "value":
...}`; its options (parent, provider, depends_on, aliases, protect, retain_on_delete,
ignore_changes, import id); and each component's registered outputs, wired the same way.

`replay` registers that graph again with pulumi and pulumi_aws's own resource classes and
nothing else: the same URNs, the same inputs and options, every output passed between
resources as an `Output` of the producing resource, as a program that built this graph by hand
would. The graph's values are taken as given, so what it took to compute them (coverage, names,
policies, the manifest) is not replayed: that is the program's own cost.
"""

from __future__ import annotations

import importlib
import json
import re
import threading
from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_aws as aws
from pulumi.runtime import rpc

from org_backup.coverage import names
from org_backup.rollout.mock_engine import PROVIDER_TYPE, ROOT_STACK_TYPE, RecordingMonitor
from org_backup.rollout.program import let_registrations_run

OUTPUT, AFTER = "$output", "$after"
# Options the replay passes on, and those pulumi_aws's classes set themselves; a graph with any
# other is refused, so that the floor can never silently skip SDK work the program does.
_REPLAYED = {"aliases", "protect", "retain_on_delete", "ignore_changes", "import_id"}
_SET_BY_CLASS = {"version", "additional_secret_outputs"}
_ENTRY = {"type", "name", "custom", "inputs", "parent", "provider", "depends_on", "outputs"}


class GraphRecorder(RecordingMonitor):
    """The mock monitor, also recording the graph (module docstring) in `graph`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.graph: list[dict[str, Any]] = []
        self._refs: dict[str, int] = {}  # URN -> position in `graph`
        self._outputs: list[dict[str, Any]] = []  # each registration's id and outputs
        self._lock = threading.Lock()

    def RegisterResource(self, request):  # the gRPC method's name
        # The SDK calls this from several threads at once: one registration at a time, or two
        # could take the same position in the graph.
        with self._lock:
            response = super().RegisterResource(request)
            if request.type != ROOT_STACK_TYPE:
                self._record(request, response)
        return response

    def _record(self, request: Any, response: Any) -> None:
        inputs = rpc.deserialize_properties(request.object)
        self._refs[response.urn] = len(self.graph)
        state = self.resources[response.urn].state if request.custom else {}
        self._outputs.append({"id": response.id, **state})
        wired = {}
        for key, value in inputs.items():
            deps = request.propertyDependencies.get(key)
            producers = [self._refs[urn] for urn in deps.urns] if deps else []
            wired[key] = self._wire(value, producers) if producers else value
        through_inputs = {
            urn for deps in request.propertyDependencies.values() for urn in deps.urns
        }
        entry: dict[str, Any] = {
            "type": request.type,
            "name": request.name,
            "custom": bool(request.custom),
            "inputs": wired,
            "parent": self._ref(request.parent),
            "provider": self._ref(request.provider.rpartition("::")[0]),
            "depends_on": [self._refs[u] for u in request.dependencies if u not in through_inputs],
        }
        options = {
            "aliases": [self._alias(alias) for alias in request.aliases],
            "protect": request.protect,
            "retain_on_delete": request.retainOnDelete,
            "ignore_changes": list(request.ignoreChanges),
            "import_id": request.importId,
            "replace_on_changes": list(request.replaceOnChanges),
            "additional_secret_outputs": list(request.additionalSecretOutputs),
            "delete_before_replace": request.deleteBeforeReplaceDefined,
            "custom_timeouts": request.HasField("customTimeouts"),
            "deleted_with": request.deletedWith,
            "version": request.version,
        }
        entry.update({key: value for key, value in options.items() if value})
        self.graph.append(entry)

    def RegisterResourceOutputs(self, request):  # a component's (or the stack's) outputs
        with self._lock:
            self._record_outputs(request)
        return super().RegisterResourceOutputs(request)

    def _record_outputs(self, request: Any) -> None:
        ref = self._refs.get(request.urn)
        if ref is not None:
            outputs = rpc.deserialize_properties(request.outputs)
            children = [i for i, entry in enumerate(self.graph) if entry["parent"] == ref]
            self.graph[ref]["outputs"] = self._wire(outputs, children)

    def _ref(self, urn: str) -> int | None:
        return self._refs.get(urn) if urn else None

    def _alias(self, alias: Any) -> dict[str, Any]:
        if alias.HasField("urn"):
            raise ValueError(f"alias by URN not replayed: {alias.urn}")
        spec = alias.spec
        return {
            "name": spec.name or None,
            "type": spec.type or None,
            "parent": None if spec.noParent else self._ref(spec.parentUrn),
            "no_parent": spec.noParent,
        }

    def _wire(self, value: Any, producers: list[int]) -> Any:
        """`value` with every string that is an output of one of `producers` marked as such;
        marked as a whole (`$after`) when none of its strings is."""
        outputs = {}
        for ref in producers:
            for key, produced in sorted(self._outputs[ref].items(), key=_id_last):
                if isinstance(produced, str) and produced:
                    outputs.setdefault(produced, [ref, key])
        found = []

        def mark(item: Any) -> Any:
            if isinstance(item, str) and item in outputs:
                found.append(outputs[item])
                return {OUTPUT: outputs[item]}
            if isinstance(item, dict):
                return {key: mark(inner) for key, inner in item.items()}
            if isinstance(item, list):
                return [mark(inner) for inner in item]
            return item

        marked = mark(value)
        return marked if found or not producers else {AFTER: producers, "value": value}


def _id_last(item: tuple[str, Any]) -> tuple[bool, str]:
    """An output property before the id when both hold the value (a vault's name and id)."""
    return item[0] == "id", item[0]


async def replay(graph: list[dict[str, Any]]) -> list[pulumi.Resource]:
    """Register `graph` with the bare SDK; returns the resources, in the graph's order.

    Consumes `graph`: each entry is dropped once its resource is made, so that the replay holds
    no more than a program that built the same resources from its own values would. Before
    each account's component after the first, the event loop runs the program's passes
    (`let_registrations_run`), so that the floor paces its registrations as the program does:
    any program could, and a floor that did not would hold every account's pending
    registrations at once and be no floor."""
    made: list[pulumi.Resource] = []
    outputs: dict[int, dict[str, Any]] = {}
    graph.reverse()
    while graph:
        entry = graph.pop()
        if entry["type"] == names.COMPONENT_TYPE and entry["parent"] is None and made:
            await let_registrations_run()
        unreplayed = set(entry) - _ENTRY - _REPLAYED - _SET_BY_CLASS
        if unreplayed:
            raise ValueError(f"{entry['name']}: options the floor does not replay: {unreplayed}")
        opts = _options(entry, made)
        if entry["custom"] or entry["type"] == PROVIDER_TYPE:
            cls = resource_class(entry["type"])
            inputs = _provider_inputs(entry["inputs"]) if cls is aws.Provider else entry["inputs"]
            made.append(cls(entry["name"], opts=opts, **_arguments(inputs, made)))
        else:
            made.append(pulumi.ComponentResource(entry["type"], entry["name"], None, opts))
        if "outputs" in entry:
            outputs[len(made) - 1] = entry["outputs"]
    for ref, values in outputs.items():
        component = made[ref]
        assert isinstance(component, pulumi.ComponentResource)
        component.register_outputs(_value(values, made))
    return made


def resource_class(type_: str) -> Callable[..., pulumi.CustomResource]:
    """pulumi_aws's class for a type token: `aws:backup/plan:Plan` -> `pulumi_aws.backup.Plan`."""
    if type_ == PROVIDER_TYPE:
        return aws.Provider
    package, module, name = type_.split(":")
    if package != "aws":
        raise ValueError(f"not a pulumi_aws resource type: {type_}")
    return getattr(importlib.import_module(f"pulumi_aws.{module.partition('/')[0]}"), name)


def _options(entry: dict[str, Any], made: list[pulumi.Resource]) -> pulumi.ResourceOptions:
    def at(ref: int | None) -> Any:
        return None if ref is None else made[ref]

    aliases = [_alias(alias, made) for alias in entry.get("aliases", ())]
    return pulumi.ResourceOptions(
        parent=at(entry["parent"]),
        provider=at(entry["provider"]),
        depends_on=[made[ref] for ref in entry["depends_on"]] or None,
        aliases=aliases or None,
        protect=entry.get("protect"),
        retain_on_delete=entry.get("retain_on_delete"),
        ignore_changes=entry.get("ignore_changes"),
        import_=entry.get("import_id"),
    )


def _alias(alias: dict[str, Any], made: list[pulumi.Resource]) -> pulumi.Alias:
    """Only the fields the program set: an omitted one means "this resource's own"."""
    fields: dict[str, Any] = {}
    if alias["name"] is not None:
        fields["name"] = alias["name"]
    if alias["type"] is not None:
        fields["type_"] = alias["type"]
    if alias["no_parent"]:
        fields["parent"] = pulumi.ROOT_STACK_RESOURCE
    elif alias["parent"] is not None:
        fields["parent"] = made[alias["parent"]]
    return pulumi.Alias(**fields)


def _arguments(inputs: dict[str, Any], made: list[pulumi.Resource]) -> dict[str, Any]:
    """Keyword arguments of the resource's class. Nested dictionaries keep the engine's names
    (camelCase): the SDK passes a key its input type does not know untranslated."""
    return {_snake(key): _value(value, made) for key, value in inputs.items()}


def _value(value: Any, made: list[pulumi.Resource]) -> Any:
    """A recorded value as an SDK input, each output as the producer's `Output`."""
    if isinstance(value, dict):
        if OUTPUT in value:
            ref, key = value[OUTPUT]
            return getattr(made[ref], _snake(key))
        if AFTER in value:
            after = [made[ref].urn for ref in value[AFTER]]
            constant = _value(value["value"], made)
            return pulumi.Output.all(*after).apply(lambda _: constant)
        return {key: _value(inner, made) for key, inner in value.items()}
    if isinstance(value, list):
        return [_value(inner, made) for inner in value]
    return value


def _provider_inputs(inputs: dict[str, Any]) -> dict[str, Any]:
    """The provider's arguments back from the JSON its class sends for every non-string one."""
    return {key: _decoded(value) for key, value in inputs.items()}


def _decoded(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        decoded = json.loads(value)
    except ValueError:
        return value
    return value if isinstance(decoded, str) else decoded


def by_name(graph: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The graph keyed by logical name, each reference a name: what two graphs registered in
    different orders compare equal by."""
    names = [entry["name"] for entry in graph]

    def wired(value: Any) -> Any:
        if isinstance(value, dict):
            if OUTPUT in value:
                return {OUTPUT: [names[value[OUTPUT][0]], value[OUTPUT][1]]}
            if AFTER in value:
                return {AFTER: sorted(names[ref] for ref in value[AFTER]), "value": value["value"]}
            return {key: wired(inner) for key, inner in value.items()}
        if isinstance(value, list):
            return [wired(inner) for inner in value]
        return value

    def ref(position: int | None) -> str | None:
        return None if position is None else names[position]

    return {
        entry["name"]: {
            **entry,
            "inputs": wired(entry["inputs"]),
            "outputs": wired(entry.get("outputs")),
            "parent": ref(entry["parent"]),
            "provider": ref(entry["provider"]),
            "depends_on": sorted(names[position] for position in entry["depends_on"]),
            "aliases": [
                {**alias, "parent": ref(alias["parent"])} for alias in entry.get("aliases", ())
            ],
        }
        for entry in graph
    }


def _snake(key: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower()
