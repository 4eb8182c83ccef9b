"""The central account's settings: checked alone before any AWS call, then against the
organization; each problem exits 2 naming the setting."""

from __future__ import annotations

import json

import pytest
from moto import mock_aws

from org_backup.cli import main
from org_backup.config.settings import load_settings
from tests.support.orgs import new_org

CENTRAL = {
    "ORG_BACKUP_CENTRAL_MPA_ENABLED": "false",
    "ORG_BACKUP_CENTRAL_DELEGATED_ADMINISTRATOR_ENABLED": "true",
}


def discover(capsys, tmp_path) -> tuple[int, str, str]:
    code = main(["discover", "--accounts-dir", str(tmp_path), "--json"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(
    ("env", "field", "hint"),
    [
        ({"ORG_BACKUP_CENTRAL_ACCOUNT_ID": "12345"}, "central_account_id", "12-digit"),
        (
            {"ORG_BACKUP_CENTRAL_ACCOUNT_ID": "111122223333"},
            "central_mpa_enabled",
            "describe-global-settings",
        ),
        (
            {
                "ORG_BACKUP_CENTRAL_ACCOUNT_ID": "111122223333",
                "ORG_BACKUP_CENTRAL_MPA_ENABLED": "false",
            },
            "central_delegated_administrator_enabled",
            "never flipped",
        ),
        (
            {
                "ORG_BACKUP_CENTRAL_ACCOUNT_ID": "111122223333",
                "ORG_BACKUP_CENTRAL_VAULT_KIND": "air-gapped",
                **CENTRAL,
            },
            "central_vault_min_retention_days",
            "required for central_vault_kind air-gapped",
        ),
        (
            {
                "ORG_BACKUP_CENTRAL_ACCOUNT_ID": "111122223333",
                "ORG_BACKUP_CENTRAL_VAULT_KIND": "air-gapped",
                "ORG_BACKUP_CENTRAL_VAULT_MIN_RETENTION_DAYS": "3",
                "ORG_BACKUP_CENTRAL_VAULT_MAX_RETENTION_DAYS": "365",
                **CENTRAL,
            },
            "central_vault_min_retention_days",
            "at least 7",
        ),
        (
            {
                "ORG_BACKUP_CENTRAL_ACCOUNT_ID": "111122223333",
                "ORG_BACKUP_CENTRAL_VAULT_MIN_RETENTION_DAYS": "400",
                "ORG_BACKUP_CENTRAL_VAULT_MAX_RETENTION_DAYS": "365",
                **CENTRAL,
            },
            "central_vault_min_retention_days",
            "must not exceed",
        ),
        ({"ORG_BACKUP_CENTRAL_REGION": "mars-1"}, "central_region", "mars-1"),
        ({"ORG_BACKUP_CENTRAL_VAULT_KIND": "vaulty"}, "central_vault_kind", "air-gapped"),
    ],
    ids=[
        "id",
        "mpa",
        "delegated",
        "air-gapped-range",
        "air-gapped-min",
        "min-max",
        "region",
        "kind",
    ],
)
def test_bad_central_settings_exit_2_naming_the_setting(
    tmp_path, capsys, monkeypatch, env, field, hint
):
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    code, out, err = discover(capsys, tmp_path)

    assert code == 2
    assert out == ""
    line = next(line for line in err.splitlines() if f": {field}:" in line)
    # The variable that set it, or the project file that declares it (CLI reads Pulumi.yaml).
    assert any(
        source in line for source in ("ORG_BACKUP_" + field.upper(), "settings", "Pulumi.yaml")
    )
    assert hint in line


def test_global_settings_flags_are_passed_as_set(monkeypatch):
    for name, value in CENTRAL.items():
        monkeypatch.setenv(name, value)
    settings = load_settings({"central_account_id": "111122223333"})
    assert (settings.central_mpa_enabled, settings.central_delegated_administrator_enabled) == (
        False,
        True,
    )


def test_without_a_central_account_the_flags_are_not_needed():
    assert load_settings({}).central_account_id is None


@pytest.mark.parametrize("which", ["stranger", "suspended"])
def test_central_account_must_be_an_active_member(tmp_path, capsys, monkeypatch, which):
    for name, value in CENTRAL.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        org = new_org()
        org.account("ml")
        suspended = org.account("old")
        org.client.close_account(AccountId=suspended)
        central = {"stranger": "999988887777", "suspended": suspended}[which]
        monkeypatch.setenv("ORG_BACKUP_CENTRAL_ACCOUNT_ID", central)

        code, out, err = discover(capsys, tmp_path)

    assert code == 2
    assert out == ""
    assert f"central_account_id: '{central}'" in err
    assert "ACTIVE member account or the management account" in err
    assert ("SUSPENDED" in err) == (which == "suspended")


@pytest.mark.parametrize("which", ["member", "management"])
def test_central_account_may_be_a_member_or_the_management_account(
    tmp_path, capsys, monkeypatch, which
):
    for name, value in CENTRAL.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("ORG_BACKUP_REGIONS", '["us-east-1", "eu-west-1"]')
    (tmp_path / "far.yaml").write_text("account_id: '{far}'\nregions: [ap-southeast-2]\n")
    with mock_aws():
        org = new_org()
        member = org.account("backup-central")
        far = org.account("far")
        (tmp_path / "far.yaml").write_text(f"account_id: '{far}'\nregions: [ap-southeast-2]\n")
        central = {"member": member, "management": org.management_id}[which]
        monkeypatch.setenv("ORG_BACKUP_CENTRAL_ACCOUNT_ID", central)

        code, out, err = discover(capsys, tmp_path)

    assert code == 0, err
    manifest = json.loads(out)
    assert manifest["central"]["account_id"] == central
    assert [r["region"] for r in manifest["central"]["regions"]] == [
        "us-east-1",
        "eu-west-1",
        "ap-southeast-2",
    ]
