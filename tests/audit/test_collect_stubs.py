"""What moto lacks (selections, recovery points) and failures, answered by canned responses:
botocore event handlers on the caller's session, and botocore's Stubber for the raw shapes."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import boto3
import pytest
from botocore.stub import Stubber

from org_backup.audit import collect
from org_backup.audit.observations import Condition
from org_backup.audit.targets import Target
from org_backup.coverage import efs_automatic
from org_backup.organization.regions import OptInLookup
from tests.support.plans import policy
from tests.support.world import (
    BACKUP_TRUST,
    EAST,
    EFS_WILDCARD,
    NOW,
    WEST,
    AwsError,
    World,
    by_account,
    findings,
    recovery_point,
)


def _healthy(world: World) -> tuple[str, str]:
    prod, dev = world.org.accounts["ml-prod"], world.org.accounts["ml-dev"]
    world.deploy(prod)
    world.deploy(dev)
    return prod, dev


def test_a_missing_selection_is_a_finding(world: World):
    prod, _ = _healthy(world)
    [plan_id] = [pid for pid, d in world.deployed.items() if d.account_id == prod]
    world.selections[plan_id] = None

    report = world.run()

    assert findings(report) == [
        f"Account {prod} (ml-prod) {EAST}: no backup selection, so the plan backs up nothing."
    ]


def test_a_selection_that_strays_from_the_policy_is_a_finding_per_difference(world: World):
    prod, _ = _healthy(world)
    [plan_id] = [pid for pid, d in world.deployed.items() if d.account_id == prod]
    world.selections[plan_id] = world.selection(
        "arn:aws:iam::111122223333:role/Other",
        ListOfTags=[
            {"ConditionType": "STRINGEQUALS", "ConditionKey": "team", "ConditionValue": "ml"}
        ],
        NotResources=["arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/fs-1"],
        Conditions={
            "StringEquals": [
                {"ConditionKey": "aws:ResourceTag/Name", "ConditionValue": "Other"},
            ],
            "StringLike": [{"ConditionKey": "aws:ResourceTag/env", "ConditionValue": "prod*"}],
        },
    )

    [row] = by_account(world.run(), "ml-prod")

    assert row.selection == "EFS file systems tagged Name=Other"
    assert [finding.split(": ", 1)[1] for finding in row.findings] == [
        "selection ai-efs-tagged picks file systems tagged Name=Other, but the policy says"
        " Name=AIFilesystem.",
        "selection ai-efs-tagged has further conditions (StringLike aws:ResourceTag/env=prod*),"
        " which can leave file systems tagged Name=AIFilesystem out.",
        "selection ai-efs-tagged also picks every resource of any type matching STRINGEQUALS"
        " team=ml (ListOfTags), not only EFS file systems.",
        "selection ai-efs-tagged leaves out"
        " arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/fs-1 (NotResources).",
        "selection ai-efs-tagged runs as arn:aws:iam::111122223333:role/Other, not the backup"
        f" role arn:aws:iam::{prod}:role/OrgBackupServiceRole.",
    ]


def test_recovery_points_older_than_the_schedule_allows_are_findings(world: World):
    prod, dev = _healthy(world)
    fresh, stale, elsewhere, denied = (world.file_system(prod) for _ in range(4))
    world.file_system(dev)
    # daily at 05:00, start window 2 h, completion window 6 h: 32 hours at most
    world.recovery_points[fresh] = [
        recovery_point(NOW - timedelta(hours=31, minutes=59)),
        recovery_point(NOW - timedelta(hours=1), status="PARTIAL"),
    ]
    world.recovery_points[stale] = [recovery_point(NOW - timedelta(hours=32, minutes=6))]
    world.recovery_points[elsewhere] = [
        recovery_point(NOW - timedelta(hours=1), vault="aws/efs/automatic-backup-vault")
    ]

    def deny(params: dict[str, Any], _region: str) -> dict[str, Any] | None:
        if params["ResourceArn"] == denied:
            raise AwsError("AccessDeniedException", "not allowed", 403)
        return {"RecoveryPoints": world.recovery_points.get(params["ResourceArn"], [])}

    world.canned.on("backup", "ListRecoveryPointsByResource", deny)

    report = world.run()

    by_arn = {row.resource_arn: row for row in report.rows if row.resource_arn}
    assert by_arn[fresh].status == "COMPLIANT"
    assert by_arn[stale].findings == (
        f"Account {prod} (ml-prod) {EAST}: EFS file system {stale}: its latest completed"
        " recovery point in vault org-backup-ai is from 2026-03-01 03:54 UTC, 32.1 hours ago;"
        " the schedule cron(0 5 * * ? *) (rule daily) should have made one within 32.0 hours (longest gap"
        " between runs plus the start and completion windows).",
    )
    assert "has no completed recovery point in vault org-backup-ai" in by_arn[elsewhere].findings[0]
    assert (
        by_arn[denied]
        .findings[0]
        .endswith(
            "could not be listed: backup:ListRecoveryPointsByResource in us-east-1:"
            " AccessDeniedException: not allowed."
        )
    )
    assert [row.status for row in by_account(report, "ml-dev")] == ["COMPLIANT", "COMPLIANT"]
    assert report.summary.account_regions_non_compliant == 1  # ml-prod us-east-1, counted once


def test_access_denied_in_one_account_leaves_the_others_reported(world: World):
    _, dev = _healthy(world)
    data = world.org.account("data", "Data")
    (world.accounts_dir / "data.yaml").write_text(f'account_id: "{data}"\nregions: [{WEST}]\n')
    world.deploy(data, (WEST,))

    def assume(params: dict[str, Any], _region: str) -> None:
        if f"::{dev}:" in params["RoleArn"]:
            raise AwsError("AccessDenied", "not authorized to perform sts:AssumeRole", 403)

    def plans(_params: dict[str, Any], region: str) -> None:
        if region == WEST:
            raise AwsError("AccessDeniedException", "Insufficient privileges", 403)

    world.canned.on("sts", "AssumeRole", assume)
    world.canned.on("backup", "ListBackupPlans", plans)

    report = world.run()

    assert [row.status for row in by_account(report, "ml-prod")] == ["COMPLIANT"]
    [denied_role] = by_account(report, "ml-dev")
    assert denied_role.findings == (
        f"Account {dev} (ml-dev): could not be audited: deploy role cannot be assumed"
        f" (arn:aws:iam::{dev}:role/OrganizationAccountAccessRole): AccessDenied: not authorized"
        " to perform sts:AssumeRole.",
    )
    [denied_call] = by_account(report, "data")
    assert denied_call.findings == (
        f"Account {data} (data): could not be audited: backup:ListBackupPlans in {WEST}:"
        " AccessDeniedException: Insufficient privileges.",
    )
    assert report.summary.accounts_covered == 3


@pytest.fixture
def stubbed(monkeypatch: pytest.MonkeyPatch):
    """Clients with botocore's Stubber, handed out in place of real ones: no request is sent."""
    session = boto3.Session(region_name=EAST)
    clients = {
        ("iam", None): session.client("iam"),
        ("backup", EAST): session.client("backup", region_name=EAST),
        ("resourcegroupstaggingapi", EAST): session.client(
            "resourcegroupstaggingapi", region_name=EAST
        ),
    }
    for module in (collect, efs_automatic):
        monkeypatch.setattr(
            module, "client", lambda _session, service, region=None: clients[(service, region)]
        )
    stubs = {service: Stubber(made) for (service, _), made in clients.items()}
    for stub in stubs.values():
        stub.activate()
    yield session, stubs
    for stub in stubs.values():
        stub.assert_no_pending_responses()


