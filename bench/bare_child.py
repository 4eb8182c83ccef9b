"""Child process: the SDK's floor, the program's own resource graph registered with no project
logic.

The floor replays the graph that `synth` registered for the same organization (recorded by
bench/record_child.py, bench/graph.py): every resource, with pulumi and pulumi_aws's own
classes, the same types, logical names, parents and providers (so the same URNs), the same
inputs, every value that came from another resource's output passed as that resource's
`Output` (a selection's plan id, a role's ARN), the same `depends_on`, aliases, retain-on-delete
and import ids, and each component's registered outputs. That is what the SDK costs for this
graph: any program that registers it, however it was written, pays for those Outputs, edges and
aliases. It runs under the same mock engine, whose answers and provider-rules check (the AWS
provider's Check, emulated: the real engine would run it for any program) both sides pay, and
under the program's garbage-collector policy (`defer_full_collections`) and its pacing of the
event loop between accounts (`let_registrations_run`): any program could tune the interpreter
and pace its registrations the same way.

What `synth` costs beyond this is the project's own: settings and account files, discovery,
coverage resolution, the vault lookups for adoption, the previous state and the removal guard,
each region's shape, names and policy documents, the `Args` objects (the floor passes the same
values as dictionaries), each account's `DeployedAccount`, and the manifest.

    python -m bench.bare_child GRAPH.json RESOURCES_OUT

RESOURCES_OUT receives its `resources` entries (as synth's manifest lists them), written after
the measurement, so that a floor that registered anything differently can be shown.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pulumi

from bench.child import emit, measure, registrations
from bench.graph import replay
from org_backup.rollout.mock_engine import run_mocked
from org_backup.rollout.program import defer_full_collections, gather


async def program(graph: list[dict[str, Any]]) -> pulumi.Output[int]:
    """Resolves once every resource is registered, as synth's manifest does, gathered the way
    the program gathers its ids (`gather`: no quadratic union of resource sets).

    Returning at once instead would leave all registrations to the SDK's final wait loop, which
    re-waits on every pending task each time one finishes: quadratic, and not the floor.
    """
    defer_full_collections()  # the program's own collector policy: no floor pays what it skips
    resources = await replay(graph)
    return gather([resource.urn for resource in resources]).apply(len)


def main(graph_path: Path, resources_path: Path) -> None:
    graph = json.loads(graph_path.read_text())
    (_, resources), figures = measure(
        lambda: run_mocked(lambda: program(graph), project="org-backup", stack="bench")
    )
    emit({**figures, **registrations(resources)})
    resources_path.write_text(json.dumps(resources))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
