"""Adopt, don't collide: an account-region that enters coverage and already holds our vault gets
it imported (`import_id` in synth's resources, `<name>@<region>` so that the account's provider,
pinned to its first region, reads the vault where it is), found with one DescribeBackupVault per
entering region through the deploy role; accounts covered before are not looked up at all."""

from __future__ import annotations

import asyncio
import json
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.client import BaseClient
from moto import mock_aws

from org_backup.cli import main
from org_backup.coverage import pipeline
from org_backup.coverage.adoption import VaultLookups, entering_regions
from org_backup.coverage.state.previous import PreviousState
from org_backup.manifest.model import Manifest
from org_backup.rollout.mock_engine import RecordingMonitor
from tests.support.faults import HTML, NOT_UTF8, Edge, form_params, http, xml_error
from tests.support.orgs import Org, new_org
from tests.support.plans import VAULT, covered, org

REGIONS = ("us-east-1", "eu-west-1")
VAULT_NAME = "org-backup-ai"


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Org]:
    monkeypatch.setenv("ORG_BACKUP_REGIONS", json.dumps(list(REGIONS)))
    with mock_aws():
        org = new_org()
        for name in ("before", "back", "new"):
            org.account(name, "ML")
        (tmp_path / "accounts").mkdir()
        yield org


def make_vault(account_id: str, region: str) -> None:
    """A vault of our name left in the account (retained by an earlier run or another stack)."""
    role = f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole"
    keys = boto3.client("sts").assume_role(RoleArn=role, RoleSessionName="seed")["Credentials"]
    boto3.client(
        "backup",
        region_name=region,
        aws_access_key_id=keys["AccessKeyId"],
        aws_secret_access_key=keys["SecretAccessKey"],
        aws_session_token=keys["SessionToken"],
    ).create_backup_vault(BackupVaultName=VAULT_NAME)


def previous_covering(org: Org, *names: str) -> dict[str, Any]:
    organization = org.client.describe_organization()["Organization"]
    return {
        "org_backup": {
            "schema_version": 1,
            "organization": {"id": organization["Id"], "management_account_id": org.management_id},
            "shard": {"index": 0, "count": 1},
            "accounts": [
                {
                    "account_id": org.accounts[name],
                    "name": name,
                    "ou_path": "Root/ML",
                    "status": "covered",
                    "regions": [{"region": region} for region in REGIONS],
                }
                for name in names
            ],
        }
    }


@pytest.fixture
def describe_calls(monkeypatch: pytest.MonkeyPatch) -> Counter:
    calls: Counter = Counter()
    original = BaseClient._make_api_call

    def counting(self, operation_name, api_params):
        if operation_name == "DescribeBackupVault":
            calls[self.meta.region_name] += 1
        return original(self, operation_name, api_params)

    monkeypatch.setattr(BaseClient, "_make_api_call", counting)
    return calls


def test_an_entering_account_with_our_vault_imports_it(
    world: Org, tmp_path: Path, describe_calls: Counter
):
    accounts = world.accounts
    make_vault(accounts["back"], "us-east-1")  # came back: its retained vault is there
    make_vault(accounts["before"], "us-east-1")  # covered before: in the state already
    previous = tmp_path / "previous.json"
    previous.write_text(json.dumps(previous_covering(world, "before")))
    out = tmp_path / "synth.json"

    code = main(["synth", "--accounts-dir", str(tmp_path / "accounts"),
                 "--previous", str(previous), "--out", str(out)])  # fmt: skip

    assert code == 0
    vaults = {r["name"]: r for r in json.loads(out.read_text())["resources"] if r["type"] == VAULT}
    imported = {name: r["import_id"] for name, r in vaults.items() if "import_id" in r}
    assert imported == {f"{accounts['back']}-us-east-1-vault": f"{VAULT_NAME}@us-east-1"}
    assert f"{accounts['new']}-us-east-1-vault" in vaults  # created as usual
    # One lookup per entering account-region ("back" and "new", two regions each); none for
    # "before" nor for the management account (skipped).
    assert describe_calls == Counter({"us-east-1": 2, "eu-west-1": 2})


def test_a_new_stack_has_everything_entering(world: Org, tmp_path: Path, describe_calls):
    make_vault(world.accounts["before"], "eu-west-1")
    out = tmp_path / "synth.json"

    assert main(["synth", "--accounts-dir", str(tmp_path / "accounts"), "--out", str(out)]) == 0

    resources = json.loads(out.read_text())["resources"]
    assert [r["name"] for r in resources if "import_id" in r] == [
        f"{world.accounts['before']}-eu-west-1-vault"
    ]
    assert sum(describe_calls.values()) == 3 * len(REGIONS)


def test_every_region_imports_its_own_vault_by_an_id_naming_the_region(world: Org, tmp_path):
    """The provider is pinned to the first region; an id without `@<region>` would read the
    vault of us-east-1 for eu-west-1 too (the provider's rules fail such a synth)."""
    account = world.accounts["new"]
    for region in REGIONS:
        make_vault(account, region)
    out = tmp_path / "synth.json"

    assert main(["synth", "--accounts-dir", str(tmp_path / "accounts"), "--out", str(out)]) == 0

    vaults = {r["name"]: r for r in json.loads(out.read_text())["resources"] if "import_id" in r}
    for region in REGIONS:
        vault = vaults[f"{account}-{region}-vault"]
        assert vault["import_id"] == f"{VAULT_NAME}@{region}"
        assert vault["inputs"]["region"] == region


