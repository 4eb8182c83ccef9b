"""Shard 0's alerting resources in the central account: the bus every account forwards AWS
Backup's failed jobs to, and the email path out of it.

    member account-region default bus --(rule, forwarder role)--> central bus
    central bus --(rule, same pattern)--> SNS topic --> one email subscription per address

The bus's policy admits `events:PutEvents` from the forwarder roles of this organization's
accounts only (`aws:PrincipalArn` and `aws:PrincipalOrgID`); the topic's policy lets EventBridge publish, for the central rule only
(`aws:SourceArn`). The topic is a standard one, unencrypted: EventBridge cannot publish to a
topic encrypted with the AWS managed key (docs/alerts-and-restore-testing.md).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pulumi
import pulumi_aws as aws

from org_backup.aws_rules.arns import ANY_ACCOUNT, role_arn
from org_backup.aws_rules.backup_events import failed_jobs_pattern_json
from org_backup.coverage import names
from org_backup.coverage.alerting import AlertsConfig

TOPIC_TARGET_ID = "org-backup-alerts-email"


def bus_policy(alerts: AlertsConfig, organization_id: str) -> dict[str, Any]:
    """Only the forwarder roles (EventBridge assumes them to deliver each account's events) of
    this organization's accounts may put events: no other principal can post on the bus."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "OrganizationsForwarderRolesForwardBackupFailures",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "events:PutEvents",
                "Resource": alerts.bus_arn,
                "Condition": {
                    "StringEquals": {"aws:PrincipalOrgID": organization_id},
                    "ArnLike": {
                        "aws:PrincipalArn": role_arn(
                            alerts.partition, ANY_ACCOUNT, alerts.forwarder_role_name
                        )
                    },
                },
            }
        ],
    }


def topic_policy(topic_arn: str, rule_arn: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "CentralAlertsRulePublishes",
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sns:Publish",
                "Resource": topic_arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}},
            }
        ],
    }


def register_central_alerts(
    alerts: AlertsConfig, organization_id: str, parent: pulumi.Resource, provider: aws.Provider
) -> None:
    """The bus, its policy, the topic, its policy, the rule between them and the subscriptions."""
    account, region = alerts.central_account_id, alerts.region
    child = pulumi.ResourceOptions(parent=parent, provider=provider)

    def name(kind: str) -> str:
        return names.regional_resource_name(account, region, kind)

    bus = aws.cloudwatch.EventBus(
        name("alerts-bus"), name=alerts.bus_name, region=region, opts=child
    )
    bus_permission = aws.cloudwatch.EventBusPolicy(
        name("alerts-bus-policy"),
        event_bus_name=bus.name,
        policy=json.dumps(bus_policy(alerts, organization_id), sort_keys=True),
        region=region,
        opts=child,
    )
    topic = aws.sns.Topic(
        name("alerts-topic"),
        name=alerts.topic_name,
        display_name="org-backup alerts",
        region=region,
        opts=child,
    )
    rule = aws.cloudwatch.EventRule(
        name("alerts-central-rule"),
        name=alerts.central_rule_name,
        description="AWS Backup failures forwarded by every account, to the alerts topic",
        event_bus_name=bus.name,
        event_pattern=failed_jobs_pattern_json(alerts.muted_accounts),
        region=region,
        opts=pulumi.ResourceOptions.merge(
            child, pulumi.ResourceOptions(depends_on=[bus_permission])
        ),
    )
    publish = aws.sns.TopicPolicy(
        name("alerts-topic-policy"),
        arn=topic.arn,
        policy=pulumi.Output.all(topic.arn, rule.arn).apply(
            lambda arns: json.dumps(topic_policy(arns[0], arns[1]), sort_keys=True)
        ),
        region=region,
        opts=child,
    )
    aws.cloudwatch.EventTarget(
        name("alerts-central-target"),
        rule=rule.name,
        event_bus_name=bus.name,
        target_id=TOPIC_TARGET_ID,
        arn=topic.arn,
        region=region,
        opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[publish])),
    )
    for address in alerts.emails:
        aws.sns.TopicSubscription(
            name(f"alerts-email-{subscription_key(address)}"),
            topic=topic.arn,
            protocol="email",
            endpoint=address,
            region=region,
            opts=child,
        )


def subscription_key(address: str) -> str:
    """A logical name part that does not move when addresses are added, removed or reordered."""
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()[:12]
