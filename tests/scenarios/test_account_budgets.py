"""Each account keeps its own retries and its own time: a brownout, a flaky or a hung lookup of
one account never decides another's. Faults are injected at the HTTP edge, in front of moto."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ConnectionClosedError, ReadTimeoutError
from moto import mock_aws

from org_backup.cli import main
from tests.support.faults import Edge, black_hole, form_params, json_answer, json_params, xml_error
from tests.support.orgs import Org, new_org

OPT_IN = "ap-east-1"  # not opted in anywhere in moto: EC2 in the account says so
REGIONS = ["us-east-1", OPT_IN]


@dataclass
class Night:
    org: Org
    directory: Path
    capsys: pytest.CaptureFixture[str]
    monkeypatch: pytest.MonkeyPatch

    @property
    def members(self) -> list[str]:
        """Member account ids in the order discovery looks them up."""
        return sorted(self.org.accounts.values())

    def discover(self, *args: str) -> dict[str, dict[str, Any]]:
        """`discover --json`, by account id."""
        self.capsys.readouterr()
        code = main(
            ["discover", "--json", "--accounts-dir", str(self.directory / "accounts"), *args]
        )
        captured = self.capsys.readouterr()
        assert code == 0, captured.err
        self.last_document = captured.out
        return {a["account_id"]: a for a in json.loads(captured.out)["accounts"]}

    def plan(self) -> str:
        self.discover()
        path = self.directory / "previous.json"
        path.write_text(self.last_document)
        return str(path)


@pytest.fixture
def night(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> Iterator[Night]:
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    (tmp_path / "accounts").mkdir()
    with mock_aws():
        org = new_org()
        for i in range(4):
            org.account(f"member-{i}", "ML")
        yield Night(org, tmp_path, capsys, monkeypatch)


def regions_of(account: dict[str, Any]) -> list[str]:
    return [region["region"] for region in account["regions"]]


def test_every_account_is_covered_when_each_deploy_role_answers_503_five_times(
    night: Night, edge: Edge
):
    # 12 accounts x 5 retried 503s = 60 retries: more than one client's retry quota holds
    # (500 tokens, 14 a retry), well within each account's own.
    for i in range(4, 12):
        night.org.account(f"member-{i}", "ML")
    night.monkeypatch.setenv("ORG_BACKUP_CHECK_DEPLOY_ROLES", "true")
    night.monkeypatch.setenv("ORG_BACKUP_MAX_WORKERS", "12")
    attempts: Counter[str] = Counter()
    lock = threading.Lock()
    unavailable = xml_error(503, "ServiceUnavailable")

    def brownout(request):
        role = form_params(request)["RoleArn"]
        with lock:
            attempts[role] += 1
            failing = attempts[role] <= 5
        return unavailable(request) if failing else None

    edge.on("sts", "AssumeRole", brownout)

    accounts = night.discover()

    assert [accounts[member]["status"] for member in night.members] == ["covered"] * 12
    assert sorted(attempts.values()) == [6] * 12  # each succeeded on its sixth attempt


def test_every_vault_lookup_survives_five_503s_in_each_account(night: Night, edge: Edge):
    # The lookups of all accounts share one AWS Backup client per region (calls/account.py):
    # 12 accounts x 5 retried 503s must still draw on 12 quotas, not on one, and each account's
    # requests must be signed as that account.
    for i in range(4, 12):
        night.org.account(f"member-{i}", "ML")
    night.monkeypatch.setenv("ORG_BACKUP_REGIONS", json.dumps(["us-east-1"]))
    night.monkeypatch.setenv("ORG_BACKUP_MAX_WORKERS", "12")
    attempts: Counter[str] = Counter()
    lock = threading.Lock()
    unavailable = json_answer({"__type": "ServiceUnavailableException", "message": "x"}, 503)

    def brownout(request):
        key = request.headers["Authorization"].decode().split("Credential=")[1].split("/")[0]
        with lock:
            attempts[key] += 1
            failing = attempts[key] <= 5
        return unavailable(request) if failing else None

    edge.on("backup", "DescribeBackupVault", brownout)
    out = night.directory / "synth.json"

    code = main(["synth", "--accounts-dir", str(night.directory / "accounts"), "--out", str(out)])

    assert code == 0
    assert "could not check for an existing vault" not in night.capsys.readouterr().err
    assert sorted(attempts.values()) == [6] * 12  # per account key: each on its sixth attempt


def list_regions(edge: Edge, failing: str | None = None, fault: Any = None) -> None:
    """account:ListRegions (moto lacks it) enables OPT_IN everywhere; `failing`'s calls
    get `fault` instead: a response to return, or an exception raised at the edge."""
    enabled = json_answer({"Regions": [{"RegionName": OPT_IN, "RegionOptStatus": "ENABLED"}]})

    def answer(request):
        if json_params(request).get("AccountId") != failing:
            return enabled(request)
        if isinstance(fault, Exception):
            raise fault
        return fault(request)

    edge.on("account", "ListRegions", answer)


@pytest.mark.parametrize(
    "fault",
    [
        xml_error(503, "ServiceUnavailable"),
        json_answer({"__type": "TooManyRequestsException", "message": "slow down"}, 429),
        ConnectionClosedError(endpoint_url="https://account.us-east-1.amazonaws.com/"),
        ReadTimeoutError(endpoint_url="https://account.us-east-1.amazonaws.com/"),
    ],
    ids=["503", "throttled", "reset", "timeout"],
)
def test_a_failed_first_list_regions_leaves_every_other_account_on_it(
    night: Night, edge: Edge, fault
):
    night.monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")  # every attempt of the first one fails
    night.monkeypatch.setenv("ORG_BACKUP_MAX_WORKERS", "1")  # so that it is the first
    night.monkeypatch.setenv("ORG_BACKUP_REGIONS", json.dumps(REGIONS))
    first, *others = night.members
    list_regions(edge, first, fault)
    edge.count("sts", "AssumeRole")

    accounts = night.discover()

    assert regions_of(accounts[first]) == ["us-east-1"]  # its own EC2, through its role
    assert all(regions_of(accounts[other]) == REGIONS for other in others)
    assert edge.calls["sts.AssumeRole"] == 1
    assert edge.calls["account.ListRegions"] == 2 + len(others)


def test_a_denied_list_regions_sends_every_account_to_ec2(night: Night, edge: Edge):
    night.monkeypatch.setenv("ORG_BACKUP_MAX_WORKERS", "1")
    night.monkeypatch.setenv("ORG_BACKUP_REGIONS", json.dumps(REGIONS))
    denied = json_answer({"__type": "AccessDeniedException", "message": "no"}, 403)
    edge.on("account", "ListRegions", denied)
    edge.count("sts", "AssumeRole")

    accounts = night.discover()

    assert all(regions_of(accounts[member]) == ["us-east-1"] for member in night.members)
    assert edge.calls["account.ListRegions"] == 1  # denied once is denied for all
    assert edge.calls["sts.AssumeRole"] == len(night.members)


def test_an_account_whose_lookup_hangs_is_degraded_within_its_budget(night: Night, edge: Edge):
    night.monkeypatch.setenv("ORG_BACKUP_REGIONS", json.dumps(REGIONS))
    night.monkeypatch.setenv("ORG_BACKUP_ACCOUNT_TIMEOUT_SECONDS", "1")
    hung, *others = night.members
    list_regions(edge)
    previous = night.plan()  # a clean night: everyone covered in both regions

    with black_hole() as divert:
        # The hung account's calls go to a server that accepts and never answers: the
        # client's own (capped) read timeout applies, then its retries, then its deadline.
        list_regions(edge, hung, divert)
        started = time.monotonic()
        accounts = night.discover("--previous", previous)
        elapsed = time.monotonic() - started

    assert regions_of(accounts[hung]) == REGIONS  # kept from the previous state
    assert accounts[hung]["degraded"].startswith("took longer than account_timeout_seconds (1 s)")
    assert all(regions_of(accounts[other]) == REGIONS for other in others)
    assert all(accounts[other]["degraded"] is None for other in others)
    # Without the budget: 11 attempts of a 10 s read timeout. With it, one attempt.
    assert edge.calls["account.ListRegions"] <= len(night.members) * 2 + 1
    assert elapsed < 5