def test_a_region_added_to_a_covered_account_is_entering():
    before = covered("111122223333", regions=("us-east-1",))
    now = org(covered("111122223333", regions=("us-east-1", "eu-west-1")))
    manifest = Manifest.model_validate(
        {
            "schema_version": 1,
            "organization": {"id": "o-exampleorg1", "management_account_id": "999999999999"},
            "accounts": [
                {
                    **before.model_dump(include={"account_id", "name", "ou_path", "status"}),
                    "regions": [{"region": "us-east-1"}],
                }
            ],
        }
    )

    assert entering_regions(now, PreviousState("prev.json", manifest)) == {
        "111122223333": ("eu-west-1",)
    }
    assert entering_regions(now, None) == {"111122223333": ("us-east-1", "eu-west-1")}


def test_a_failed_lookup_warns_and_leaves_the_account_to_be_created(edge: Edge):
    coverage = org(covered("111122223333"), covered("222222222222"))
    denied = xml_error(403, "AccessDenied")
    edge.on(
        "sts",
        "AssumeRole",
        lambda request: (
            denied(request) if "222222222222" in form_params(request)["RoleArn"] else None
        ),
    )

    with mock_aws():
        lookups = VaultLookups(coverage, None, boto3.Session(region_name="us-east-1"))
        answered = asyncio.run(every_answer(lookups))

    assert sorted((a.account_id, a.import_vaults) for a in answered) == [
        ("111122223333", {}),
        ("222222222222", {}),
    ]
    [warning] = lookups.warnings
    assert "222222222222" in warning and "AccessDenied" in warning


@pytest.mark.parametrize(
    "answer",
    [http(200, HTML), http(200, b""), http(404, HTML), http(200, NOT_UTF8)],
    ids=["html-200", "empty-200", "html-404", "not-utf8"],
)
def test_a_garbage_describe_backup_vault_imports_nothing(
    world: Org, tmp_path: Path, edge: Edge, capsys, answer
):
    make_vault(world.accounts["back"], "us-east-1")
    edge.on("backup", "DescribeBackupVault", answer)
    out = tmp_path / "synth.json"

    code = main(["synth", "--accounts-dir", str(tmp_path / "accounts"), "--out", str(out)])

    assert code == 0
    synthesized = json.loads(out.read_text())
    assert not [r for r in synthesized["resources"] if "import_id" in r]
    # and no account drops out for it: every covered account-region still gets its vault
    covered_regions = [
        region["region"]
        for account in synthesized["accounts"]
        if account["status"] == "covered"
        for region in account["regions"]
    ]
    vaults = [r for r in synthesized["resources"] if r["type"] == "aws:backup/vault:Vault"]
    assert covered_regions and len(vaults) == len(covered_regions)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    warnings = [line for line in err.splitlines() if "adopt" in line]
    assert len(warnings) == 3  # before, back and new: none of them is taken to hold a vault
    assert all("backup:DescribeBackupVault" in line for line in warnings)


def test_synth_looks_vaults_up_with_the_max_workers_setting(
    world: Org, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    seen: list[int] = []

    class Recording(VaultLookups):
        def __init__(self, coverage, previous, session, max_workers, *args, **options):
            seen.append(max_workers)
            super().__init__(coverage, previous, session, max_workers, *args, **options)

    monkeypatch.setattr(pipeline, "VaultLookups", Recording)
    monkeypatch.setenv("ORG_BACKUP_MAX_WORKERS", "2")
    out = tmp_path / "synth.json"

    assert main(["synth", "--accounts-dir", str(tmp_path / "accounts"), "--out", str(out)]) == 0
    assert seen == [2]


def test_accounts_register_while_a_slow_lookup_is_still_under_way(
    world: Org, tmp_path: Path, edge: Edge, monkeypatch: pytest.MonkeyPatch
):
    """One account's lookups are held at the HTTP edge (its AssumeRole) until another account's
    vault has reached the engine: registration does not wait for every lookup."""
    slow, other = world.accounts["back"], world.accounts["new"]
    make_vault(slow, "us-east-1")  # and once it answers, its vault is still imported
    registered: list[str] = []
    others_registered = threading.Event()
    real_register = RecordingMonitor.RegisterResource

    def recording(self, request):
        registered.append(request.name)
        if request.name.startswith(f"{other}-") and request.type == VAULT:
            others_registered.set()
        return real_register(self, request)

    def hold_until_the_others_registered(request):
        if f":{slow}:" in form_params(request)["RoleArn"]:
            assert others_registered.wait(timeout=30), "registration waited for the lookup"
        return None

    monkeypatch.setattr(RecordingMonitor, "RegisterResource", recording)
    edge.on("sts", "AssumeRole", hold_until_the_others_registered)
    monkeypatch.setenv("ORG_BACKUP_MAX_WORKERS", "3")
    out = tmp_path / "synth.json"

    assert main(["synth", "--accounts-dir", str(tmp_path / "accounts"), "--out", str(out)]) == 0

    vaults = [name for name in registered if name.endswith("-vault")]
    assert vaults.index(f"{other}-us-east-1-vault") < vaults.index(f"{slow}-us-east-1-vault")
    imported = [r["name"] for r in json.loads(out.read_text())["resources"] if "import_id" in r]
    assert imported == [f"{slow}-us-east-1-vault"]


async def every_answer(lookups: VaultLookups) -> list[Any]:
    return [account async for account in lookups.answers()]
