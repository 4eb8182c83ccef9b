"""The provider's Check, offline: a registration's inputs (or an invoke's arguments) against the
rules of its type, each broken rule one Problem naming the resource, the input and the rule.

The real provider runs these rules in `pulumi preview`'s Check, before anything changes
(pulumi/pulumi-terraform-bridge `pkg/tfbridge/provider.go` Check -> ValidateResource for SDKv2
resources, `pkg/pf/tfbridge/provider_check.go` -> ValidateResourceConfig for framework ones).
A type without rules is a problem too: the offline model cannot vouch for what it does not know.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Mapping
from typing import Any

from org_backup.errors import MISSING, Problem
from org_backup.provider_rules.model import REGION_SUFFIX, Field, Group, TypeRules

# Resources and invokes of the engine itself (the stack, its outputs), not of a provider.
ENGINE_TOKENS = ("pulumi:pulumi:",)
PACKAGE = "org_backup/provider_rules"


def registration_problems(
    rules: Mapping[str, TypeRules], token: str, name: str, inputs: Mapping[str, Any]
) -> list[Problem]:
    """Every rule of `token` that these inputs break; the registration is named by `name`."""
    return _problems(rules, token, f"resource {name} ({token})", inputs)


def invoke_problems(
    rules: Mapping[str, TypeRules], token: str, args: Mapping[str, Any]
) -> list[Problem]:
    return _problems(rules, token, f"invoke {token}", args)


def import_problems(
    rules: Mapping[str, TypeRules],
    token: str,
    name: str,
    import_id: str,
    inputs: Mapping[str, Any],
    provider_region: str,
) -> list[Problem]:
    """An import reads the resource in the region its id names (`<id>@<region>`), else in the
    provider's region; a regional resource imported from another region than its `region`
    input finds nothing, or another resource of the same name (pulumi/pulumi-aws#5697)."""
    type_rules = rules.get(token)
    if type_rules is None or not type_rules.regional:
        return []
    match = REGION_SUFFIX.match(import_id)
    read_in = match.group(2) if match else provider_region
    wanted = inputs.get("region") or provider_region
    if read_in == wanted:
        return []
    return [
        Problem(
            f"resource {name} ({token})",
            "import id",
            import_id,
            f"would be read in {read_in}, not in the resource's region {wanted}; the import id"
            f" must end with @{wanted} ({type_rules.source}; internal/provider/sdkv2/region.go"
            " importRegion; pulumi-aws docs/enhanced-region-support.md)",
        )
    ]


def _problems(
    rules: Mapping[str, TypeRules], token: str, source: str, inputs: Mapping[str, Any]
) -> list[Problem]:
    if token.startswith(ENGINE_TOKENS):
        return []
    type_rules = rules.get(token)
    if type_rules is None:
        return [
            Problem(
                source,
                "type",
                token,
                f"has no rules in {PACKAGE}: the offline model cannot vouch that the AWS"
                " provider accepts it; add the type's entry (see the package's docstring)",
            )
        ]
    decoded = _decoded(inputs, type_rules.json_encoded)
    found: list[Problem] = []
    for rule in type_rules.fields:
        found += _field_problems(source, rule, decoded, type_rules.source)
    for group in type_rules.groups:
        found += _group_problems(source, group, decoded, type_rules.source)
    return found


def _decoded(inputs: Mapping[str, Any], encoded: tuple[str, ...]) -> dict[str, Any]:
    """Inputs the engine passes as JSON strings, decoded (a provider's nested configuration)."""
    values = dict(inputs)
    for key in encoded:
        # Undecodable: left as it is, for the field's own checks to say what is wrong with it.
        if isinstance(values.get(key), str):
            with contextlib.suppress(ValueError):
                values[key] = json.loads(values[key])
    return values


def _field_problems(
    source: str, rule: Field, inputs: Mapping[str, Any], upstream: str
) -> Iterator[Problem]:
    upstream = rule.source or upstream
    if rule.required:
        for path in _missing(inputs, rule.path):
            yield Problem(source, path, MISSING, f"is required ({upstream})")
    for path, value in _values(inputs, rule.path.split("."), ""):
        for check in rule.checks:
            message = check.problem(value)
            if message:
                yield Problem(source, path, value, f"{message} ({upstream})")


def _group_problems(
    source: str, group: Group, inputs: Mapping[str, Any], upstream: str
) -> Iterator[Problem]:
    present = [path for path in group.paths if inputs.get(path) is not None]
    listed = ", ".join(group.paths)
    if group.kind == "exactly_one_of" and len(present) != 1:
        shown = {path: inputs[path] for path in present} if present else MISSING
        yield Problem(
            source,
            " / ".join(group.paths),
            shown,
            f"exactly one of {listed} must be set, {len(present)} are ({upstream})",
        )
    elif group.kind == "at_least_one_of" and not present:
        yield Problem(
            source, " / ".join(group.paths), MISSING, f"one of {listed} must be set ({upstream})"
        )
    elif group.kind == "conflicts_with" and len(present) > 1:
        yield Problem(
            source,
            " / ".join(present),
            {path: inputs[path] for path in present},
            f"only one of {listed} may be set ({upstream})",
        )


def _values(node: Any, segments: list[str], prefix: str) -> Iterator[tuple[str, Any]]:
    """(concrete path, value) of every value at the path; `[]` segments fan out over lists."""
    if not segments:
        yield prefix, node
        return
    segment, rest = segments[0], segments[1:]
    key = segment.removesuffix("[]")
    if not isinstance(node, Mapping) or node.get(key) is None:
        return
    here = f"{prefix}.{key}" if prefix else key
    value = node[key]
    if not segment.endswith("[]"):
        yield from _values(value, rest, here)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _values(item, rest, f"{here}[{index}]")
    else:
        yield here, value  # not a list where one is expected: the field's checks say so


def _missing(inputs: Mapping[str, Any], path: str) -> Iterator[str]:
    """Concrete paths where a required input is absent, under every parent that exists."""
    *parents, leaf = path.split(".")
    for parent_path, parent in _values(inputs, parents, ""):
        if isinstance(parent, Mapping) and parent.get(leaf) is None:
            yield f"{parent_path}.{leaf}" if parent_path else leaf
