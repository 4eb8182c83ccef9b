"""Rendezvous shards and `reshard`: going from 4 to 5 shards moves about a fifth of 1,000
accounts, and `reshard` prints a `pulumi state move` for exactly those, with the URNs the
program registers."""

from __future__ import annotations

import copy
import json
import re
import shlex
from collections import Counter
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml

from org_backup.cli import main
from org_backup.coverage.state.guard import check_removals, removals
from org_backup.coverage.state.previous import read_previous
from org_backup.errors import InputError
from org_backup.organization.sharding import shard_of
from org_backup.rollout.account import AccountBackup
from org_backup.rollout.export import build_manifest
from org_backup.rollout.mock_engine import run_mocked
from org_backup.rollout.state_moves import component_urn
from org_backup.rollout.synthesize import PROJECT
from tests.support.exports import IntegrityError, stack_export, state_move, write
from tests.support.plans import covered, org

PROVIDER_TYPE = "pulumi:providers:aws"

ROOT = Path(__file__).resolve().parents[2]
IDS = [f"{100000000000 + 7919 * n:012d}" for n in range(1000)]


def test_one_more_shard_moves_about_one_in_n_plus_one_and_only_into_the_new_shard():
    for count in range(1, 9):
        before = {a: shard_of(a, count) for a in IDS}
        after = {a: shard_of(a, count + 1) for a in IDS}
        moved = [a for a in IDS if before[a] != after[a]]
        assert {after[a] for a in moved} <= {count}, "a moved account goes to the new shard only"
        assert abs(len(moved) / len(IDS) - 1 / (count + 1)) < 0.05, (count, len(moved))
    sizes = Counter(shard_of(a, 5) for a in IDS)
    assert min(sizes.values()) > 150, sizes  # shards stay balanced


def _manifest(index: int, count: int, accounts: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "organization": {"id": "o-exampleorg1", "management_account_id": "999999999999"},
        "shard": {"index": index, "count": count},
        "accounts": accounts,
    }


def _account(account_id: str, status: str) -> dict[str, Any]:
    entry = {"account_id": account_id, "name": f"acct-{account_id[-4:]}", "ou_path": "Root/ML"}
    if status == "covered":
        return {**entry, "status": "covered", "regions": []}
    return {**entry, "status": "skipped", "skip_reason": "suspended"}


@pytest.fixture
def four_shards(tmp_path: Path) -> list[Path]:
    """The stack outputs of 4 shards of 1,000 accounts, every tenth one skipped."""
    by_shard: dict[int, list[dict[str, Any]]] = {index: [] for index in range(4)}
    for n, account_id in enumerate(IDS):
        by_shard[shard_of(account_id, 4)].append(
            _account(account_id, "skipped" if n % 10 == 0 else "covered")
        )
    paths = []
    for index, accounts in by_shard.items():
        path = tmp_path / f"outputs-shard-{index}.json"
        path.write_text(json.dumps({"org_backup": _manifest(index, 4, accounts)}))
        paths.append(path)
    return paths


def _commands(text: str) -> list[list[str]]:
    """Each command of the printed script, its continuation lines joined, split as a shell would."""
    joined = re.sub(r"\\\n", " ", text)
    lines = [line for line in joined.splitlines() if line and not line.startswith("#")]
    return [shlex.split(line, comments=True) for line in lines]


