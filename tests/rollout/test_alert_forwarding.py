"""Restore testing and alert forwarding under the mock engine: what every covered
account-region gets, wired to which vault, role and bus, and the requests botocore accepts."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from org_backup.aws_rules.backup_events import failed_jobs_pattern
from org_backup.manifest.model import Manifest
from org_backup.rollout.synthesize import synthesize
from tests.support.alerting_plans import (
    BUS_ARN,
    CENTRAL,
    COVERAGE,
    ROLE_POLICY,
    RULE,
    TARGET,
    TEST_PLAN,
    TEST_SELECTION,
    A,
    B,
    C,
)
from tests.support.api_shapes import api_requests, validation_errors
from tests.support.plans import ROLE, by_type, covered, org


@pytest.fixture(scope="module")
def synth() -> dict[str, Any]:
    return synthesize(COVERAGE)


@pytest.fixture(scope="module")
def resources(synth) -> list[dict[str, Any]]:
    return synth["resources"]


def _named(resources, type_: str, suffix: str = "") -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in by_type(resources, type_) if r["name"].endswith(suffix)}


COVERED_REGIONS = [(A, "us-east-1"), (A, "eu-west-1"), (B, "ap-southeast-2")]


def test_every_covered_account_region_forwards_failures_to_the_central_bus(resources):
    rules = _named(resources, RULE, "-alerts-rule")
    targets = _named(resources, TARGET, "-alerts-target")
    assert set(rules) == {f"{a}-{r}-alerts-rule" for a, r in COVERED_REGIONS}
    assert set(targets) == {f"{a}-{r}-alerts-target" for a, r in COVERED_REGIONS}
    for account, region in COVERED_REGIONS:
        rule = rules[f"{account}-{region}-alerts-rule"]["inputs"]
        assert rule["region"] == region
        assert "eventBusName" not in rule  # the account's default bus
        assert json.loads(rule["eventPattern"]) == failed_jobs_pattern()
        target = targets[f"{account}-{region}-alerts-target"]
        assert target["provider"] == f"{account}-aws"
        assert target["inputs"]["arn"] == BUS_ARN
        assert target["inputs"]["rule"] == "org-backup-alerts-forward"
        assert target["inputs"]["roleArn"] == (
            f"arn:aws:iam::{account}:role/OrgBackupAlertsForwarder"
        )


def test_one_forwarder_role_per_account_may_only_put_events_on_the_central_bus(resources):
    roles = {r["name"]: r for r in by_type(resources, ROLE) if "alerts" in r["name"]}
    assert set(roles) == {f"{A}-alerts-forwarder-role", f"{B}-alerts-forwarder-role"}
    for account in (A, B):
        trust = json.loads(roles[f"{account}-alerts-forwarder-role"]["inputs"]["assumeRolePolicy"])
        # confused deputy: EventBridge may assume it for this account's rules only
        assert trust["Statement"] == [
            {
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": account}},
            }
        ]
    policies = _named(resources, ROLE_POLICY)
    assert len(policies) == 2
    document = json.loads(policies[f"{A}-alerts-forwarder-policy"]["inputs"]["policy"])
    assert document["Statement"] == [
        {
            "Sid": "ForwardToCentralAlertsBus",
            "Effect": "Allow",
            "Action": "events:PutEvents",
            "Resource": BUS_ARN,
        }
    ]


def test_every_covered_account_region_restore_tests_its_own_vault(resources):
    plans, selections = _named(resources, TEST_PLAN), _named(resources, TEST_SELECTION)
    assert set(plans) == {f"{a}-{r}-restore-testing-plan" for a, r in COVERED_REGIONS}
    assert set(selections) == {f"{a}-{r}-restore-testing-selection" for a, r in COVERED_REGIONS}
    for account, region in COVERED_REGIONS:
        plan = plans[f"{account}-{region}-restore-testing-plan"]["inputs"]
        assert plan["scheduleExpression"] == "cron(0 9 ? * MON *)"
        assert plan["scheduleExpressionTimezone"] == "Europe/Paris"
        assert plan["recoveryPointSelection"] == {
            "algorithm": "LATEST_WITHIN_WINDOW",
            "includeVaults": [f"arn:aws:backup:{region}:{account}:backup-vault:org-backup-ai"],
            "recoveryPointTypes": ["SNAPSHOT"],
            "selectionWindowDays": 7.0,
        }
        selection = selections[f"{account}-{region}-restore-testing-selection"]
        inputs = selection["inputs"]
        assert selection["provider"] == f"{account}-aws"
        assert inputs["restoreTestingPlanName"] == plan["name"]
        assert inputs["protectedResourceType"] == "EFS"
        assert "protectedResourceArns" not in inputs  # exactly one of the two (provider)
        assert inputs["protectedResourceConditions"] == {
            "stringEquals": [{"key": "aws:ResourceTag/Name", "value": "AIFilesystem"}]
        }
        assert inputs["iamRoleArn"] == f"arn:aws:iam::{account}:role/OrgBackupServiceRole"
        assert inputs["validationWindowHours"] == 2.0
        # created once AWS Backup accepted the role: after the region's backup selection
        assert f"{account}-{region}-selection" in selection["depends_on"]


def test_restore_testing_names_are_letters_digits_and_underscores(resources):
    plans = _named(resources, TEST_PLAN)
    assert plans[f"{A}-us-east-1-restore-testing-plan"]["inputs"]["name"] == "org_backup_ai"
    assert plans[f"{B}-ap-southeast-2-restore-testing-plan"]["inputs"]["name"] == "ai_plan_v2"
    selection = _named(resources, TEST_SELECTION)[f"{A}-us-east-1-restore-testing-selection"]
    assert selection["inputs"]["name"] == "ai_efs_tagged"


def test_no_resource_uses_vault_notifications(resources):
    assert not [r for r in resources if "vaultNotifications" in r["type"]]
    text = json.dumps(resources)
    for deprecated in ("BACKUP_JOB_FAILED", "BACKUP_JOB_EXPIRED", "RESTORE_JOB_FAILED"):
        assert deprecated not in text


def test_the_manifest_says_what_each_region_forwards_and_tests(synth):
    manifest = Manifest.model_validate(synth)
    assert manifest.alerts is not None and manifest.alerts.bus_arn == BUS_ARN
    assert manifest.alerts.topic_arn == f"arn:aws:sns:eu-west-1:{CENTRAL}:org-backup-alerts"
    for account in manifest.accounts:
        for region in account.regions:
            assert region.alerts is not None
            assert (region.alerts.rule_name, region.alerts.bus_arn) == (
                "org-backup-alerts-forward",
                BUS_ARN,
            )
            assert region.restore_testing is not None
            assert region.restore_testing.schedule == "cron(0 9 ? * MON *)"
    skipped_account = next(a for a in manifest.accounts if a.account_id == C)
    assert skipped_account.regions == []


def test_every_new_request_is_one_botocore_accepts(resources):
    requests = [
        r for r in api_requests(resources) if r.service != "backup" or "Restore" in r.operation
    ]
    assert Counter((r.service, r.operation) for r in requests) == {
        ("backup", "CreateRestoreTestingPlan"): 3,
        ("backup", "CreateRestoreTestingSelection"): 3,
        ("events", "PutRule"): 4,  # three account-regions, one on the central bus
        ("events", "PutTargets"): 4,
        ("iam", "CreateRole"): 4,  # backup role and forwarder role, two accounts
        ("iam", "PutRolePolicy"): 2,
        ("events", "CreateEventBus"): 1,
        ("events", "PutPermission"): 1,
        ("sns", "CreateTopic"): 1,
        ("sns", "SetTopicAttributes"): 1,
        ("sns", "Subscribe"): 1,
    }
    for request in requests:
        assert validation_errors(request) == [], request


def test_off_by_default_nothing_is_registered():
    resources = synthesize(org(covered(A)))["resources"]
    types = {r["type"] for r in resources}
    assert not types & {RULE, TARGET, ROLE_POLICY, TEST_PLAN, TEST_SELECTION}
    manifest = Manifest.model_validate(synthesize(org(covered(A))))
    assert manifest.alerts is None
    assert all(r.alerts is None and r.restore_testing is None for r in manifest.accounts[0].regions)


@pytest.mark.parametrize(
    ("type_", "name", "edit", "complaint"),
    [
        (
            TEST_PLAN,
            f"{A}-us-east-1-restore-testing-plan",
            lambda i: i.pop("scheduleExpression"),
            "Missing required parameter in RestoreTestingPlan",
        ),
        (
            TEST_SELECTION,
            f"{A}-us-east-1-restore-testing-selection",
            lambda i: i.update(validationWindowHours="two"),
            "Invalid type for parameter RestoreTestingSelection.ValidationWindowHours",
        ),
        (
            TARGET,
            f"{A}-us-east-1-alerts-target",
            lambda i: i.pop("arn"),
            "Missing required parameter in Targets[0]",
        ),
        (
            RULE,
            f"{A}-us-east-1-alerts-rule",
            lambda i: i.update(name="org backup alerts"),
            "does not match",
        ),
    ],
)
def test_shapes_aws_would_reject_are_caught(resources, type_, name, edit, complaint):
    resource = json.loads(json.dumps(_named(resources, type_)[name]))
    edit(resource["inputs"])
    providers = [r for r in resources if r["type"].startswith("pulumi:providers:")]
    (request,) = api_requests([*providers, resource])
    assert any(complaint in error for error in validation_errors(request))


# What a restore test of an EFS file system does as the selection's role: restore into a new
# file system, tag it, describe it, and delete it once the validation window closes.
EFS_RESTORE_TEST_ACTIONS = {
    "elasticfilesystem:Restore",
    "elasticfilesystem:CreateFilesystem",
    "elasticfilesystem:DescribeFilesystems",
    "elasticfilesystem:TagResource",
    "elasticfilesystem:DeleteFilesystem",
}


def test_the_restore_testing_role_is_allowed_to_restore_and_delete_efs(resources):
    """AWSBackupServiceRolePolicyForRestores as moto 5.2.5 snapshots it (v36) grants every EFS
    action a restore test needs, so the backup role needs nothing more."""
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    attached = {
        r["inputs"]["policyArn"].rsplit("/", 1)[1]
        for r in resources
        if r["type"] == "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
        and r["name"].startswith(A)
    }
    assert "AWSBackupServiceRolePolicyForRestores" in attached
    document = json.loads(aws_managed_policies_data)["AWSBackupServiceRolePolicyForRestores"]
    allowed = {
        action
        for statement in document["Document"]["Statement"]
        if statement["Effect"] == "Allow"
        for action in (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
    }
    assert EFS_RESTORE_TEST_ACTIONS.issubset(allowed)
