"""The alerting and restore-testing part of the settings, validated and resolved once.

`Coverage` carries the two models below, so the Pulumi program, the manifest and the audit read
the same values; the ARNs of the central bus and topic are derived here, because every shard's
forwarding rules must target the bus that only shard 0 creates.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from org_backup.config.settings import Settings

# AWS Backup restore testing plan and selection names: letters, digits and underscores, 1-50
# (botocore CreateRestoreTestingPlan/CreateRestoreTestingSelection documentation).
RESTORE_TESTING_NAME_MAX = 50
_NOT_NAME_CHARACTER = re.compile(r"[^A-Za-z0-9_]")
# EventBridge custom bus names (botocore events EventBusName, without '/', which only partner
# buses use); "default" is the account's own bus.
_BUS_NAME = re.compile(r"^[A-Za-z0-9._\-]{1,256}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def restore_testing_name(name: str) -> str:
    """A backup plan or selection name (letters, digits, '-', '_', '.') made fit for restore
    testing: every other character becomes '_', e.g. `org-backup-ai` -> `org_backup_ai`."""
    return _NOT_NAME_CHARACTER.sub("_", name)[:RESTORE_TESTING_NAME_MAX]


class RestoreTestingConfig(BaseModel):
    """One restore test per schedule run: the latest recovery point of the account's own vault."""

    model_config = ConfigDict(frozen=True)

    schedule: str
    timezone: str
    selection_window_days: int
    start_window_hours: int
    validation_window_hours: int


class AlertsConfig(BaseModel):
    """Where every account-region forwards AWS Backup's failure events: the central bus."""

    model_config = ConfigDict(frozen=True)

    central_account_id: str
    region: str
    bus_name: str
    emails: tuple[str, ...]
    forwarder_role_name: str
    partition: str = "aws"
    # still forwarded (the bus keeps every event), but no email is sent for them
    muted_accounts: tuple[str, ...] = ()

    @property
    def bus_arn(self) -> str:
        return (
            f"arn:{self.partition}:events:{self.region}:{self.central_account_id}"
            f":event-bus/{self.bus_name}"
        )

    @property
    def topic_name(self) -> str:
        """The SNS topic shares the bus's name (SNS allows 1-256 of [A-Za-z0-9_-])."""
        return self.bus_name.replace(".", "-")

    @property
    def topic_arn(self) -> str:
        return f"arn:{self.partition}:sns:{self.region}:{self.central_account_id}:{self.topic_name}"

    @property
    def forwarding_rule_name(self) -> str:
        """The rule in every account-region (EventBridge rule names: 1-64 of [A-Za-z0-9._-])."""
        return f"{self.bus_name}-forward"[:64]

    @property
    def central_rule_name(self) -> str:
        """The rule on the central bus that feeds the topic."""
        return f"{self.bus_name}-to-email"[:64]


def restore_testing_from(settings: Settings) -> RestoreTestingConfig | None:
    if settings.restore_testing_schedule is None:
        return None
    return RestoreTestingConfig(
        schedule=settings.restore_testing_schedule,
        timezone=settings.restore_testing_timezone,
        selection_window_days=settings.restore_testing_selection_window_days,
        start_window_hours=settings.restore_testing_start_window_hours,
        validation_window_hours=settings.restore_testing_validation_window_hours,
    )


def alerts_from(settings: Settings, partition: str) -> AlertsConfig | None:
    """None when alerts are off; `alerting_problems` has already rejected a missing account."""
    central = settings.central_account_id
    if not settings.alerts_enabled or central is None:
        return None
    return AlertsConfig(
        central_account_id=central,
        region=settings.alerts_region or settings.regions[0],
        bus_name=settings.alerts_bus_name,
        emails=tuple(settings.alert_emails),
        forwarder_role_name=settings.alerts_forwarder_role_name,
        partition=partition,
        muted_accounts=tuple(sorted(set(settings.alerts_muted_accounts))),
    )


def alerting_problems(settings: Settings) -> Iterator[tuple[str, object, str]]:
    """(field, value, what would be right) for every cross-field mistake of these settings."""
    if settings.alerts_enabled and settings.central_account_id is None:
        yield (
            "alerts_enabled",
            True,
            "needs central_account_id: the alerts' event bus and topic live in the central account",
        )


def check_bus_name(name: str) -> str | None:
    if _BUS_NAME.match(name) and name != "default":
        return None
    return "must be 1 to 256 characters of letters, digits, '.', '-' and '_', and not 'default'"


def check_email(address: str) -> str | None:
    if _EMAIL.match(address) and len(address) <= 254:
        return None
    return "is not an email address, e.g. backup-oncall@example.com"