def test_reshard_prints_a_state_move_for_each_moved_account_and_nothing_for_the_rest(
    four_shards: list[Path], capsys: pytest.CaptureFixture[str]
):
    args = ["reshard", "--to", "5"]
    for path in four_shards:
        args += ["--input", str(path)]

    assert main(args) == 0

    commands = _commands(capsys.readouterr().out)
    assert ["pulumi", "stack", "init", "shard-4"] in commands
    moved_urns: dict[str, tuple[str, str]] = {}
    for command in commands:
        if command[:3] != ["pulumi", "state", "move"]:
            continue
        source, dest = command[command.index("--source") + 1], command[command.index("--dest") + 1]
        urns = [word for word in command if word.startswith("urn:")]
        assert 0 < len(urns) <= 20
        for urn in urns:
            assert urn.startswith(f"urn:pulumi:{source}::org-backup::org-backup:index:")
            moved_urns[urn.rsplit("::", 1)[1]] = (source, dest)

    expected = {
        account_id: (f"shard-{shard_of(account_id, 4)}", f"shard-{shard_of(account_id, 5)}")
        for n, account_id in enumerate(IDS)
        if n % 10 and shard_of(account_id, 4) != shard_of(account_id, 5)
    }
    assert moved_urns == expected
    assert 0.15 < len(moved_urns) / 900 < 0.25  # about a fifth of the covered accounts


def test_an_incomplete_set_of_shards_is_refused(
    four_shards: list[Path], capsys: pytest.CaptureFixture[str]
):
    args = ["reshard", "--to", "5", "--input", str(four_shards[0]), "--input", str(four_shards[2])]

    assert main(args) == 2

    captured = capsys.readouterr()
    assert "shard 1 of 4 is missing" in captured.err
    assert "shard 3 of 4 is missing" in captured.err
    assert "pulumi state move" not in captured.out


def test_shards_of_two_organizations_are_refused(tmp_path: Path, capsys):
    paths = []
    for organization in ("o-aaaaaaaaaa", "o-bbbbbbbbbb"):
        document = _manifest(0, 1, [_account(IDS[0], "covered")])
        document["organization"]["id"] = organization
        paths += ["--input", str(tmp_path / f"{organization}.json")]
        (tmp_path / f"{organization}.json").write_text(json.dumps(document))

    assert main(["reshard", "--to", "2", *paths]) == 2
    assert "2 organizations" in capsys.readouterr().err


def test_component_urn_is_the_one_the_program_registers():
    """The mock monitor builds URNs like the engine except for one thing: it keeps the root
    stack's type in a top-level resource's type, which the engine leaves out (pulumi/pulumi
    pkg/resource/deploy/deployment.go, generateURN)."""
    account = covered("111122223333")
    urn, _ = run_mocked(
        lambda: pulumi.Output.from_input(AccountBackup(account, "aws", {}, "999999999999").urn),
        project=PROJECT,
        stack="shard-3",
    )

    assert urn.replace("::pulumi:pulumi:Stack$", "::") == component_urn(
        "shard-3", PROJECT, "111122223333"
    )


def test_the_default_project_name_is_pulumi_yamls():
    assert yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["name"] == PROJECT


def test_a_shard_count_below_one_is_a_usage_error(four_shards: list[Path]):
    with pytest.raises(SystemExit) as exit_:
        main(["reshard", "--to", "0", "--input", str(four_shards[0])])
    assert exit_.value.code == 2


def test_reshard_reads_states_and_the_destination_guards_what_moved_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    """From `pulumi stack export`s, an account only a source's state holds (an update failed
    after creating it) moves too; after the moves, the destination's state holds them before
    any output of it does, and its guard counts them."""
    ids = IDS[:8]
    moving = [a for a in ids if shard_of(a, 2) == 1]
    assert len(moving) >= 2
    listed = org(*(covered(a) for a in ids if a != moving[0]))
    export = stack_export(
        org(*(covered(a) for a in ids)), "shard-0", {"org_backup": build_manifest(listed)}
    )
    path = write(tmp_path / "state-shard-0.json", export)

    assert main(["reshard", "--to", "2", "--input", path]) == 0

    out = capsys.readouterr().out
    assert f"# {moving[0]} (found only in the state)" in out
    urns = [word for command in _commands(out) for word in command if word.startswith("urn:")]
    assert sorted(urn.rsplit("::", 1)[1] for urn in urns) == sorted(moving)

    source, dest = state_move(export, None, urns, "shard-1")
    destination = read_previous(write(tmp_path / "state-shard-1.json", dest))
    assert set(destination.baseline) == set(moving)
    assert all(before.only_in_state for before in destination.baseline.values())
    assert set(read_previous(write(tmp_path / "after-0.json", source)).baseline) == (
        set(ids) - set(moving)
    )

    shard_1 = {"shard_index": 1, "shard_count": 2}
    assert removals(destination, org(*(covered(a) for a in moving), **shard_1)) == []
    # Its first `pulumi up` with a walk that misses one of them: counted, and refused at 0.
    with pytest.raises(InputError) as raised:
        check_removals(destination, org(*(covered(a) for a in moving[1:]), **shard_1), 0)
    assert f"'{moving[0]}'" in str(raised.value)
    assert "found only in the state" in str(raised.value)


