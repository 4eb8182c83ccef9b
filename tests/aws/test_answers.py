"""Malformed answers, injected at the HTTP edge: a call that the whole run depends on exits 3
naming the operation and the account, an account's own call fails that account only; nothing
is ever read as "exists" or "empty", and no traceback reaches the user."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws

from org_backup.cli import main
from tests.support.faults import HTML, NOT_UTF8, Edge, form_params, http, json_answer, json_params
from tests.support.orgs import Org, new_org

TRUNCATED_JSON = b'{"Accounts": [{"Id": "1111222'
TRUNCATED_XML = b'<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><regionInfo><item><regionName>us-'


@dataclass
class Cli:
    org: Org
    directory: Path
    capsys: pytest.CaptureFixture[str]
    monkeypatch: pytest.MonkeyPatch

    def run(self, command: str, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        code = main([command, "--accounts-dir", str(self.directory / "accounts"), *args])
        captured = self.capsys.readouterr()
        return code, captured.out, captured.err

    def discover(self, *args: str) -> dict[str, Any]:
        code, out, err = self.run("discover", "--json", *args)
        assert code == 0, err
        return json.loads(out)


@pytest.fixture
def cli(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    (tmp_path / "accounts").mkdir()
    with mock_aws():
        org = new_org()
        for name in ("ml-prod", "ml-dev", "lake"):
            org.account(name, "ML")
        yield Cli(org, tmp_path, capsys, monkeypatch)


def assert_exit_3(code: int, out: str, err: str, operation: str, account: str) -> None:
    assert code == 3, err
    assert "Traceback" not in err and out == ""
    [line] = [line for line in err.splitlines() if line.startswith("error: ")]
    assert f"AWS call {operation} failed in account {account}" in line, line
    assert "MalformedAnswer" in line, line


@pytest.mark.parametrize(
    ("operation", "answer"),
    [
        ("DescribeOrganization", http(200, TRUNCATED_JSON)),
        ("ListRoots", json_answer({"Organization": {"Id": "o-wrongshape"}})),
        ("ListAccountsForParent", http(200, HTML)),
        ("ListOrganizationalUnitsForParent", http(200, b"")),
        ("ListAccounts", http(200, NOT_UTF8)),
    ],
    ids=["truncated", "wrong-shape", "html", "empty", "not-utf8"],
)
def test_a_malformed_organizations_answer_exits_3_naming_it(
    cli: Cli, edge: Edge, operation, answer
):
    edge.on("organizations", operation, answer)

    code, out, err = cli.run("discover")

    assert_exit_3(code, out, err, f"organizations:{operation}", "management (caller)")


def test_synth_writes_nothing_on_a_malformed_organizations_answer(cli: Cli, edge: Edge):
    edge.on("organizations", "ListAccountsForParent", http(200, HTML))
    out = cli.directory / "synth.json"

    code, stdout, err = cli.run("synth", "--out", str(out))

    assert_exit_3(code, stdout, err, "organizations:ListAccountsForParent", "management (caller)")
    assert not out.exists()


@pytest.mark.parametrize(
    "answer",
    [http(200, TRUNCATED_XML, "text/xml"), http(200, HTML), http(200, b'{"Regions": []}')],
    ids=["truncated-xml", "html", "json"],
)
def test_a_malformed_describe_regions_exits_3(cli: Cli, edge: Edge, answer):
    edge.on("ec2", "DescribeRegions", answer)

    code, out, err = cli.run("discover")

    assert_exit_3(code, out, err, "ec2:DescribeRegions", "management (caller)")


@pytest.mark.parametrize(
    "answer",
    [http(200, TRUNCATED_XML, "text/xml"), http(200, HTML), http(200, NOT_UTF8)],
    ids=["truncated-xml", "html", "not-utf8"],
)
def test_a_malformed_answer_to_the_discovery_role_exits_3(cli: Cli, edge: Edge, answer):
    role = f"arn:aws:iam::{cli.org.management_id}:role/OrgReader"
    cli.monkeypatch.setenv("ORG_BACKUP_DISCOVERY_ROLE_ARN", role)
    edge.on("sts", "AssumeRole", answer)

    code, out, err = cli.run("discover")

    assert_exit_3(code, out, err, f"sts:AssumeRole {role}", "discovery (caller)")


@pytest.mark.parametrize(
    "answer",
    [http(200, TRUNCATED_XML, "text/xml"), http(200, HTML)],
    ids=["truncated-xml", "html"],
)
def test_a_malformed_answer_to_one_deploy_role_fails_that_account_only(
    cli: Cli, edge: Edge, answer
):
    cli.monkeypatch.setenv("ORG_BACKUP_CHECK_DEPLOY_ROLES", "true")
    broken = cli.org.accounts["lake"]
    edge.on(
        "sts",
        "AssumeRole",
        lambda request: (
            answer(request) if f":{broken}:" in form_params(request)["RoleArn"] else None
        ),
    )

    document = cli.discover()

    accounts = {a["account_id"]: a for a in document["accounts"]}
    assert accounts[broken]["status"] == "skipped"
    reason = accounts[broken]["skip_reason"]
    assert (
        reason.startswith("deploy role cannot be assumed") and "sts:AssumeRole answered" in reason
    )
    assert all(
        accounts[cli.org.accounts[name]]["status"] == "covered" for name in ("ml-prod", "ml-dev")
    )


def test_a_malformed_list_regions_fails_that_lookup_only(cli: Cli, edge: Edge):
    broken = cli.org.accounts["lake"]
    enabled = json_answer({"Regions": [{"RegionName": "ap-east-1", "RegionOptStatus": "ENABLED"}]})
    edge.on(
        "account",
        "ListRegions",
        lambda request: (
            http(200, HTML)(request)
            if json_params(request).get("AccountId") == broken
            else enabled(request)
        ),
    )
    edge.count("sts", "AssumeRole")
    cli.monkeypatch.setenv("ORG_BACKUP_REGIONS", json.dumps(["us-east-1", "ap-east-1"]))

    document = cli.discover()

    regions = {a["name"]: [r["region"] for r in a["regions"]] for a in document["accounts"]}
    # Its own lookup went to EC2 in the account, where moto has ap-east-1 not opted in.
    assert regions["lake"] == ["us-east-1"]
    assert regions["ml-prod"] == regions["ml-dev"] == ["us-east-1", "ap-east-1"]
    assert edge.calls["sts.AssumeRole"] == 1  # the others stayed on account:ListRegions
