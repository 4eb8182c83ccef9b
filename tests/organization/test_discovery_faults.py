"""The OU walk cannot lose an account: accounts moved while it runs, an OU answering short.

The organization moves under the walk the way it would in AWS: between two listings, on
moto's backend, the moment the walk asks for the OU that is listed second. An OU that answers
short is answered at the HTTP edge. `synth` runs as the nightly job runs it, against the
previous state of a clean night.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.organizations.models import organizations_backends

from org_backup.cli import main
from org_backup.coverage import names
from tests.support.faults import Edge, json_answer, json_params
from tests.support.orgs import Org, new_org


@dataclass
class Night:
    org: Org
    directory: Path
    capsys: pytest.CaptureFixture[str]
    monkeypatch: pytest.MonkeyPatch

    def cli(self, *argv: str) -> tuple[int, str]:
        self.capsys.readouterr()
        code = main([argv[0], "--accounts-dir", str(self.directory / "accounts"), *argv[1:]])
        return code, self.capsys.readouterr().err

    def synth(self, name: str, *args: str) -> dict[str, Any]:
        out = self.directory / f"{name}.json"
        code, err = self.cli("synth", "--out", str(out), *args)
        assert code == 0, err
        return json.loads(out.read_text())

    def discover(self, *args: str) -> dict[str, Any]:
        """`discover --json`: the manifest, ids null."""
        self.capsys.readouterr()
        code = main(
            ["discover", "--json", "--accounts-dir", str(self.directory / "accounts"), *args]
        )
        captured = self.capsys.readouterr()
        assert code == 0, captured.err
        return json.loads(captured.out)

    def plan(self) -> str:
        """`discover --json` written to a file: a previous state without the mock engine."""
        path = self.directory / "previous.json"
        path.write_text(json.dumps(self.discover()))
        return str(path)

    def move(self, account_name: str, ou_path: str) -> None:
        """Moved by someone else (organizations:MoveAccount), straight on moto's backend."""
        backend = organizations_backends[DEFAULT_ACCOUNT_ID]["aws"]
        backend.get_account_by_id(self.org.accounts[account_name]).parent_id = self.org.ous[ou_path]