def test_reshard_needs_the_output_of_each_state_for_its_shard(tmp_path: Path, capsys):
    export = stack_export(org(covered(IDS[0])), "shard-0")
    path = write(tmp_path / "state.json", export)

    assert main(["reshard", "--to", "2", "--input", path]) == 2
    assert "never completed an update, so its shard is unknown" in capsys.readouterr().err


def test_a_moved_component_leaves_no_provider_without_its_parent(tmp_path: Path):
    """`pulumi state move` copies providers and never moves them, children of the moved
    component included (pulumi/pulumi#20639); both states must then pass the CLI's integrity
    check. Account providers are top-level resources, so the source keeps a provider with no
    dependents (its next `pulumi up` deletes it, which touches nothing in AWS)."""
    account = IDS[0]
    export = stack_export(org(covered(account), covered(IDS[1])), "shard-0")
    provider = next(r for r in export["deployment"]["resources"] if r["type"] == PROVIDER_TYPE)
    assert provider["parent"].endswith("::org-backup-shard-0")  # the root stack

    source, dest = state_move(
        export, None, [component_urn("shard-0", "org-backup", account)], "shard-1"
    )

    kept = [r["urn"] for r in source["deployment"]["resources"] if r["type"] == PROVIDER_TYPE]
    copied = [r for r in dest["deployment"]["resources"] if r["type"] == PROVIDER_TYPE]
    assert len(kept) == 2 and [r["urn"].rsplit("::", 1)[1] for r in copied] == [f"{account}-aws"]
    # The same account with its provider under the component, as deployed before: refused.
    nested = copy.deepcopy(export)
    for resource in nested["deployment"]["resources"]:
        if resource["type"] == PROVIDER_TYPE and resource["urn"].endswith(f"::{account}-aws"):
            resource["parent"] = component_urn("shard-0", "org-backup", account)
    with pytest.raises(IntegrityError, match="refers to missing parent"):
        state_move(nested, None, [component_urn("shard-0", "org-backup", account)], "shard-1")


def test_reshard_names_the_stacks_from_the_base_stack(tmp_path: Path, capsys):
    """One stack `prod` going to two shards: prod keeps shard 0, prod-shard-1 is new."""
    accounts = [_account(account_id, "covered") for account_id in IDS[:50]]
    path = tmp_path / "prod.json"
    path.write_text(json.dumps({"org_backup": _manifest(0, 1, accounts)}))

    assert main(["reshard", "--to", "2", "-i", str(path), "-s", "prod"]) == 0

    out = capsys.readouterr().out
    commands = _commands(out)
    assert ["pulumi", "config", "set", "org-backup:shard_count", "2", "-s", "prod"] in commands
    assert ["org-backup", "stacks", "sync", "-s", "prod"] in commands
    assert ["pulumi", "stack", "init", "prod-shard-1"] in commands
    moves = [c for c in commands if c[:3] == ["pulumi", "state", "move"]]
    assert moves and all(c[3:7] == ["--source", "prod", "--dest", "prod-shard-1"] for c in moves)
    assert all(
        word.startswith("urn:pulumi:prod::org-backup::")
        for c in moves
        for word in c
        if word.startswith("urn:")
    )
    assert "shard-0" not in out
