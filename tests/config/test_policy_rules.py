"""Retention tiers: `rules` in settings and `backup.rules` in account files, each rule checked
like the single rule, with the organization's floor and the central vault's range on top."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from org_backup.coverage.pipeline import load_inputs
from org_backup.errors import InputError

A = "111122223333"
THREE_RULES = [
    {"name": "daily", "schedule": "cron(0 5 * * ? *)", "delete_after_days": 35},
    {
        "name": "weekly",
        "schedule": "cron(0 6 ? * SUN *)",
        "delete_after_days": 120,
        "cold_storage_after_days": 30,
    },
    {
        "name": "monthly",
        "schedule": "cron(0 7 1 * ? *)",
        "delete_after_days": 400,
        "copy": False,
        "schedule_timezone": "Europe/Paris",
    },
]
CENTRAL = {
    "central_account_id": "555566667777",
    "central_mpa_enabled": "false",
    "central_delegated_administrator_enabled": "false",
}


def load(tmp_path: Path, config: dict[str, Any], files: dict[str, str] | None = None):
    for name, text in (files or {}).items():
        (tmp_path / name).write_text(text)
    return load_inputs(tmp_path, config, "Pulumi.dev.yaml")


def problems(tmp_path: Path, config: dict[str, Any], files: dict[str, str] | None = None):
    with pytest.raises(InputError) as raised:
        load(tmp_path, config, files)
    return [str(problem) for problem in raised.value.problems]


def only(lines: list[str], *needles: str) -> str:
    matching = [line for line in lines if all(needle in line for needle in needles)]
    assert len(matching) == 1, lines
    return matching[0]


def test_single_rule_settings_make_one_default_rule(tmp_path):
    _, files = load(
        tmp_path,
        {"delete_after_days": 40, "rule_name": "nightly"},
        {"a.yaml": f"account_id: '{A}'\n"},
    )
    (rule,) = files[0].policy.rules
    assert (rule.name, rule.delete_after_days, rule.schedule) == (
        "nightly",
        40,
        "cron(0 5 * * ? *)",
    )
    assert rule.copy_enabled and rule.copy_delete_after_days == 40


def test_rules_replace_the_default_rule_and_fill_gaps_from_single_rule_settings(tmp_path):
    config = {"rules": json.dumps(THREE_RULES), "start_window_minutes": 90}
    _, files = load(tmp_path, config, {"a.yaml": f"account_id: '{A}'\n"})
    daily, weekly, monthly = files[0].policy.rules
    assert [r.name for r in (daily, weekly, monthly)] == ["daily", "weekly", "monthly"]
    assert daily.start_window_minutes == 90 and daily.completion_window_minutes == 360
    assert (weekly.cold_storage_after_days, weekly.copy_cold_storage_after_days) == (30, 30)
    assert monthly.schedule_timezone == "Europe/Paris" and not monthly.copy_enabled
    assert daily.schedule_timezone == "Etc/UTC"


def test_copy_lifecycle_comes_from_copy_settings_then_the_rule(tmp_path):
    rules = [{**THREE_RULES[0], "copy_delete_after_days": 60}, THREE_RULES[1]]
    config = {"rules": json.dumps(rules), "copy_delete_after_days": 365}
    _, files = load(tmp_path, config, {"a.yaml": f"account_id: '{A}'\n"})
    daily, weekly = files[0].policy.rules
    assert daily.copy_delete_after_days == 60
    assert (weekly.copy_delete_after_days, weekly.copy_cold_storage_after_days) == (365, None)


def test_account_file_rules_replace_the_organization_list(tmp_path):
    text = (
        f"account_id: '{A}'\nbackup:\n  start_window_minutes: 60\n  rules:\n"
        "    - {name: hourly-ish, schedule: 'cron(0 */6 * * ? *)', delete_after_days: 7}\n"
    )
    _, files = load(tmp_path, {"rules": json.dumps(THREE_RULES)}, {"a.yaml": text})
    (rule,) = files[0].policy.rules
    assert (rule.name, rule.delete_after_days, rule.start_window_minutes) == ("hourly-ish", 7, 60)


def test_a_bad_rule_in_settings_names_its_index_and_name(tmp_path):
    rules = [THREE_RULES[0], {**THREE_RULES[1], "delete_after_days": 100}]
    lines = problems(tmp_path, {"rules": json.dumps(rules)})
    line = only(lines, "rules.1.delete_after_days")
    assert line.startswith("Pulumi.dev.yaml (org-backup:rules)")
    assert "cold_storage_after_days + 90 = 120" in line and "'weekly'" in line


@pytest.mark.parametrize(
    ("rule", "field", "hint"),
    [
        ({"schedule": "rate(1 day)"}, "backup.rules.0.schedule", "rate()"),
        ({"completion_window_minutes": 100}, "backup.rules.0.completion_window_minutes", "'daily'"),
        ({"name": "two words"}, "backup.rules.0.name", "1 to 50"),
        ({"copy": "maybe"}, "backup.rules.0.copy", "boolean"),
        ({"retention": 3}, "backup.rules.0.retention", "unknown field"),
    ],
    ids=["schedule", "windows", "name", "copy", "typo"],
)
def test_a_bad_rule_in_an_account_file_names_the_file_and_the_rule(tmp_path, rule, field, hint):
    written = {**THREE_RULES[0], **rule}
    text = f"account_id: '{A}'\nbackup:\n  rules:\n    - {json.dumps(written)}\n"
    line = only(problems(tmp_path, {}, {"ml.yaml": text}), field)
    assert line.startswith(str(tmp_path / "ml.yaml"))
    assert hint in line


def test_rule_names_must_be_unique(tmp_path):
    rules = [THREE_RULES[0], {**THREE_RULES[1], "name": "daily"}]
    assert "unique" in only(problems(tmp_path, {"rules": json.dumps(rules)}), "rules.1.name")


def test_at_most_ten_rules(tmp_path):
    rules = [{**THREE_RULES[0], "name": f"r{i}"} for i in range(11)]
    assert only(problems(tmp_path, {"rules": json.dumps(rules)}), "rules")


def test_each_rule_must_fit_the_vault_lock(tmp_path):
    config = {"rules": json.dumps(THREE_RULES), "vault_lock_max_retention_days": 365}
    line = only(problems(tmp_path, config), "rules.2.delete_after_days")
    assert "[1, 365]" in line and "'monthly'" in line


def test_single_rule_fields_next_to_organization_rules_are_an_error(tmp_path):
    text = f"account_id: '{A}'\nbackup:\n  delete_after_days: 30\n"
    line = only(
        problems(tmp_path, {"rules": json.dumps(THREE_RULES)}, {"ml.yaml": text}), "ml.yaml"
    )
    assert "backup.delete_after_days" in line and "has no effect" in line


def test_no_account_file_may_go_under_the_floor(tmp_path):
    text = f"account_id: '{A}'\nbackup:\n  delete_after_days: 14\n"
    line = only(
        problems(tmp_path, {"min_delete_after_days": 30}, {"short.yaml": text}), "short.yaml"
    )
    assert "backup.delete_after_days: 14" in line and "min_delete_after_days (30)" in line


def test_the_floor_covers_copies_too(tmp_path):
    rules = [{**THREE_RULES[0], "delete_after_days": 35, "copy_delete_after_days": 20}]
    text = f"account_id: '{A}'\nbackup:\n  rules:\n    - {json.dumps(rules[0])}\n"
    line = only(problems(tmp_path, {"min_delete_after_days": 30}, {"c.yaml": text}), "c.yaml")
    assert "backup.rules.0.copy_delete_after_days: 20" in line


def test_a_copy_that_is_off_is_not_held_to_the_floor(tmp_path):
    rules = [{**THREE_RULES[0], "copy": False, "copy_delete_after_days": 20}]
    settings, _ = load(tmp_path, {"min_delete_after_days": 30, "rules": json.dumps(rules)})
    assert settings.min_delete_after_days == 30


def test_the_settings_themselves_respect_the_floor(tmp_path):
    line = only(problems(tmp_path, {"min_delete_after_days": 100}), ": delete_after_days: 90")
    assert line.startswith("settings (default)") and "min_delete_after_days (100)" in line


AIR_GAPPED = {
    **CENTRAL,
    "central_vault_kind": "air-gapped",
    "central_vault_min_retention_days": 60,
    "central_vault_max_retention_days": 365,
}


def test_copies_must_fall_inside_the_air_gapped_range_naming_the_rule(tmp_path):
    lines = problems(tmp_path, {**AIR_GAPPED, "rules": json.dumps(THREE_RULES[:2])})
    line = only(lines, "rules.0.copy_delete_after_days")
    assert "[60, 365]" in line and "'daily'" in line and "kept 35 days" in line
    assert not [line for line in lines if "rules.1." in line]


def test_a_rule_without_copy_is_not_held_to_the_range(tmp_path):
    rules = [{**THREE_RULES[0], "delete_after_days": 7, "copy": False}, THREE_RULES[1]]
    load(tmp_path, {**AIR_GAPPED, "rules": json.dumps(rules)})


def test_no_range_check_without_a_central_account(tmp_path):
    config = {k: v for k, v in AIR_GAPPED.items() if k != "central_account_id"}
    load(tmp_path, {**config, "delete_after_days": 5})


def test_an_empty_rules_list_in_a_file_is_an_error_not_the_default(tmp_path):
    text = f"account_id: '{A}'\nbackup:\n  rules: []\n"
    line = only(problems(tmp_path, {}, {"empty.yaml": text}), "backup.rules")
    assert "at least 1 item" in line
