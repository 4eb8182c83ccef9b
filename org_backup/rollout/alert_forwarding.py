"""Alert forwarding in one account: an IAM role EventBridge assumes (one per account) and, in
each covered region, a rule on the default bus matching AWS Backup's failed jobs whose target is
the central bus. Cross-account event bus targets need that role (EventBridge User Guide,
"Permissions for event buses": always use an IAM role when the target is an event bus).

The central bus's ARN is derived from the settings, not read from shard 0's resources: every
shard forwards to the bus that only shard 0 creates.
"""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from org_backup.aws_rules.backup_events import failed_jobs_pattern_json
from org_backup.coverage import names
from org_backup.coverage.alerting import AlertsConfig
from org_backup.coverage.shape import AlertRuleShape, RegionShape
from org_backup.rollout.trust import service_trust_policy

TARGET_ID = "org-backup-central-alerts"
EVENTS_SERVICE = "events.amazonaws.com"


def forwarder_policy(alerts: AlertsConfig) -> str:
    """Only events:PutEvents, only on the central bus."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "ForwardToCentralAlertsBus",
                    "Effect": "Allow",
                    "Action": "events:PutEvents",
                    "Resource": alerts.bus_arn,
                }
            ],
        },
        sort_keys=True,
    )


def register_forwarder_role(
    account_id: str, alerts: AlertsConfig, child: pulumi.ResourceOptions
) -> tuple[aws.iam.Role, aws.iam.RolePolicy]:
    """IAM is global: one role per account, shared by the rules of all its regions; EventBridge
    may assume it for this account's rules only (rollout/trust.py)."""
    role = aws.iam.Role(
        names.account_resource_name(account_id, "alerts-forwarder-role"),
        name=alerts.forwarder_role_name,
        assume_role_policy=service_trust_policy(EVENTS_SERVICE, source_account=account_id),
        description="EventBridge forwards AWS Backup job failures to the central alerts bus",
        opts=child,
    )
    policy = aws.iam.RolePolicy(
        names.account_resource_name(account_id, "alerts-forwarder-policy"),
        role=role.name,
        name="put-events-on-central-alerts-bus",
        policy=forwarder_policy(alerts),
        opts=child,
    )
    return role, policy


def register_forwarding_rule(
    shape: RegionShape,
    forwarding: AlertRuleShape,
    role: aws.iam.Role,
    role_policy: aws.iam.RolePolicy,
    child: pulumi.ResourceOptions,
) -> tuple[aws.cloudwatch.EventRule, aws.cloudwatch.EventTarget]:
    """The rule on the region's default bus, and its one target: the central bus."""
    region = shape.region
    rule = aws.cloudwatch.EventRule(
        shape.resource_name("alerts-rule"),
        name=forwarding.rule_name,
        description="AWS Backup failed, aborted, expired and partial jobs, to the central bus",
        event_pattern=failed_jobs_pattern_json(),
        region=region,
        opts=child,
    )
    target = aws.cloudwatch.EventTarget(
        shape.resource_name("alerts-target"),
        rule=rule.name,
        target_id=TARGET_ID,
        arn=forwarding.bus_arn,
        role_arn=role.arn,
        region=region,
        opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[role_policy])),
    )
    return rule, target
