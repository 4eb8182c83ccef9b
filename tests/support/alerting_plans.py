"""A coverage with central alerts and restore testing on: two covered accounts (three regions)
and a skipped one, for the rollout's and the report's alerting tests."""

from __future__ import annotations

from org_backup.coverage.alerting import AlertsConfig, RestoreTestingConfig
from tests.support.plans import CENTRAL_ID, central, covered, org, policy, skipped

A, B, C, CENTRAL = "111122223333", "444455556666", "777788889999", CENTRAL_ID
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
TEST_PLAN = "aws:backup/restoreTestingPlan:RestoreTestingPlan"
TEST_SELECTION = "aws:backup/restoreTestingSelection:RestoreTestingSelection"
BUS_ARN = f"arn:aws:events:eu-west-1:{CENTRAL}:event-bus/org-backup-alerts"

ALERTS = AlertsConfig(
    central_account_id=CENTRAL,
    region="eu-west-1",
    bus_name="org-backup-alerts",
    emails=("oncall@example.com",),
    forwarder_role_name="OrgBackupAlertsForwarder",
)
TESTING = RestoreTestingConfig(
    schedule="cron(0 9 ? * MON *)",
    timezone="Europe/Paris",
    selection_window_days=7,
    start_window_hours=24,
    validation_window_hours=2,
)
COVERAGE = org(
    covered(A),  # us-east-1 and eu-west-1
    covered(B, regions=("ap-southeast-2",), policy=policy(plan_name="ai.plan-v2")),
    skipped(C),
    central=central(),
    alerts=ALERTS,
    restore_testing=TESTING,
)
