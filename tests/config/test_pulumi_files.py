"""Settings parity with the Pulumi CLI: `discover`/`synth`/`audit` read Pulumi.yaml's project
config (values and defaults), then Pulumi.<stack>.yaml over it, then ORG_BACKUP_* variables,
as `pulumi up` would see them (see config/pulumi_files.py for Pulumi's rules and sources)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from moto import mock_aws

from org_backup.cli import main
from org_backup.config.pulumi_files import stack_config
from org_backup.config.settings import Settings, load_settings
from org_backup.errors import InputError
from tests.support.orgs import new_org

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "name: org-backup\nruntime: python\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "accounts").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def settings_of(stack: str | None = None) -> Settings:
    config, source = stack_config(stack)
    return load_settings(config, source)


def discover_json(capsys, *argv: str) -> tuple[int, dict, str]:
    with mock_aws():
        org = new_org()
        org.account("ml-prod")
        code = main(["discover", "--json", *argv])
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if code == 0 else {}, captured.err


def rule_of(manifest: dict) -> dict:
    account = next(a for a in manifest["accounts"] if a["status"] == "covered")
    return account["regions"][0]["plan"]["rules"][0]


def test_the_shipped_pulumi_yaml_gives_the_documented_defaults():
    config, _ = stack_config(None, ROOT)
    assert set(config) == set(Settings.model_fields)
    assert load_settings(config) == Settings()


def test_the_example_stack_file_overrides_the_project_defaults():
    config, source = stack_config("example", ROOT)
    assert source == str(ROOT / "Pulumi.example.yaml")
    settings = load_settings(config, source)
    assert settings.regions == ["us-east-1", "eu-west-1"]
    assert settings.delete_after_days == 35
    assert settings.vault_name == "org-backup-ai"  # from Pulumi.yaml


def test_discover_applies_pulumi_yaml_defaults_without_a_stack(project: Path, capsys):
    (project / "Pulumi.yaml").write_text(
        PROJECT + "config:\n"
        "  delete_after_days:\n    type: integer\n    default: 35\n"
        "  regions: [eu-west-1]\n"  # short form: a project key's default
        "  aws:region: us-east-1\n"  # another namespace: a value, not ours
    )

    code, manifest, _ = discover_json(capsys)

    assert code == 0
    assert rule_of(manifest)["delete_after_days"] == 35
    covered = next(a for a in manifest["accounts"] if a["status"] == "covered")
    assert [r["region"] for r in covered["regions"]] == ["eu-west-1"]


def test_the_stack_file_wins_over_pulumi_yaml_and_the_environment_over_both(
    project: Path, capsys, monkeypatch
):
    (project / "Pulumi.yaml").write_text(
        PROJECT + "config:\n"
        "  delete_after_days: 35\n"
        "  org-backup:schedule: cron(0 3 * * ? *)\n"  # namespaced by the project: also a default
        "  schedule_timezone:\n    value: Europe/Paris\n"
    )
    (project / "Pulumi.prod.yaml").write_text("config:\n  org-backup:delete_after_days: 60\n")
    monkeypatch.setenv("ORG_BACKUP_SCHEDULE_TIMEZONE", "Asia/Tokyo")

    code, manifest, _ = discover_json(capsys, "--stack", "prod")

    assert code == 0
    rule = rule_of(manifest)
    assert rule["delete_after_days"] == 60
    assert rule["schedule"] == "cron(0 3 * * ? *)"
    assert rule["schedule_timezone"] == "Asia/Tokyo"


def test_a_bad_value_names_the_file_it_came_from(project: Path, capsys):
    (project / "Pulumi.yaml").write_text(
        PROJECT + "config:\n  schedule:\n    type: string\n    default: cron(*/5 * * * ? *)\n"
    )
    (project / "Pulumi.prod.yaml").write_text("config:\n  org-backup:vault_name: 'my vault'\n")

    code, _, err = discover_json(capsys, "--stack", "prod")

    assert code == 2
    assert "Pulumi.yaml (org-backup:schedule): schedule: 'cron(*/5 * * * ? *)'" in err
    assert "Pulumi.prod.yaml (org-backup:vault_name): vault_name: 'my vault'" in err


def test_an_unknown_key_in_pulumi_yaml_is_named_with_its_file(project: Path):
    (project / "Pulumi.yaml").write_text(PROJECT + "config:\n  regoins: [us-east-1]\n")

    with pytest.raises(InputError) as raised:
        settings_of()

    assert "Pulumi.yaml: org-backup:regoins:" in str(raised.value)
    assert "did you mean regions?" in str(raised.value)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("  aws:region:\n    default: us-east-1\n", "Pulumi takes only a 'value' here"),
        ("  aws:region:\n    type: string\n    value: us-east-1\n", "Pulumi takes only a 'value'"),
        (
            "  delete_after_days:\n    default: 35\n    value: 40\n",
            "both a 'default' and a 'value'",
        ),
        ("  tags:\n    team: ml\n", "put an object under 'default:' or 'value:'"),
    ],
)
def test_a_project_file_pulumi_refuses_is_refused_naming_it(project: Path, config, message):
    (project / "Pulumi.yaml").write_text(PROJECT + "config:\n" + config)

    with pytest.raises(InputError) as raised:
        settings_of()

    assert str(raised.value).startswith("Pulumi.yaml: config.")
    assert message in str(raised.value)


def test_a_key_declared_without_default_must_be_set_by_the_stack(project: Path):
    (project / "Pulumi.yaml").write_text(
        PROJECT + "config:\n"
        "  target_ous:\n    type: string\n"
        "  org-backup:exclude_accounts:\n    type: string\n"
    )
    (project / "Pulumi.dev.yaml").write_text("config:\n  org-backup:exclude_accounts: '[]'\n")
    (project / "Pulumi.prod.yaml").write_text(
        "config:\n  org-backup:target_ous: '[\"r-ab12\"]'\n  org-backup:exclude_accounts: '[]'\n"
    )

    with pytest.raises(InputError) as raised:
        settings_of("dev")
    assert str(raised.value) == (
        "Pulumi.yaml: config.target_ous: is declared without a default or value and"
        " Pulumi.dev.yaml does not set it; Pulumi stops such a stack with 'Stack ... is missing"
        " configuration value'"
    )
    assert settings_of("prod").target_ous == ["r-ab12"]
    with pytest.raises(InputError, match="no --stack file sets it"):
        settings_of()


def test_stack_files_live_in_the_projects_stack_config_dir(project: Path):
    (project / "Pulumi.yaml").write_text(PROJECT + "stackConfigDir: stacks\n")
    (project / "stacks").mkdir()
    (project / "stacks" / "Pulumi.prod.yaml").write_text(
        "config:\n  org-backup:delete_after_days: 45\n"
    )

    assert settings_of("prod").delete_after_days == 45


def test_another_projects_keys_are_not_org_backups(project: Path):
    """The program reads org-backup:* only: a project renamed `backups` gives `backups:regions`."""
    (project / "Pulumi.yaml").write_text(
        "name: backups\nruntime: python\nconfig:\n"
        "  regions: [eu-west-1]\n"
        "  org-backup:delete_after_days:\n    value: 35\n"
    )

    settings = settings_of()

    assert settings.regions == ["us-east-1"]
    assert settings.delete_after_days == 35
