"""AWS's own rules for the values org-backup sends (botocore's models, the AWS Backup and
EventBridge guides), as pure checks.

Each check returns None when the value is fine, or a sentence saying what would be right.
"""

from __future__ import annotations

import datetime
import difflib
import re
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import botocore.session

from org_backup.aws_rules.partitions import known_regions
from org_backup.aws_rules.schedule import NOT_CRON, parse_schedule

MAX_DAYS = 36_500
MIN_START_WINDOW = 60
COLD_TO_DELETE_GAP = 90
VAULT_LOCK_MIN_CHANGEABLE_DAYS = 3
MIN_SCHEDULE_GAP_MINUTES = 60  # AWS Backup runs a rule at most hourly
MAX_RULES_PER_PLAN = 10  # AWS Backup quota: rules per backup plan
AIR_GAPPED_MIN_RETENTION_DAYS = 7  # CreateLogicallyAirGappedBackupVault's MinRetentionDays

_VAULT_NAME = re.compile(r"^[a-zA-Z0-9\-_]{2,50}$")
_RULE_NAME = re.compile(r"^[a-zA-Z0-9\-_.]{1,50}$")
_ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")
_ACCOUNT_ID = re.compile(r"^\d{12}$")
# EventBridge custom bus names (botocore events EventBusName, without '/', which only partner
# buses use); "default" is the account's own bus.
_BUS_NAME = re.compile(r"^[A-Za-z0-9._\-]{1,256}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# S3 general purpose bucket names (Amazon S3 User Guide, bucket naming rules): 3-63 of
# lowercase letters, digits, '.' and '-', beginning and ending with a letter or digit, no two
# adjacent periods, not formatted as an IP address.
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_IP_ADDRESS = re.compile(r"^\d+\.\d+\.\d+\.\d+$")


def retention_range(min_days: int | None, max_days: int | None) -> tuple[int, int]:
    """The retention a vault lock (or an air-gapped vault) enforces: an unset bound is AWS's
    own, one day at least and no upper limit but MAX_DAYS."""
    return (min_days or 1, max_days or MAX_DAYS)


def check_vault_name(name: str) -> str | None:
    if _VAULT_NAME.match(name):
        return None
    return "must be 2 to 50 characters of letters, digits, '-' and '_' (AWS Backup vault names)"


def check_backup_name(name: str) -> str | None:
    """Plan, rule and selection names share one pattern in AWS Backup."""
    if _RULE_NAME.match(name):
        return None
    return "must be 1 to 50 characters of letters, digits, '-', '_' and '.'"


def check_role_name(name: str) -> str | None:
    if _ROLE_NAME.match(name):
        return None
    return "must be 1 to 64 characters of letters, digits and '+=,.@_-' (IAM role names)"


def check_account_id(value: str) -> str | None:
    if _ACCOUNT_ID.match(value):
        return None
    return "must be a 12-digit AWS account id, written as a quoted string such as '012345678901'"


def check_schedule(expression: str, today: datetime.date | None = None) -> str | None:
    """What AWS Backup rejects, read with the reports' own parser (config/schedule.py): not six
    cron fields, '?' in neither or both day fields, a field out of range, an expression that
    never fires (again), or two runs less than an hour apart."""
    try:
        parsed = parse_schedule(expression)
    except ValueError as error:
        if str(error).startswith(NOT_CRON):
            return (
                "must be cron(minutes hours day-of-month month day-of-week year), e.g."
                " cron(0 5 * * ? *); rate() is not supported by AWS Backup"
            )
        return f"{error}; AWS Backup rejects it (e.g. cron(0 5 * * ? *) runs daily at 05:00)"
    today = today or datetime.datetime.now(datetime.UTC).date()
    if parsed.days is None:
        return "never fires: no date matches its day-of-month, month and day-of-week fields"
    if not parsed.runs_on_or_after(today):
        last = datetime.date.fromordinal(parsed.days.last)
        return f"never fires again: its last run day was {last.isoformat()}"
    gap = parsed.shortest_gap_minutes
    if gap < MIN_SCHEDULE_GAP_MINUTES:
        return (
            f"runs two backups only {gap:g} minutes apart; AWS Backup needs at least"
            f" {MIN_SCHEDULE_GAP_MINUTES} minutes between backups, e.g. cron(0 * * * ? *) (hourly)"
        )
    return None


def check_timezone(name: str) -> str | None:
    if name in _timezones():
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return "must be an IANA time zone name such as Etc/UTC or Europe/Paris"
    return None


@cache
def _timezones() -> frozenset[str]:
    return frozenset(available_timezones())


@cache
def backup_regions() -> frozenset[str]:
    """Every region of every partition where botocore knows an AWS Backup endpoint."""
    session = botocore.session.get_session()
    regions: set[str] = set()
    for partition in session.get_available_partitions():
        regions.update(session.get_available_regions("backup", partition_name=partition))
    return frozenset(regions & known_regions())


def check_region(region: str) -> str | None:
    regions = backup_regions()
    if region in regions:
        return None
    wanted = str(region).lower()
    close = difflib.get_close_matches(wanted, sorted(regions), n=3)
    # Equally close names are all offered: us-est-1 is as near us-west-1 as us-east-1.
    ratio = lambda name: difflib.SequenceMatcher(None, wanted, name).ratio()  # noqa: E731
    best = sorted(name for name in close if ratio(name) == ratio(close[0])) if close else []
    hint = f"did you mean {' or '.join(best)}?" if best else "e.g. us-east-1"
    return f"is not an AWS region with AWS Backup; {hint}"


def check_bus_name(name: str) -> str | None:
    if _BUS_NAME.match(name) and name != "default":
        return None
    return "must be 1 to 256 characters of letters, digits, '.', '-' and '_', and not 'default'"


def check_email(address: str) -> str | None:
    if _EMAIL.match(address) and len(address) <= 254:
        return None
    return "is not an email address, e.g. backup-oncall@example.com"


def check_bucket_name(name: str) -> str | None:
    if _BUCKET_NAME.match(name) and ".." not in name and not _IP_ADDRESS.match(name):
        return None
    return (
        "must be an S3 bucket name: 3 to 63 lowercase letters, digits, '.' and '-', beginning"
        " and ending with a letter or digit, e.g. acme-backup-audit-reports"
    )
