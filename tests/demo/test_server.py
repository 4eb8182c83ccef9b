"""The local moto server: isolated accounts, a clean start, and reachable from a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import boto3
import pytest
from botocore.exceptions import ClientError

from org_backup.demo.seed import scaled_spec, seed_organization
from org_backup.demo.server import client_environ, moto_server

BACKUP_POLICY = "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"
SUBPROCESS_PROBE = """
import json, boto3
org = boto3.client("organizations")
print(json.dumps({
    "caller": boto3.client("sts").get_caller_identity()["Account"],
    "organization": org.describe_organization()["Organization"]["Id"],
    "accounts": sum(len(p["Accounts"]) for p in org.get_paginator("list_accounts").paginate()),
}))
"""


def test_each_server_starts_empty_and_loads_managed_policies_only_when_asked(
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.delenv("MOTO_IAM_LOAD_MANAGED_POLICIES", raising=False)
    with moto_server() as first:
        assert first.startswith("http://127.0.0.1:")
        monkeypatch.setenv("AWS_ENDPOINT_URL", first)
        seed_organization(boto3.Session(), scaled_spec(3, 1, suspended_count=0))
        with pytest.raises(ClientError, match="NoSuchEntity"):
            boto3.client("iam").get_policy(PolicyArn=BACKUP_POLICY)
    with moto_server(load_managed_policies=True) as second:
        monkeypatch.setenv("AWS_ENDPOINT_URL", second)
        with pytest.raises(ClientError, match="AWSOrganizationsNotInUseException"):
            boto3.client("organizations").describe_organization()
        policy = boto3.client("iam").get_policy(PolicyArn=BACKUP_POLICY)
        assert policy["Policy"]["Arn"] == BACKUP_POLICY
    assert "MOTO_IAM_LOAD_MANAGED_POLICIES" not in os.environ


def test_a_subprocess_reaches_the_server_with_client_environ(server_endpoint: str):
    seeded = seed_organization(boto3.Session(), scaled_spec(4, 2, suspended_count=1))
    environ = client_environ(server_endpoint, base={**os.environ, "AWS_PROFILE": "production"})
    result = subprocess.run(
        [sys.executable, "-c", SUBPROCESS_PROBE],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(result.stdout) == {
        "caller": seeded.management_account_id,
        "organization": seeded.organization_id,
        "accounts": len(seeded.account_ids) + 1,
    }


def test_a_scaled_org_lists_every_account_past_the_page_size(server_endpoint: str):
    spec = scaled_spec(45, 2, suspended_count=3, file_systems_every=15)
    seeded = seed_organization(boto3.Session(), spec)
    org = boto3.client("organizations")
    pages = list(
        org.get_paginator("list_accounts_for_parent").paginate(
            ParentId=seeded.ou_ids["Root/unit-00"]
        )
    )
    names = [account["Name"] for page in pages for account in page["Accounts"]]
    assert len(pages) > 1
    assert sorted(names) == sorted(a.name for a in spec.accounts if a.ou_path == "Root/unit-00")
    assert seeded.suspended == {account.name for account in spec.accounts if account.suspended}
    assert len(seeded.file_systems) == sum(len(account.file_systems) for account in spec.accounts)


def test_client_environ_cuts_off_profiles_and_service_endpoints():
    base = {"PATH": "/bin", "AWS_PROFILE": "prod", "AWS_ENDPOINT_URL_STS": "https://sts.real"}
    environ = client_environ("http://127.0.0.1:1", base=base)
    assert environ["PATH"] == "/bin"
    assert "AWS_PROFILE" not in environ
    assert "AWS_ENDPOINT_URL_STS" not in environ
    assert environ["AWS_ENDPOINT_URL"] == "http://127.0.0.1:1"
    assert environ["AWS_SHARED_CREDENTIALS_FILE"] == os.devnull
    assert "AWS_ENDPOINT_URL" not in client_environ(None, base=base)


def test_the_server_refuses_to_merge_all_accounts_into_one(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "111111111111")
    with pytest.raises(RuntimeError, match="MOTO_ACCOUNT_ID"), moto_server():
        pass
