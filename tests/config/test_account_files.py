"""A corpus of malformed account files and settings: each exits 2, naming file and field."""

from __future__ import annotations

from pathlib import Path

import pytest
from moto import mock_aws

from org_backup.cli import main
from tests.support.orgs import new_org

GOOD_ID = "111122223333"

# (file name, file text, the field the message must name, a word the message must contain)
BAD_FILES = [
    ("int-id.yaml", "account_id: 111122223333\n", "account_id", "must be quoted"),
    ("lost-zero.yaml", "account_id: 12345678901\n", "account_id", "leading zero"),
    ("short-id.yaml", 'account_id: "12345"\n', "account_id", "12-digit"),
    ("missing-id.yaml", "name: orphan\n", "account_id", "required"),
    ("typo.yaml", f'account_id: "{GOOD_ID}"\nregoins: [us-east-1]\n', "regoins", "unknown field"),
    (
        "backup-typo.yaml",
        f'account_id: "{GOOD_ID}"\nbackup:\n  retention_days: 30\n',
        "backup.retention_days",
        "unknown field",
    ),
    ("region.yaml", f'account_id: "{GOOD_ID}"\nregions: [mars-1]\n', "regions", "mars-1"),
    (
        "rate.yaml",
        f'account_id: "{GOOD_ID}"\nbackup:\n  schedule: rate(1 day)\n',
        "backup.schedule",
        "rate() is not supported",
    ),
    (
        "five-fields.yaml",
        f'account_id: "{GOOD_ID}"\nbackup:\n  schedule: cron(0 5 * * *)\n',
        "backup.schedule",
        "has 5 fields inside cron(...), not 6",
    ),
    (
        "every-5-minutes.yaml",
        f'account_id: "{GOOD_ID}"\nbackup:\n  schedule: cron(*/5 * * * ? *)\n',
        "backup.schedule",
        "at least 60 minutes between backups",
    ),
    (
        "hour-25.yaml",
        f'account_id: "{GOOD_ID}"\nbackup:\n  schedule: cron(0 25 * * ? *)\n',
        "backup.schedule",
        "'25' in hours, which takes 0-23",
    ),
    (
        "february-31.yaml",
        f'account_id: "{GOOD_ID}"\nbackup:\n  schedule: cron(0 5 31 2 ? *)\n',
        "backup.schedule",
        "never fires",
    ),
    (
        "no-question.yaml",
        f'account_id: "{GOOD_ID}"\nbackup:\n  schedule: cron(0 5 * * * *)\n',
        "backup.schedule",
        "'?'",
    ),
    (
        "tz.yaml",
        f'account_id: "{GOOD_ID}"\nbackup:\n  schedule_timezone: Mars/Olympus\n',
        "backup.schedule_timezone",
        "IANA",
    ),
    (
        "start.yaml",
        f'account_id: "{GOOD_ID}"\nbackup:\n  start_window_minutes: 30\n',
        "backup.start_window_minutes",
        "60",
    ),
    (
        "completion.yaml",
        f'account_id: "{GOOD_ID}"\nbackup:\n  start_window_minutes: 120\n'
        "  completion_window_minutes: 150\n",
        "backup.completion_window_minutes",
        "start_window_minutes + 60",
    ),
    (
        "cold.yaml",
        f'account_id: "{GOOD_ID}"\nbackup:\n  cold_storage_after_days: 30\n  delete_after_days: 60\n',
        "backup.delete_after_days",
        "cold_storage_after_days + 90",
    ),
    (
        "negative.yaml",
        f'account_id: "{GOOD_ID}"\nbackup:\n  delete_after_days: 0\n',
        "backup.delete_after_days",
        "greater than or equal to 1",
    ),
    ("list.yaml", "- account_id: '111122223333'\n", "(document)", "mapping"),
    ("broken.yaml", 'account_id: "111122223333\nname: [\n', "(file)", "not valid YAML"),
    ("enabled.yaml", f'account_id: "{GOOD_ID}"\nenabled: maybe\n', "enabled", "boolean"),
    (
        "role.yaml",
        f'account_id: "{GOOD_ID}"\ndeploy_role_name: "bad role!"\n',
        "deploy_role_name",
        "IAM",
    ),
    ("tags.yaml", f'account_id: "{GOOD_ID}"\ntags:\n  "aws:owner": me\n', "tags", "aws:"),
    (
        "lock.yaml",
        f'account_id: "{GOOD_ID}"\nbackup:\n  vault_lock_min_retention_days: 7\n'
        "  vault_lock_changeable_for_days: 1\n",
        "backup.vault_lock_changeable_for_days",
        "greater than or equal to 3",
    ),
    (
        "lock-range.yaml",
        f'account_id: "{GOOD_ID}"\nbackup:\n  vault_lock_min_retention_days: 100\n',
        "backup.delete_after_days",
        "retention range",
    ),
    (
        "kms.yaml",
        f'account_id: "{GOOD_ID}"\nbackup:\n  vault_kms_key_arn: "alias/my key"\n',
        "backup.vault_kms_key_arn",
        "alias name (alias/NAME",
    ),
    (
        "efs.yaml",
        f'account_id: "{GOOD_ID}"\nbackup:\n  efs_automatic_backups: off\n',
        "backup.efs_automatic_backups",
        "'leave', 'accept' or 'disable'",
    ),
]

