"""The central bus, its policy, the topic, its policy and the subscriptions: once, in shard 0,
in the central account and the alerts region; every shard's forwarding rules target that bus."""

from __future__ import annotations

import json
from typing import Any

import pytest

from org_backup.coverage.names import organization_provider_name
from org_backup.rollout.synthesize import synthesize
from tests.support.alerting_plans import ALERTS, BUS_ARN, CENTRAL, COVERAGE, RULE, TARGET
from tests.support.api_shapes import api_requests, validation_errors
from tests.support.plans import by_type

BUS = "aws:cloudwatch/eventBus:EventBus"
BUS_POLICY = "aws:cloudwatch/eventBusPolicy:EventBusPolicy"
TOPIC = "aws:sns/topic:Topic"
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
CENTRAL_TYPES = (BUS, BUS_POLICY, TOPIC, TOPIC_POLICY, SUBSCRIPTION)
TWO_ADDRESSES = ALERTS.model_copy(update={"emails": ("oncall@example.com", "ml-team@example.com")})


@pytest.fixture(scope="module")
def shard_0() -> list[dict[str, Any]]:
    return synthesize(COVERAGE.model_copy(update={"alerts": TWO_ADDRESSES}))["resources"]


@pytest.fixture(scope="module")
def shard_1() -> list[dict[str, Any]]:
    return synthesize(COVERAGE.model_copy(update={"shard_index": 1, "shard_count": 2}))["resources"]


def _one(resources, type_: str) -> dict[str, Any]:
    [resource] = by_type(resources, type_)
    return resource


def test_shard_0_registers_the_central_path_once_in_the_central_account(shard_0):
    provider = organization_provider_name(CENTRAL)
    for type_ in (BUS, BUS_POLICY, TOPIC, TOPIC_POLICY):
        resource = _one(shard_0, type_)
        assert resource["provider"] == provider, type_
        assert resource["inputs"]["region"] == "eu-west-1", type_
    assert _one(shard_0, BUS)["inputs"]["name"] == "org-backup-alerts"
    assert "fifoTopic" not in _one(shard_0, TOPIC)["inputs"]  # a standard topic
    central_rules = [r for r in by_type(shard_0, RULE) if r["provider"] == provider]
    assert [r["inputs"]["eventBusName"] for r in central_rules] == ["org-backup-alerts"]


def test_the_bus_admits_put_events_from_the_forwarder_roles_of_this_organization_only(shard_0):
    policy = json.loads(_one(shard_0, BUS_POLICY)["inputs"]["policy"])
    assert policy["Statement"] == [
        {
            "Sid": "OrganizationsForwarderRolesForwardBackupFailures",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "events:PutEvents",
            "Resource": BUS_ARN,
            "Condition": {
                "StringEquals": {"aws:PrincipalOrgID": "o-exampleorg1"},
                "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/OrgBackupAlertsForwarder"},
            },
        }
    ]


def test_the_bus_shard_0_creates_is_the_one_every_account_forwards_to(shard_0):
    """The mock engine answers with the ARN AWS would give; the forwarding targets derive it."""
    from org_backup.rollout.mock_engine import _event_bus

    bus = _one(shard_0, BUS)
    _, outputs = _event_bus(bus["name"], bus["inputs"], CENTRAL, "eu-west-1", "aws")
    forwarding = [t for t in by_type(shard_0, TARGET) if t["name"].endswith("-alerts-target")]
    assert len(forwarding) == 3
    assert {t["inputs"]["arn"] for t in forwarding} == {outputs["arn"]}


def test_only_the_central_rule_may_publish_to_the_topic_which_emails_every_address(shard_0):
    topic_arn = f"arn:aws:sns:eu-west-1:{CENTRAL}:org-backup-alerts"
    rule_arn = (
        f"arn:aws:events:eu-west-1:{CENTRAL}:rule/org-backup-alerts/org-backup-alerts-to-email"
    )
    policy = json.loads(_one(shard_0, TOPIC_POLICY)["inputs"]["policy"])
    assert policy["Statement"] == [
        {
            "Sid": "CentralAlertsRulePublishes",
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Action": "sns:Publish",
            "Resource": topic_arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}},
        }
    ]
    [to_topic] = [t for t in by_type(shard_0, TARGET) if t["inputs"]["arn"] == topic_arn]
    assert to_topic["inputs"]["eventBusName"] == "org-backup-alerts"
    subscriptions = by_type(shard_0, SUBSCRIPTION)
    assert sorted(s["inputs"]["endpoint"] for s in subscriptions) == [
        "ml-team@example.com",
        "oncall@example.com",
    ]
    assert {(s["inputs"]["protocol"], s["inputs"]["topic"]) for s in subscriptions} == {
        ("email", topic_arn)
    }


def test_other_shards_forward_but_register_no_central_resource(shard_1):
    assert not [r for r in shard_1 if r["type"] in CENTRAL_TYPES]
    forwarding = [t for t in by_type(shard_1, TARGET) if t["name"].endswith("-alerts-target")]
    assert {t["inputs"]["arn"] for t in forwarding} == {BUS_ARN}


def test_the_central_requests_are_ones_botocore_accepts(shard_0):
    requests = [r for r in api_requests(shard_0) if r.service in ("events", "sns")]
    # bus and its policy, topic, four rules, four targets, topic policy, two subscriptions
    assert len(requests) == 2 + 1 + 4 + 4 + 1 + 2
    for request in requests:
        assert validation_errors(request) == [], request


def test_muted_accounts_are_left_out_of_the_central_rule_only():
    muted = ALERTS.model_copy(update={"muted_accounts": ("444455556666",)})
    resources = synthesize(COVERAGE.model_copy(update={"alerts": muted}))["resources"]
    patterns = {
        r["name"]: json.loads(r["inputs"]["eventPattern"]) for r in by_type(resources, RULE)
    }
    central = patterns[f"{CENTRAL}-eu-west-1-alerts-central-rule"]
    assert central["account"] == [{"anything-but": ["444455556666"]}]
    forwarding = [p for name, p in patterns.items() if name.endswith("-alerts-rule")]
    assert len(forwarding) == 3 and not [p for p in forwarding if "account" in p]