def test_collect_reads_the_shapes_aws_answers_with(stubbed):
    session, stubs = stubbed
    role_arn = "arn:aws:iam::111122223333:role/OrgBackupServiceRole"
    efs = "arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/fs-0123456789abcdef0"
    backup, iam, tagging = stubs["backup"], stubs["iam"], stubs["resourcegroupstaggingapi"]
    iam.add_response(
        "get_role",
        {
            "Role": {
                "Path": "/",
                "RoleName": "OrgBackupServiceRole",
                "RoleId": "AROAEXAMPLEEXAMPLE123",
                "Arn": role_arn,
                "CreateDate": NOW,
                "AssumeRolePolicyDocument": quote(json.dumps(BACKUP_TRUST)),  # as on the wire
            }
        },
        {"RoleName": "OrgBackupServiceRole"},
    )
    backup.add_response(
        "list_backup_plans",
        {"BackupPlansList": [{"BackupPlanName": "org-backup-ai", "BackupPlanId": "plan-1"}]},
        {},
    )
    backup.add_response(
        "get_backup_plan",
        {
            "BackupPlanId": "plan-1",
            "VersionId": "v1",
            "BackupPlan": {
                "BackupPlanName": "org-backup-ai",
                "Rules": [
                    {
                        "RuleName": "daily",
                        "TargetBackupVaultName": "org-backup-ai",
                        "ScheduleExpression": "cron(0 5 * * ? *)",
                    }
                ],
            },
        },
        {"BackupPlanId": "plan-1"},
    )
    backup.add_response(
        "describe_backup_vault",
        {"BackupVaultName": "org-backup-ai", "Locked": True, "MinRetentionDays": 7},
        {"BackupVaultName": "org-backup-ai"},
    )
    backup.add_response(
        "list_backup_selections",
        {"BackupSelectionsList": [{"SelectionName": "ai-efs-tagged", "SelectionId": "sel-1"}]},
        {"BackupPlanId": "plan-1"},
    )
    backup.add_response(
        "get_backup_selection",
        {
            "SelectionId": "sel-1",
            "BackupSelection": {
                "SelectionName": "ai-efs-tagged",
                "IamRoleArn": role_arn,
                "Resources": [EFS_WILDCARD],
                "Conditions": {
                    "StringEquals": [
                        {"ConditionKey": "aws:ResourceTag/Name", "ConditionValue": "AIFilesystem"}
                    ]
                },
            },
        },
        {"BackupPlanId": "plan-1", "SelectionId": "sel-1"},
    )
    tagging.add_response(
        "get_resources",
        {"ResourceTagMappingList": [{"ResourceARN": efs}]},
        {
            "ResourceTypeFilters": ["elasticfilesystem:file-system"],
            "TagFilters": [{"Key": "Name", "Values": ["AIFilesystem"]}],
        },
    )
    backup.add_response(
        "list_recovery_points_by_resource",
        {"RecoveryPoints": [recovery_point(NOW - timedelta(hours=3), status="AVAILABLE")]},
        {"ResourceArn": efs},
    )
    target = Target("111122223333", None, None, policy(), (EAST,), (), ())

    state = collect.collect_account(session, target, OptInLookup("111122223333"))

    assert state.role is not None and state.role.trusts_backup and state.tag == "Name=AIFilesystem"
    [region] = state.regions
    assert region.vault is not None and region.vault.locked and region.vault.lock_date is None
    assert region.plan is not None and region.plan.version == "v1"
    rule = region.plan.rules[0]  # windows AWS applies when a rule leaves them out
    assert (rule.start_window_minutes, rule.completion_window_minutes) == (480, 10_080)
    assert (rule.schedule_timezone, rule.delete_after_days) == ("Etc/UTC", None)
    assert region.selection is not None
    assert region.selection.conditions == (
        Condition("StringEquals", "aws:ResourceTag/Name", "AIFilesystem"),
    )
    assert region.file_systems[0].latest_backup == NOW - timedelta(hours=3)
