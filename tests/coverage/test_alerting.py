"""The alerting and restore-testing settings: bad values are exit-2 problems naming the
setting, and the models the rollout reads are derived from good ones."""

from __future__ import annotations

import pytest

from org_backup.config.settings import load_settings
from org_backup.coverage.alerting import alerts_from, restore_testing_from
from org_backup.coverage.shape import restore_testing_name
from org_backup.errors import InputError


def _problems(**config: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_settings(config)
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize(
    ("field", "value", "complaint"),
    [
        ("alert_emails", '["oncall@example.com", "not-an-address"]', "not an email address"),
        ("alerts_bus_name", "default", "not 'default'"),
        ("alerts_bus_name", "org/backup", "letters, digits"),
        ("alerts_region", "us-nowhere-1", "not an AWS region"),
        ("alerts_muted_accounts", '["12345"]', "12-digit AWS account id"),
        ("restore_testing_schedule", "rate(1 day)", "cron("),
        ("restore_testing_schedule", "cron(0 5 * * * *)", "'?'"),
        ("restore_testing_timezone", "Mars/Olympus", "IANA time zone"),
        ("restore_testing_selection_window_days", "366", "less than or equal to 365"),
        ("restore_testing_start_window_hours", "0", "greater than or equal to 1"),
        ("restore_testing_validation_window_hours", "169", "less than or equal to 168"),
    ],
)
def test_bad_values_name_the_setting(field, value, complaint):
    [problem] = _problems(**{field: value})
    assert field in problem and complaint in problem, problem


def test_restore_testing_is_off_until_a_schedule_is_set():
    assert restore_testing_from(load_settings({})) is None
    config = restore_testing_from(
        load_settings({"restore_testing_schedule": "cron(0 9 ? * MON *)"})
    )
    assert config is not None
    assert (config.schedule, config.timezone, config.selection_window_days) == (
        "cron(0 9 ? * MON *)",
        "Etc/UTC",
        7,
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("org-backup-ai", "org_backup_ai"),
        ("ai.efs.v2", "ai_efs_v2"),
        ("plain_name1", "plain_name1"),
        ("x" * 50, "x" * 50),
    ],
)
def test_restore_testing_names_keep_only_letters_digits_and_underscores(name, expected):
    assert restore_testing_name(name) == expected


CENTRAL = {
    "central_account_id": "555566667777",
    "central_mpa_enabled": "false",
    "central_delegated_administrator_enabled": "false",
}


def test_alerts_need_a_central_account():
    [problem] = _problems(alerts_enabled="true")
    assert "alerts_enabled" in problem and "needs central_account_id" in problem


def test_the_alerts_region_defaults_to_the_first_region():
    settings = load_settings(
        {**CENTRAL, "alerts_enabled": "true", "regions": '["eu-west-1", "us-east-1"]'}
    )
    alerts = alerts_from(settings, "aws")
    assert alerts is not None
    assert alerts.region == "eu-west-1"
    assert alerts.bus_arn == "arn:aws:events:eu-west-1:555566667777:event-bus/org-backup-alerts"
    chosen = alerts_from(
        load_settings({**CENTRAL, "alerts_enabled": "true", "alerts_region": "us-east-2"}), "aws"
    )
    assert chosen is not None and chosen.region == "us-east-2"


def test_alerts_stay_off_without_alerts_enabled():
    assert alerts_from(load_settings(CENTRAL), "aws") is None
