"""The issue's "done when", on the demo organization in mock_aws: synth with a central account
and three rules (standard, then air-gapped), and `report --require-copy` on what it wrote."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from org_backup.cli import main
from org_backup.demo.seed import CENTRAL_ACCOUNT, demo_settings, demo_spec, seed_organization
from tests.support.api_shapes import api_requests, validation_errors

RULES = [
    {"name": "daily", "schedule": "cron(0 5 * * ? *)", "delete_after_days": 35},
    {"name": "weekly", "schedule": "cron(0 6 ? * SUN *)", "delete_after_days": 120},
    {"name": "monthly", "schedule": "cron(0 7 1 * ? *)", "delete_after_days": 400},
]
REGIONS = ["us-east-1", "eu-west-1"]
AIR_GAPPED = {
    "ORG_BACKUP_CENTRAL_VAULT_KIND": "air-gapped",
    "ORG_BACKUP_CENTRAL_VAULT_MIN_RETENTION_DAYS": "30",
    "ORG_BACKUP_CENTRAL_VAULT_MAX_RETENTION_DAYS": "3650",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Iterator[dict[str, Any]]:
    """The demo organization, seeded once; each test sets its settings and runs synth."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
        }.items():
            patch.setenv(name, value)
        with mock_aws():
            seeded = seed_organization(boto3.Session(), demo_spec())
            yield {"seeded": seeded, "dir": tmp_path_factory.mktemp("demo")}


def synth(demo, monkeypatch, capsys, name: str, **env: str) -> dict[str, Any]:
    for key, value in {"ORG_BACKUP_REGIONS": json.dumps(REGIONS), **env}.items():
        monkeypatch.setenv(key, value)
    accounts = demo["dir"] / "accounts"
    accounts.mkdir(exist_ok=True)
    out = demo["dir"] / name
    code = main(["synth", "--accounts-dir", str(accounts), "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    return json.loads(out.read_text())


def with_central(demo, **extra: str) -> dict[str, str]:
    return {**demo_settings(demo["seeded"]), "ORG_BACKUP_RULES": json.dumps(RULES), **extra}


def check_organization_resources(result: dict[str, Any], demo, vault_type: str) -> None:
    seeded = demo["seeded"]
    hub = seeded.account_ids[CENTRAL_ACCOUNT]
    resources = result["resources"]
    (settings,) = [r for r in resources if r["type"] == "aws:backup/globalSettings:GlobalSettings"]
    assert settings["provider"] == f"org-{seeded.management_account_id}-aws"
    assert settings["inputs"]["globalSettings"]["isCrossAccountBackupEnabled"] == "true"
    central = [r for r in resources if r["parent"] == "organization"]
    vaults = Counter(r["inputs"]["region"] for r in central if r["type"] == vault_type)
    policies = Counter(
        r["inputs"]["region"] for r in central if r["type"] == "aws:backup/vaultPolicy:VaultPolicy"
    )
    assert vaults == policies == Counter(REGIONS)
    arns = {r["region"]: r["vault_arn"] for r in result["central"]["regions"]}
    assert arns == {
        region: f"arn:aws:backup:{region}:{hub}:backup-vault:org-backup-central"
        for region in REGIONS
    }
    plans = [r for r in resources if r["type"] == "aws:backup/plan:Plan"]
    assert len(plans) == 14
    for plan in plans:
        rules = plan["inputs"]["rules"]
        assert [rule["ruleName"] for rule in rules] == ["daily", "weekly", "monthly"]
        if plan["name"].startswith(hub):
            assert not any("copyActions" in rule for rule in rules)
            continue
        for rule in rules:
            (action,) = rule["copyActions"]
            assert action["destinationVaultArn"] == arns[plan["inputs"]["region"]]
            assert action["lifecycle"]["deleteAfter"] == rule["lifecycle"]["deleteAfter"]
    for request in api_requests(resources):
        assert validation_errors(request) == [], request


def test_synth_with_a_central_account_and_three_rules(demo, monkeypatch, capsys):
    result = synth(demo, monkeypatch, capsys, "standard.json", **with_central(demo))
    check_organization_resources(result, demo, "aws:backup/vault:Vault")


def test_synth_with_an_air_gapped_central_vault(demo, monkeypatch, capsys):
    hub = demo["seeded"].account_ids[CENTRAL_ACCOUNT]
    recovery = next(i for i in demo["seeded"].account_ids.values() if i != hub)
    settings = {**AIR_GAPPED, "ORG_BACKUP_CENTRAL_RECOVERY_ACCOUNTS": json.dumps([recovery])}
    result = synth(demo, monkeypatch, capsys, "air.json", **with_central(demo, **settings))
    check_organization_resources(
        result, demo, "aws:backup/logicallyAirGappedVault:LogicallyAirGappedVault"
    )
    shares = [r for r in result["resources"] if r["type"] == "aws:ram/resourceShare:ResourceShare"]
    assert len(shares) == 2
    principals = {
        r["inputs"]["principal"]
        for r in result["resources"]
        if r["type"] == "aws:ram/principalAssociation:PrincipalAssociation"
    }
    assert principals == {recovery}
    assert result["central"]["kind"] == "air-gapped"
    assert result["central"]["shared_with"] == [recovery]


def test_require_copy_fails_without_copies_and_passes_with_them(demo, monkeypatch, capsys):
    synth(demo, monkeypatch, capsys, "none.json")
    synth(demo, monkeypatch, capsys, "copies.json", **with_central(demo))
    capsys.readouterr()
    # synth outputs are plans: judged on their policy with --planned (else `not deployed`).
    without = main(
        ["report", "--planned", "--input", str(demo["dir"] / "none.json"), "--require-copy"]
    )
    assert without == 1
    out = capsys.readouterr().out
    assert "no rule copies its recovery points to another account" in out
    assert "not deployed:" not in out  # the finding; the title says "(plan: not deployed)"
    with_copies = str(demo["dir"] / "copies.json")
    assert main(["report", "--planned", "--input", with_copies, "--require-copy"]) == 0
