"""Reading the previous state: `--previous FILE` (a manifest or `pulumi stack output --json`),
and inside the program the stack's own last output, through the engine's readStackOutputs."""

from __future__ import annotations

import json
from pathlib import Path

import pulumi
import pytest

from org_backup.coverage.state.previous import previous_from_stack_outputs, read_previous
from org_backup.errors import InputError
from org_backup.rollout import stack_output
from org_backup.rollout.export import build_manifest
from org_backup.rollout.mock_engine import run_mocked
from org_backup.rollout.synthesize import EngineHeld
from tests.support.plans import covered, org, skipped

A, B = "111122223333", "444455556666"
MANIFEST = build_manifest(org(covered(A), skipped(B)))


@pytest.mark.parametrize("wrapped", [False, True], ids=["manifest", "stack-output"])
def test_a_manifest_or_stack_output_file(tmp_path: Path, wrapped: bool):
    path = tmp_path / "previous.json"
    path.write_text(json.dumps({"org_backup": MANIFEST} if wrapped else MANIFEST))

    previous = read_previous(str(path))

    assert set(previous.covered) == {A}
    assert previous.source == str(path)
    assert [r.region for r in previous.covered[A].regions] == ["us-east-1", "eu-west-1"]


@pytest.mark.parametrize(
    ("text", "field", "hint"),
    [
        (None, "--previous", "no such file"),
        ("{not json", "line 1 column 2", "not valid JSON"),
        ('{"outputs": {}}', "(document)", ""),
        ('{"org_backup": {"schema_version": 2}}', "org_backup.schema_version", "unknown"),
    ],
    ids=["missing", "not-json", "not-a-manifest", "newer-schema"],
)
def test_an_unreadable_or_invalid_file_is_exit_2_naming_it(tmp_path, text, field, hint):
    path = tmp_path / "previous.json"
    if text is not None:
        path.write_text(text)
    with pytest.raises(InputError) as raised:
        read_previous(str(path))
    problem = raised.value.problems[0]
    assert (problem.source, problem.field) == (str(path), field)
    assert hint in problem.message


def test_another_organization_or_shard_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "previous.json"
    path.write_text(json.dumps(MANIFEST))
    previous = read_previous(str(path))

    previous.check_matches("o-exampleorg1", 0)  # its own: fine
    with pytest.raises(InputError) as raised:
        previous.check_matches("o-otherorg22", 1)
    text = str(raised.value)
    assert f"{path}: organization.id: 'o-exampleorg1': is another organization" in text
    assert f"{path}: shard.index: 0: is another shard than this run's (shard_index 1)" in text


def test_numbers_from_the_engine_arrive_as_doubles_and_read_as_integers():
    doubled = json.loads(json.dumps(MANIFEST), parse_int=float)
    previous = previous_from_stack_outputs({"org_backup": doubled}, "stack dev")
    rule = previous.covered[A].regions[0].plan.rules[0]
    assert rule.delete_after_days == 90 and type(rule.delete_after_days) is int


def test_a_stack_without_the_output_has_no_previous_state():
    assert previous_from_stack_outputs({}, "stack dev") is None
    assert previous_from_stack_outputs({"other": 1}, "stack dev") is None


def read_in_program(stack_outputs, monkeypatch, organization=None):
    """Run read_own_previous under the mock engine; returns it and the stack name asked for."""
    asked = []
    original = stack_output.pulumi.runtime.invoke

    def recording(token, args, *rest, **kwargs):
        asked.append((token, dict(args)))
        return original(token, args, *rest, **kwargs)

    monkeypatch.setattr(stack_output.pulumi.runtime, "invoke", recording)
    if organization:
        monkeypatch.setattr(stack_output.pulumi, "get_organization", lambda: organization)
    found = []

    def program():
        found.append(stack_output.read_own_previous())
        return pulumi.Output.from_input({})

    run_mocked(
        program, project="org-backup", stack="prod", stack_outputs_json=json.dumps(stack_outputs)
    )
    return found[0], asked


def test_the_program_reads_its_own_last_output_through_the_engine(monkeypatch):
    previous, asked = read_in_program({"org_backup": MANIFEST}, monkeypatch)
    assert asked == [("pulumi:pulumi:readStackOutputs", {"name": "prod"})]
    assert set(previous.covered) == {A}
    assert previous.source == "stack prod (its last org_backup output)"


@pytest.mark.parametrize(
    ("organization", "name"),
    [("acme", "acme/org-backup/prod"), ("organization", "prod")],
    ids=["pulumi-cloud", "self-managed"],
)
def test_the_stack_is_asked_for_by_the_name_its_backend_parses(monkeypatch, organization, name):
    _, asked = read_in_program({}, monkeypatch, organization=organization)
    assert asked[0][1] == {"name": name}


def test_a_new_stack_has_no_previous_state(monkeypatch):
    previous, _ = read_in_program({}, monkeypatch)
    assert previous is None


def test_an_invalid_own_output_stops_the_program_naming_the_stack(monkeypatch):
    with pytest.raises(InputError) as raised:
        read_in_program({"org_backup": {"schema_version": 1}}, monkeypatch)
    assert str(raised.value).startswith("stack prod (its last org_backup output): org_backup.")


def test_a_backend_that_cannot_answer_stops_the_program(monkeypatch):
    """Our message names the stack and why it matters; the engine fails the run as well."""

    def failing(self, args):
        raise RuntimeError("no backend client is available")

    monkeypatch.setattr("org_backup.rollout.mock_engine.AwsMocks.call", failing)
    caught: list[InputError] = []

    def program():
        try:
            stack_output.read_own_previous()
        except InputError as error:
            caught.append(error)
        return pulumi.Output.from_input({})

    with pytest.raises(RuntimeError, match="no backend client"):
        run_mocked(program, project="org-backup", stack="prod")
    assert "stack prod: outputs: cannot be read" in str(caught[0])
    assert "removal guard cannot run" in str(caught[0])


def test_synth_hands_the_engine_the_outputs_and_keeps_no_parsed_copy(tmp_path: Path):
    """`--previous` under synth: the engine gets the stack output the file holds, serialized as
    an engine holds it, and from a manifest nothing parsed is kept beside it: what the program
    reads back is the file's manifest."""
    path = tmp_path / "previous.json"
    path.write_text(json.dumps(MANIFEST))
    held = EngineHeld.of(read_previous(str(path)))
    assert held is not None and held.exported is None
    assert held.source == str(path)
    program_reads = previous_from_stack_outputs(json.loads(held.stack_outputs_json), "stack")
    assert program_reads is not None
    assert program_reads.manifest == read_previous(str(path)).manifest
    assert EngineHeld.of(None) is None
