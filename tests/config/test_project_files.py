"""Pulumi.yaml, Pulumi.example.yaml and accounts/ ship what the code understands."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from org_backup.config.account_files import AccountFile, load_account_files
from org_backup.config.pulumi_files import stack_config
from org_backup.config.settings import Settings, decode_setting, load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_pulumi_yaml_declares_every_setting_with_its_default():
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    declared = project["config"]

    assert set(declared) == set(Settings.model_fields)
    for name, field in Settings.model_fields.items():
        spec = declared[name]
        assert spec["description"], name
        # Pulumi passes config to the program as strings: decode as the program does.
        raw = spec["default"]
        value = decode_setting(name, json.dumps(raw) if isinstance(raw, list) else str(raw))
        assert Settings.model_validate({name: value}).model_dump()[name] == field.default, name


def test_project_defaults_pass_through_the_settings_loader():
    declared = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"]
    as_pulumi_passes_them = {
        name: json.dumps(spec["default"]) if spec["type"] == "array" else str(spec["default"])
        for name, spec in declared.items()
    }
    as_pulumi_passes_them = {
        name: value.lower() if declared[name]["type"] == "boolean" else value
        for name, value in as_pulumi_passes_them.items()
    }

    assert load_settings(as_pulumi_passes_them) == Settings()


def test_example_stack_file_is_valid():
    config, source = stack_config("example", ROOT)

    assert source.endswith("Pulumi.example.yaml")
    assert set(config.origins.values()) >= {source}, "the example should show some settings"
    load_settings(config, source)


def test_example_account_file_is_documented_and_valid():
    example = yaml.safe_load((ROOT / "accounts" / "_example.yaml").read_text())
    AccountFile.model_validate(example)
    readme = (ROOT / "accounts" / "README.md").read_text()
    for field in AccountFile.model_fields:
        assert f"`{field}`" in readme, field


def test_shipped_accounts_dir_loads():
    load_account_files(ROOT / "accounts", Settings().policy_defaults())