# (environment variable, value, the field, a word the message must contain)
BAD_SETTINGS = [
    ("ORG_BACKUP_REGIONS", "us-east-1", "regions", "JSON"),
    ("ORG_BACKUP_REGIONS", "[]", "regions", "at least one region"),
    ("ORG_BACKUP_SCHEDULE", "rate(1 day)", "schedule", "rate()"),
    ("ORG_BACKUP_SCHEDULE", "cron(0,30 5 * * ? *)", "schedule", "30 minutes apart"),
    ("ORG_BACKUP_SCHEDULE", "cron(0 5 ? * 0 *)", "schedule", "'0' in day-of-week"),
    ("ORG_BACKUP_SCHEDULE", "cron(0 5 * * ? 2001)", "schedule", "never fires again"),
    ("ORG_BACKUP_ACCOUNT_SELECTION", "some", "account_selection", "'all' or 'listed'"),
    ("ORG_BACKUP_EXCLUDE_ACCOUNTS", '["123"]', "exclude_accounts", "12-digit"),
    ("ORG_BACKUP_TARGET_OUS", '["Prod"]', "target_ous", "OU id"),
    ("ORG_BACKUP_REGION", '["us-east-1"]', "ORG_BACKUP_REGION", "did you mean regions"),
    ("ORG_BACKUP_MAX_WORKERS", "0", "max_workers", "greater than or equal to 1"),
    ("ORG_BACKUP_VAULT_NAME", "my vault", "vault_name", "2 to 50"),
    ("ORG_BACKUP_SHARD_INDEX", "4", "shard_index", "below shard_count"),
    ("ORG_BACKUP_INCLUDE_MANAGEMENT_ACCOUNT", "perhaps", "include_management_account", "boolean"),
    ("ORG_BACKUP_DISCOVERY_ROLE_ARN", "OrgReader", "discovery_role_arn", "role ARN"),
    ("ORG_BACKUP_AUDIT_REPORTS_BUCKET", "My_Bucket", "audit_reports_bucket", "S3 bucket name"),
    ("ORG_BACKUP_AUDIT_REPORTS_PREFIX", "/reports", "audit_reports_prefix", "begin or end"),
    ("ORG_BACKUP_AUDIT_REPORTS_REGION", "mars-1", "audit_reports_region", "region"),
    ("ORG_BACKUP_EFS_AUTOMATIC_BACKUPS", "off", "efs_automatic_backups", "'leave'"),
]


