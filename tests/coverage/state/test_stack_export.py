"""Reading a `pulumi stack export`: which accounts and regions its state holds, read from typed
fields (type, custom, parent, the `region` input), and every way the file can be wrong."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from org_backup.coverage.state.previous import read_previous
from org_backup.coverage.state.stack_export import read_stack_export
from org_backup.errors import InputError
from org_backup.rollout.export import build_manifest
from tests.support.exports import resources_of, stack_export, write
from tests.support.plans import COMPONENT, PLAN, PROVIDER, covered, org

A, B = "111122223333", "444455556666"
STACK = "pulumi:pulumi:Stack"


@pytest.fixture(scope="module")
def export() -> dict:
    """A in us-east-1 and eu-west-1 (its provider in eu-west-1), B in us-east-1; the output
    lists A only."""
    listed = org(covered(A, regions=("eu-west-1", "us-east-1")))
    everything = org(covered(A, regions=("eu-west-1", "us-east-1")), covered(B, ("us-east-1",)))
    return stack_export(everything, "prod", {"org_backup": build_manifest(listed)})


def test_the_state_holds_both_accounts_the_output_one(export, tmp_path: Path):
    previous = read_previous(write(tmp_path / "state.json", export))

    assert set(previous.covered) == {A}
    assert previous.baseline[A].regions == ("eu-west-1", "us-east-1")  # its provider's first
    assert not previous.baseline[A].only_in_state
    assert previous.baseline[B].only_in_state and previous.baseline[B].regions == ("us-east-1",)
    assert previous.state is not None and previous.state.stack == "prod"


def test_the_resources_are_there_by_name_and_type_with_the_inputs_sent(export, tmp_path):
    """What a later comparison of registrations with the state (replacements) reads."""
    previous = read_previous(write(tmp_path / "state.json", export))

    plan = next(r for r in previous.resources if r.name == f"{B}-us-east-1-plan")
    assert plan.type == PLAN and plan.custom and plan.parent == B
    assert plan.inputs["region"] == "us-east-1"
    assert plan.inputs["rules"][0]["lifecycle"]["deleteAfter"] == 90  # an integer, as written


def test_a_component_with_nothing_in_aws_under_it_is_not_an_account_of_the_state(export):
    """An update interrupted after the component and its provider: nothing to delete."""
    trimmed = copy.deepcopy(export)
    kept = {r["urn"] for r in resources_of(trimmed, B) if r["type"] in (PROVIDER, COMPONENT)}
    doomed = {r["urn"] for r in resources_of(trimmed, B)} - kept
    resources = trimmed["deployment"]["resources"]
    trimmed["deployment"]["resources"] = [r for r in resources if r["urn"] not in doomed]

    assert set(read_stack_export("state.json", trimmed).accounts) == {A}


def test_entries_pending_deletion_are_not_what_the_state_deploys(export):
    marked = copy.deepcopy(export)
    for resource in resources_of(marked, B):
        resource["delete"] = True

    assert set(read_stack_export("state.json", marked).accounts) == {A}


def test_a_name_may_hold_the_urn_delimiter():
    """urn.go: the name is everything after the third `::`."""
    document = {
        "version": 3,
        "deployment": {
            "resources": [
                {"urn": "urn:pulumi:prod::p::pulumi:pulumi:Stack::p-prod", "type": STACK},
                {"urn": "urn:pulumi:prod::p::x:y:Z::a::b", "type": "x:y:Z", "custom": True},
            ]
        },
    }
    state = read_stack_export("state.json", document)
    assert [r.name for r in state.resources] == ["a::b"] and state.stack == "prod"


@pytest.mark.parametrize(
    ("change", "field", "hint"),
    [
        (lambda d: d.update(version=2), "version", "deployment schema version this org-backup"),
        (lambda d: d["deployment"].update(resources={}), "deployment.resources", ""),
        (
            lambda d: d["deployment"]["resources"][1].update(urn="urn:pulumi:prod::x"),
            "resources.urn",
            "is not a Pulumi URN",
        ),
        (
            lambda d: d["deployment"]["resources"][0]["outputs"].update(
                org_backup={"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}
            ),
            "root stack outputs.org_backup",
            "is a secret",
        ),
    ],
    ids=["version", "not-a-list", "bad-urn", "encrypted-output"],
)
def test_an_export_it_cannot_read_is_exit_2_naming_the_file(export, tmp_path, change, field, hint):
    broken = copy.deepcopy(export)
    change(broken)
    path = tmp_path / "state.json"
    path.write_text(json.dumps(broken))

    with pytest.raises(InputError) as raised:
        read_previous(str(path))

    problem = raised.value.problems[0]
    assert (problem.source, problem.field) == (str(path), field)
    assert hint in problem.message


def test_a_component_whose_name_is_no_account_id_is_refused(export):
    renamed = copy.deepcopy(export)
    for resource in renamed["deployment"]["resources"]:
        resource["urn"] = resource["urn"].replace(f"::{B}", "::not-an-account")
        if "parent" in resource:
            resource["parent"] = resource["parent"].replace(f"::{B}", "::not-an-account")

    with pytest.raises(InputError, match="whose name is not an account id"):
        read_stack_export("state.json", renamed)