@pytest.fixture
def night(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> Iterator[Night]:
    """Root with two OUs, listed in this order: A (a-1, a-2) then B (b-1, b-2, b-3)."""
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    monkeypatch.setenv("ORG_BACKUP_REGIONS", json.dumps(["us-east-1", "eu-west-1"]))
    (tmp_path / "accounts").mkdir()
    with mock_aws():
        org = new_org()
        for name in ("a-1", "a-2"):
            org.account(name, "A")
        for name in ("b-1", "b-2", "b-3"):
            org.account(name, "B")
        yield Night(org, tmp_path, capsys, monkeypatch)


def when_listing(night: Night, edge: Edge, ou_path: str, then) -> None:
    """Run `then` once, as the walk asks for the accounts of `ou_path` (before the answer)."""
    done: list[bool] = []

    def listing(request):
        if json_params(request).get("ParentId") == night.org.ous[ou_path] and not done:
            done.append(True)
            then()
        return None  # moto answers, from the moved organization

    edge.on("organizations", "ListAccountsForParent", listing)


def resources_by_account(document: dict[str, Any]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for account in document["accounts"]:
        component = names.component_name(account["account_id"])
        found[account["account_id"]] = {
            r["name"]
            for r in document["resources"]
            if r["name"] == component or r["parent"] == component
        }
    return found


def moved_b1_b2_into_a(night: Night, edge: Edge) -> None:
    when_listing(night, edge, "B", lambda: [night.move("b-1", "A"), night.move("b-2", "A")])


def moved_a1_out_into_b(night: Night, edge: Edge) -> None:
    when_listing(night, edge, "B", lambda: night.move("a-1", "B"))


def b_answers_empty(night: Night, edge: Edge) -> None:
    empty = json_answer({"Accounts": []})
    b = night.org.ous["B"]
    edge.on(
        "organizations",
        "ListAccountsForParent",
        lambda request: empty(request) if json_params(request)["ParentId"] == b else None,
    )


@pytest.mark.parametrize(
    ("fault", "where"),
    [
        (moved_b1_b2_into_a, {"b-1": "Root/A", "b-2": "Root/A"}),
        (moved_a1_out_into_b, {"a-1": "Root/B"}),
        (b_answers_empty, {"b-1": "Root/B", "b-2": "Root/B", "b-3": "Root/B"}),
    ],
    ids=["moved-into-a-listed-ou", "moved-out-of-a-listed-ou", "ou-answers-empty"],
)
def test_synth_keeps_every_covered_account_placed_once(night: Night, edge: Edge, fault, where):
    clean = night.synth("clean")
    previous = night.directory / "clean.json"

    fault(night, edge)
    faulty = night.synth("faulty", "--previous", str(previous))

    ids = [account["account_id"] for account in faulty["accounts"]]
    assert sorted(ids) == sorted(a["account_id"] for a in clean["accounts"])  # each once
    assert resources_by_account(faulty) == resources_by_account(clean)
    accounts = {a["name"]: a for a in faulty["accounts"]}
    for name, account in accounts.items():
        assert account["status"] == clean_status(clean, name)
        assert account["regions"] == clean_regions(clean, name)
        assert account["ou_path"] == where.get(name, account["ou_path"])
        moved = name in where
        assert (account["placement"] is not None) == moved, name
        if moved:
            assert "placed by organizations:ListParents" in account["placement"]
    assert faulty["resources"] and len(faulty["resources"]) == len(clean["resources"])


def clean_status(clean: dict[str, Any], name: str) -> str:
    return next(a["status"] for a in clean["accounts"] if a["name"] == name)


def clean_regions(clean: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return next(a["regions"] for a in clean["accounts"] if a["name"] == name)


def test_discover_names_the_accounts_placed_after_the_walk(night: Night, edge: Edge):
    moved_b1_b2_into_a(night, edge)

    code, err = night.cli("discover")

    assert code == 0, err
    placed = [line for line in err.splitlines() if "placed by organizations:ListParents" in line]
    assert len(placed) == 2
    assert all("not in its OU's listing during the walk" in line for line in placed)
    assert {night.org.accounts["b-1"], night.org.accounts["b-2"]} == {
        line.split()[2] for line in placed
    }


def test_the_extra_calls_are_one_list_parents_per_moved_account(night: Night, edge: Edge):
    moved_b1_b2_into_a(night, edge)
    edge.count("organizations", *ORGANIZATION_CALLS)

    night.discover()

    assert organization_calls(edge) == {
        **minimum(),
        "ListParents": 2,  # b-1 and b-2, whose parent A the walk knows
    }


def test_with_nothing_moved_the_walk_costs_its_pages_and_one_flat_listing(night, edge: Edge):
    edge.count("organizations", *ORGANIZATION_CALLS)

    night.discover()

    assert organization_calls(edge) == minimum()


ORGANIZATION_CALLS = (
    "DescribeOrganization",
    "ListRoots",
    "ListAccountsForParent",
    "ListOrganizationalUnitsForParent",
    "ListAccounts",
    "ListParents",
    "DescribeOrganizationalUnit",
)


def minimum() -> dict[str, int]:
    """Root, A and B: one listing of accounts and one of child OUs each; one flat listing."""
    return {
        "DescribeOrganization": 1,
        "ListRoots": 1,
        "ListAccountsForParent": 3,
        "ListOrganizationalUnitsForParent": 3,
        "ListAccounts": 1,
    }


def organization_calls(edge: Edge) -> dict[str, int]:
    return {
        operation: edge.calls[f"organizations.{operation}"]
        for operation in ORGANIZATION_CALLS
        if edge.calls[f"organizations.{operation}"]
    }


def test_an_ou_the_walk_missed_is_found_up_the_parents(night: Night, edge: Edge):
    # Root's child OUs answer without B: B's accounts are in no listing, B unknown to the walk.
    listed_a_only = json_answer(
        {"OrganizationalUnits": [{"Id": night.org.ous["A"], "Name": "A", "Arn": "arn"}]}
    )
    root = night.org.root_id
    edge.on(
        "organizations",
        "ListOrganizationalUnitsForParent",
        lambda request: (
            listed_a_only(request) if json_params(request)["ParentId"] == root else None
        ),
    )
    edge.count("organizations", *ORGANIZATION_CALLS)

    document = night.discover()

    accounts = {a["name"]: a for a in document["accounts"]}
    assert {accounts[name]["ou_path"] for name in ("b-1", "b-2", "b-3")} == {"Root/B"}
    assert all(accounts[name]["status"] == "covered" for name in ("b-1", "b-2", "b-3"))
    calls = organization_calls(edge)
    # The first of B's accounts costs ListParents for itself and for B, and B's name; the
    # others one ListParents each, B being known by then.
    assert calls["ListParents"] == 4
    assert calls["DescribeOrganizationalUnit"] == 1


def fail_list_parents(night: Night, edge: Edge) -> None:
    """Every ListParents answers 500, on both of its (shrunk) attempts."""
    night.monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    edge.on("organizations", "ListParents", json_answer({"message": "boom"}, status=500))


def test_list_parents_failing_keeps_the_previous_ou(night: Night, edge: Edge):
    previous = night.plan()
    b_answers_empty(night, edge)
    fail_list_parents(night, edge)

    document = night.discover("--previous", previous)

    accounts = {a["name"]: a for a in document["accounts"]}
    for name in ("b-1", "b-2", "b-3"):
        assert accounts[name]["status"] == "covered"
        assert accounts[name]["ou_path"] == "Root/B"
        assert "organizations:ListParents failed" in accounts[name]["placement"]
        assert "keeps its OU from the previous state" in accounts[name]["placement"]


def test_an_unplaced_account_under_target_ous_is_degraded_not_dropped(night: Night, edge: Edge):
    night.monkeypatch.setenv("ORG_BACKUP_TARGET_OUS", json.dumps([night.org.ous["B"]]))
    previous = night.plan()
    b_answers_empty(night, edge)
    fail_list_parents(night, edge)
    # OU B renamed since: the previous path no longer names an OU of the walk.
    backend = organizations_backends[DEFAULT_ACCOUNT_ID]["aws"]
    backend.get_organizational_unit_by_id(night.org.ous["B"]).name = "B2"

    document = night.discover("--previous", previous)

    accounts = {a["name"]: a for a in document["accounts"]}
    for name in ("b-1", "b-2", "b-3"):
        assert accounts[name]["status"] == "covered"
        assert "its OU is unknown, which target_ous needs" in accounts[name]["degraded"]


def test_an_unplaced_new_account_under_target_ous_is_skipped_with_the_reason(
    night: Night, edge: Edge
):
    night.monkeypatch.setenv("ORG_BACKUP_TARGET_OUS", json.dumps([night.org.ous["B"]]))
    b_answers_empty(night, edge)
    fail_list_parents(night, edge)

    document = night.discover()

    b1 = next(a for a in document["accounts"] if a["name"] == "b-1")
    assert b1["status"] == "skipped"
    assert b1["ou_path"] == "(unknown)"
    assert "no previous state places it" in b1["skip_reason"]
