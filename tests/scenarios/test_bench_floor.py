"""`make bench`'s SDK floor is only a fair comparison if it registers exactly the program's
graph: the recorded graph, replayed with the bare SDK, must register the same resources with
the same inputs, Output wiring, options and component outputs, for every feature at once."""

from __future__ import annotations

from typing import Any

import pulumi

from bench.graph import AFTER, OUTPUT, GraphRecorder, by_name, replay
from org_backup.coverage import names
from org_backup.coverage.adoption import Adoption
from org_backup.rollout.mock_engine import run_mocked
from org_backup.rollout.synthesize import synthesize_program
from tests.rollout.test_sizing import MIXES, ONE_REGION, TWO_REGIONS
from tests.support.plans import covered, org


def recorded(run: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The graph `run(make_monitor)` registered, and its `resources` entries."""
    recorders: list[GraphRecorder] = []

    def recorder(*args: Any) -> GraphRecorder:
        recorders.append(GraphRecorder(*args))
        return recorders[-1]

    resources = run(recorder)
    return recorders[0].graph, resources


def every_feature() -> Any:
    mix = {key: value for feature in MIXES.values() for key, value in feature.items()}
    policy = mix.pop("policy")
    return org(
        covered(ONE_REGION, regions=("us-east-1",), policy=policy),
        covered(
            TWO_REGIONS,
            policy=policy,
            import_vaults={"eu-west-1": "org-backup-ai@eu-west-1"},
        ),
        **mix,
    )


def test_the_floor_replays_the_programs_graph_exactly():
    coverage = every_feature()
    graph, program = recorded(
        lambda recorder: synthesize_program(
            lambda _: Adoption(coverage, ()), "bench", make_monitor=recorder
        )[1]["resources"]
    )

    async def floor() -> pulumi.Output[int]:
        resources = await replay([dict(entry) for entry in graph])
        return pulumi.Output.all(*(resource.urn for resource in resources)).apply(len)

    replayed, registered = recorded(
        lambda recorder: run_mocked(
            floor, project="org-backup", stack="bench", make_monitor=recorder
        )[1]
    )

    assert registered == program
    assert by_name(replayed) == by_name(graph)


def test_the_graph_records_outputs_edges_aliases_and_imports():
    coverage = every_feature()
    graph, _ = recorded(
        lambda recorder: synthesize_program(
            lambda _: Adoption(coverage, ()), "bench", make_monitor=recorder
        )[1]["resources"]
    )
    entries = by_name(graph)
    selection = entries[f"{TWO_REGIONS}-eu-west-1-selection"]

    assert selection["inputs"]["planId"] == {OUTPUT: [f"{TWO_REGIONS}-eu-west-1-plan", "id"]}
    assert selection["inputs"]["iamRoleArn"] == {OUTPUT: [f"{TWO_REGIONS}-backup-role", "arn"]}
    assert selection["depends_on"] == [
        f"{TWO_REGIONS}-backup-role-backup",
        f"{TWO_REGIONS}-backup-role-restores",
    ]
    assert entries[names.provider_name(TWO_REGIONS)]["aliases"] == [
        {
            "name": None,
            "type": None,
            "parent": names.component_name(TWO_REGIONS),
            "no_parent": False,
        }
    ]
    assert entries[f"{TWO_REGIONS}-eu-west-1-vault"]["import_id"] == "org-backup-ai@eu-west-1"
    assert any(AFTER in str(entry["inputs"]) for entry in entries.values())
