"""Central alerts and restore testing as the settings ask for them, resolved once.

`Coverage` carries the two models below, so the Pulumi program, the manifest and the audit read
the same values; the ARNs of the central bus and topic are derived here, because every shard's
forwarding rules must target the bus that only shard 0 creates.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from org_backup.aws_rules import arns
from org_backup.config.settings import Settings


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
        return arns.event_bus_arn(
            self.partition, self.region, self.central_account_id, self.bus_name
        )

    @property
    def topic_name(self) -> str:
        """The SNS topic shares the bus's name (SNS allows 1-256 of [A-Za-z0-9_-])."""
        return self.bus_name.replace(".", "-")

    @property
    def topic_arn(self) -> str:
        return arns.topic_arn(self.partition, self.region, self.central_account_id, self.topic_name)

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
