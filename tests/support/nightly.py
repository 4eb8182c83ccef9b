"""A moto organization run through the CLI as a nightly job would: `synth`, then `synth
--previous` of that output, with the deploy role of chosen accounts refused by the emulator."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.authorization import enable_iam_authentication
from moto.organizations.models import organizations_backends

from org_backup.cli import main
from org_backup.coverage import names
from tests.support.orgs import Org, new_org


@dataclass
class Run:
    code: int
    out: str
    err: str
    document: dict[str, Any] | None = None

    def account(self, account_id: str) -> dict[str, Any]:
        assert self.document is not None
        return next(a for a in self.document["accounts"] if a["account_id"] == account_id)

    def resources_of(self, account_id: str) -> list[dict[str, Any]]:
        """Every registration of one account: its component and everything under it."""
        assert self.document is not None
        component = names.component_name(account_id)
        return [
            r
            for r in self.document["resources"]
            if r["name"] == component or r["parent"] == component
        ]


@dataclass
class Nightly:
    """The organization, its `accounts/` directory, and the CLI run the way CI runs it."""

    org: Org
    directory: Path
    capsys: pytest.CaptureFixture[str]
    monkeypatch: pytest.MonkeyPatch
    refused: set[str] = field(default_factory=set)

    @property
    def accounts_dir(self) -> Path:
        return self.directory / "accounts"

    def synth(self, name: str, *args: str) -> Run:
        out = self.directory / f"{name}.json"
        run = self.cli("synth", "--out", str(out), *args)
        if run.code == 0:
            run.document = json.loads(out.read_text())
        else:
            assert not out.exists(), "a refused synth must write nothing"
        return run

    def plan(self, name: str, *args: str) -> str:
        """`discover --json` written to a file: a previous state without the mock engine's cost
        (the guard and the degraded rule read accounts and regions only). Returns the path."""
        run = self.discover("--json", *args)
        assert run.code == 0, run.err
        path = self.directory / f"{name}.json"
        path.write_text(run.out)
        return str(path)

    def discover(self, *args: str) -> Run:
        run = self.cli("discover", *args)
        if run.code == 0 and "--json" in args:
            run.document = json.loads(run.out)
        return run

    def cli(self, command: str, *args: str) -> Run:
        self.capsys.readouterr()
        argv = [command, "-q", "--accounts-dir", str(self.accounts_dir), *args]
        if self.refused:
            with enable_iam_authentication():
                code = main(argv)
        else:
            code = main(argv)
        captured = self.capsys.readouterr()
        return Run(code, captured.out, captured.err)

    def refuse_deploy_role(self, *account_ids: str) -> None:
        """From now on STS refuses the caller those accounts' deploy roles, as AWS does when
        the role was deleted or its trust changed: an IAM deny enforced by moto itself."""
        self.refused.update(account_ids)
        iam = boto3.client("iam", region_name="us-east-1")
        if not iam.list_users()["Users"]:
            iam.create_user(UserName="nightly-ci")
            key = iam.create_access_key(UserName="nightly-ci")["AccessKey"]
            self.monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
            self.monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
            self.monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
        statements = [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
        statements += [
            {
                "Effect": "Deny",
                "Action": "sts:AssumeRole",
                "Resource": f"arn:aws:iam::{account_id}:role/*",
            }
            for account_id in sorted(self.refused)
        ]
        iam.put_user_policy(
            UserName="nightly-ci",
            PolicyName="caller",
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}),
        )

    def rename(self, account_id: str, name: str) -> None:
        """Renamed by its owner (account:PutAccountName, which moto lacks): on moto's backend."""
        backend = organizations_backends[DEFAULT_ACCOUNT_ID]["aws"]
        backend.get_account_by_id(account_id).name = name

    def write_file(self, name: str, text: str) -> Path:
        path = self.accounts_dir / name
        path.write_text(text)
        return path


@pytest.fixture
def nightly(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> Iterator[Nightly]:
    """Five members in two OUs (ML: ml-prod, ml-dev, ml-test; Data: lake, warehouse); every
    deploy role is checked, as a nightly job that must notice a broken account would."""
    monkeypatch.setenv("ORG_BACKUP_CHECK_DEPLOY_ROLES", "true")
    monkeypatch.setenv("ORG_BACKUP_MAX_WORKERS", "2")
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")  # ~1 s per run, unused here
    (tmp_path / "accounts").mkdir()
    with mock_aws():
        org = new_org()
        for name in ("ml-prod", "ml-dev", "ml-test"):
            org.account(name, "ML")
        for name in ("lake", "warehouse"):
            org.account(name, "Data")
        yield Nightly(org, tmp_path, capsys, monkeypatch)