def run_discover(capsys, accounts_dir: Path) -> tuple[int, str, str]:
    code = main(["discover", "--accounts-dir", str(accounts_dir)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(
    ("name", "text", "field", "hint"), BAD_FILES, ids=[c[0] for c in BAD_FILES]
)
def test_bad_account_file_exits_2_naming_file_and_field(tmp_path, capsys, name, text, field, hint):
    (tmp_path / name).write_text(text)

    code, out, err = run_discover(capsys, tmp_path)

    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    line = next(line for line in err.splitlines() if name in line and line.startswith("error:"))
    # A problem of the whole file names no field (no "(file)" placeholder).
    assert f": {field}:" in line if not field.startswith("(") else field not in line
    assert hint in line


@pytest.mark.parametrize(
    ("variable", "value", "field", "hint"),
    BAD_SETTINGS,
    ids=[c[0] + "=" + c[1] for c in BAD_SETTINGS],
)
def test_bad_setting_exits_2_naming_variable_and_field(
    tmp_path, capsys, monkeypatch, variable, value, field, hint
):
    monkeypatch.setenv(variable, value)

    code, out, err = run_discover(capsys, tmp_path)

    assert code == 2
    assert out == ""
    line = next(line for line in err.splitlines() if variable in line and line.startswith("error:"))
    assert f": {field}:" in line
    assert hint in line


def test_every_problem_is_reported_at_once(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ORG_BACKUP_SCHEDULE", "rate(1 day)")
    (tmp_path / "a.yaml").write_text("account_id: 111122223333\n")
    (tmp_path / "b.yaml").write_text(f'account_id: "{GOOD_ID}"\nregoins: []\n')

    code, _, err = run_discover(capsys, tmp_path)

    assert code == 2
    assert "ORG_BACKUP_SCHEDULE" in err
    assert "a.yaml" in err and "b.yaml" in err


def test_same_account_in_two_files(tmp_path, capsys):
    (tmp_path / "one.yaml").write_text(f'account_id: "{GOOD_ID}"\n')
    (tmp_path / "two.yaml").write_text(f'account_id: "{GOOD_ID}"\n')

    code, _, err = run_discover(capsys, tmp_path)

    assert code == 2
    assert "two.yaml: account_id:" in err
    assert "one.yaml" in err.split("two.yaml: account_id:")[1]


def test_files_starting_with_underscore_are_skipped(tmp_path, capsys):
    (tmp_path / "_example.yaml").write_text("account_id: 1\nnot_a_field: true\n")
    with mock_aws():
        new_org()
        code, _, _ = run_discover(capsys, tmp_path)
    assert code == 0


@pytest.mark.parametrize(
    ("text", "field", "hint"),
    [
        ('account_id: "999988887777"\n', "account_id", "is not an account of organization"),
        ('account_id: "{suspended}"\n', "account_id", "SUSPENDED"),
        ('account_id: "{active}"\nname: ml-prod\n', "name", "named 'data-lake'"),
    ],
    ids=["not-a-member", "suspended", "wrong-name"],
)
def test_a_drifted_file_is_a_warning_and_an_error_only_under_strict(
    tmp_path, capsys, text, field, hint
):
    """Drift of the organization stays in its account; `--strict` (pull requests) refuses it."""
    with mock_aws():
        org = new_org()
        active = org.account("data-lake")
        suspended = org.account("old")
        bystander = org.account("bystander")
        org.client.close_account(AccountId=suspended)
        (tmp_path / "acct.yaml").write_text(text.format(suspended=suspended, active=active))

        code, out, err = run_discover(capsys, tmp_path)
        strict = main(["discover", "--accounts-dir", str(tmp_path), "--strict"])
        strict_out, strict_err = capsys.readouterr()

    assert code == 0
    assert f"WARNING: {tmp_path / 'acct.yaml'}: {field}:" in err and hint in err
    lines = {line.split()[0]: line for line in out.splitlines() if line[:1].isdigit()}
    assert "covered" in lines[bystander] and "us-east-1" in lines[bystander]
    assert strict == 2
    assert strict_out == ""
    assert f"error: {tmp_path / 'acct.yaml'}: {field}:" in strict_err and hint in strict_err
