"""docs/settings.md is the settings model, written out: every setting, with what it takes, its
default, its variable and its key; and Pulumi.yaml describes each setting in the same words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from pydantic import Field

from org_backup.aws_rules import limits
from org_backup.config.settings import Settings
from org_backup.config.settings_doc import BEGIN, END, GROUPS, render, update

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "settings.md"


def _entry(page: str, name: str) -> str:
    """The reference entry of one setting: from its heading to the next heading."""
    match = re.search(rf"^#### `{name}`\n(.*?)(?=^#)", page, re.M | re.S)
    assert match, f"docs/settings.md has no entry for {name}"
    return match.group(1)


def test_the_page_is_what_the_model_generates():
    page = PAGE.read_text()

    assert update(page, render()) == page, "docs/settings.md is out of date: run `make docs`"


def test_every_setting_has_one_entry_with_its_variable_key_default_and_description():
    page = PAGE.read_text()

    assert re.findall(r"^#### `(\w+)`$", page, re.M) == [
        name for group in GROUPS for name in group.fields
    ]
    assert set(re.findall(r"^#### `(\w+)`$", page, re.M)) == set(Settings.model_fields)
    for name, field in Settings.model_fields.items():
        entry = _entry(page, name)
        assert f"`ORG_BACKUP_{name.upper()}`" in entry, name
        assert f"`org-backup:{name}`" in entry, name
        assert field.description and field.description.split(" ")[0] in entry, name
    assert "| integer, 1 to 64 | `8` |" in _entry(page, "max_workers")
    assert "| string; optional | unset |" in _entry(page, "deploy_role_external_id")
    assert "Per account: `backup.schedule`" in _entry(page, "schedule")


def test_a_value_rule_is_the_validator_own_words():
    page = PAGE.read_text()

    rule = limits.check_vault_name("").removeprefix("must be ")
    assert rule.replace("_", "\\_") in _entry(page, "vault_name")
    assert rule.replace("_", "\\_") in _entry(page, "central_vault_name")


def test_a_setting_in_no_group_stops_the_generator():
    class WithNewSetting(Settings):
        retention_report_owner: str = Field(default="", description="Who reads the report.")

    with pytest.raises(ValueError, match="settings in no group: retention_report_owner"):
        render(WithNewSetting)


def test_the_generated_part_needs_its_markers():
    with pytest.raises(ValueError, match="markers are missing"):
        update("# Settings\n", render())
    assert (
        update(f"intro\n{BEGIN}\nold\n{END}\nend\n", "new\n")
        == f"intro\n{BEGIN}\nnew\n{END}\nend\n"
    )


def test_pulumi_yaml_describes_every_setting_as_the_model_does():
    declared = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"]

    for name, field in Settings.model_fields.items():
        unset = (
            " Empty: not set." if declared[name]["default"] == "" and field.default is None else ""
        )
        assert declared[name]["description"] == f"{field.description}{unset}", name
