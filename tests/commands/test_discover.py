"""`discover` as a user runs it: the table, the JSON manifest, progress, and a real subprocess."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from org_backup.aws.progress import Progress
from org_backup.cli import main
from org_backup.demo.server import client_environ, moto_server
from org_backup.manifest.model import Manifest
from tests.support.orgs import Org, new_org

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def org():
    with mock_aws():
        org = new_org()
        org.account("ml-prod", "ML/Prod")
        org.account("ml-dev", "ML/Dev")
        old = org.account("old", "Sandbox")
        org.client.close_account(AccountId=old)
        yield org


def test_table_lists_every_account_with_regions_policy_and_reasons(org: Org, tmp_path, capsys):
    (tmp_path / "ml-prod.yaml").write_text(
        f'account_id: "{org.accounts["ml-prod"]}"\nname: ml-prod\n'
        "backup:\n  delete_after_days: 365\n"
    )

    code = main(["discover", "--accounts-dir", str(tmp_path)])

    out = capsys.readouterr().out
    assert code == 0
    lines = {line.split()[1]: line for line in out.splitlines() if line[:1].isdigit()}
    assert "Root/ML/Prod" in lines["ml-prod"] and "365d" in lines["ml-prod"]
    assert "cron(0 5 * * ? *) Etc/UTC" in lines["ml-dev"] and "90d" in lines["ml-dev"]
    assert "skipped: suspended" in lines["old"]
    assert "skipped: management account" in lines["master"]
    assert "4 accounts, 2 covered in 2 account-regions, 2 skipped." in out


def test_json_is_the_manifest_with_deployment_ids_null(org: Org, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ORG_BACKUP_REGIONS", '["us-east-1", "eu-west-1"]')

    code = main(["discover", "--accounts-dir", str(tmp_path), "--json", "-q"])

    captured = capsys.readouterr()
    assert code == 0
    assert captured.err == ""  # -q: nothing but JSON on stdout, no line naming the files read
    manifest = Manifest.model_validate_json(captured.out)
    assert manifest.organization.management_account_id == org.management_id
    covered = {a.name: a for a in manifest.accounts if a.status == "covered"}
    assert set(covered) == {"ml-prod", "ml-dev"}
    region = covered["ml-prod"].regions[1]
    assert region.region == "eu-west-1"
    assert region.vault.arn is None and region.plan.id is None and region.selection.id is None
    assert region.selection.resources == ["arn:aws:elasticfilesystem:*:*:file-system/*"]
    assert (region.selection.tag.key, region.selection.tag.value) == ("Name", "AIFilesystem")
    assert covered["ml-prod"].deploy_role_arn.endswith(
        f"{org.accounts['ml-prod']}:role/OrganizationAccountAccessRole"
    )
    skipped = {a.name: a.skip_reason for a in manifest.accounts if a.status == "skipped"}
    assert skipped == {"old": "suspended", "master": "management account"}


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_on_a_terminal_only():
    terminal, pipe = _Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        progress = Progress("discover", 2, stream)
        progress.advance()
        progress.advance()
    assert terminal.getvalue() == "\rdiscover: 1/2 accounts\rdiscover: 2/2 accounts\n"
    assert pipe.getvalue() == ""


def test_compliance_mode_lock_warns_loudly(org: Org, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ORG_BACKUP_VAULT_LOCK_MIN_RETENTION_DAYS", "7")
    monkeypatch.setenv("ORG_BACKUP_VAULT_LOCK_CHANGEABLE_FOR_DAYS", "3")

    assert main(["discover", "--accounts-dir", str(tmp_path)]) == 0

    err = capsys.readouterr().err
    assert err.count("WARNING") == 1
    assert "vault lock in compliance mode in 2 account(s)" in err
    assert "3 days after deployment the lock can no longer be changed" in err


def test_subprocess_against_a_moto_server(tmp_path):
    with moto_server() as endpoint:
        environ = client_environ(endpoint)
        session = boto3.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
        )
        organizations = session.client("organizations", endpoint_url=endpoint)
        organizations.create_organization(FeatureSet="ALL")
        root = organizations.list_roots()["Roots"][0]["Id"]
        ou = organizations.create_organizational_unit(ParentId=root, Name="ML")
        member = organizations.create_account(Email="m@example.com", AccountName="ml")
        member_id = member["CreateAccountStatus"]["AccountId"]
        organizations.move_account(
            AccountId=member_id,
            SourceParentId=root,
            DestinationParentId=ou["OrganizationalUnit"]["Id"],
        )
        environ["ORG_BACKUP_REGIONS"] = '["eu-west-1"]'

        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "org_backup",
                "discover",
                "--json",
                "--accounts-dir",
                str(tmp_path),
            ],
            cwd=ROOT,
            env=environ,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert result.returncode == 0, result.stderr
    manifest = json.loads(result.stdout)
    accounts = {a["account_id"]: a for a in manifest["accounts"]}
    assert accounts[member_id]["status"] == "covered"
    assert accounts[member_id]["ou_path"] == "Root/ML"
    assert [r["region"] for r in accounts[member_id]["regions"]] == ["eu-west-1"]


def test_aws_failure_exits_3_naming_the_operation(tmp_path, capsys):
    with mock_aws():  # no organization exists
        code = main(["discover", "--accounts-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 3
    assert "organizations:DescribeOrganization" in err
    assert "AWSOrganizationsNotInUseException" in err
