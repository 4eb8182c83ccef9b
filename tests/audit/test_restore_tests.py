"""`audit --max-restore-test-age-days N`: each tagged file system's restore jobs by
its restore testing plan. moto has no restore testing, so the plan and the jobs are canned
answers (the World's), and their raw shapes are checked with botocore's Stubber."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from org_backup.audit import collect
from org_backup.audit.observations import FileSystemState, RegionState
from org_backup.reporting.kinds import Thresholds
from tests.support.world import EAST, NOW, AwsError, World, by_account

PLAN_ARN = "arn:aws:backup:us-east-1:{account}:restore-testing-plan:org_backup_ai-1a2b3c4d"
OTHER_PLAN_ARN = "arn:aws:backup:us-east-1:{account}:restore-testing-plan:someone_elses-9f8e"
WEEK = Thresholds(max_restore_test_age_days=7)


def job(
    created: datetime,
    status: str = "COMPLETED",
    validation: str | None = None,
    message: str | None = None,
    plan: str = PLAN_ARN,
    account: str = "",
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "RestoreJobId": f"job-{int(created.timestamp())}",
        "Status": status,
        "CreationDate": created,
        "CompletionDate": created + timedelta(minutes=40),
        "CreatedBy": {"RestoreTestingPlanArn": plan.format(account=account)},
    }
    if validation:
        entry["ValidationStatus"] = validation
    if message:
        entry["ValidationStatusMessage" if validation else "StatusMessage"] = message
    return entry


def _restore_testing(world: World, jobs: dict[str, list[dict[str, Any]]], plan: bool = True):
    calls: list[str] = []

    def get_plan(params: dict[str, Any], _region: str) -> dict[str, Any]:
        calls.append("GetRestoreTestingPlan")
        if not plan:
            raise AwsError("ResourceNotFoundException", "not found", 404)
        account = world.org.accounts["ml-prod"]
        return {
            "RestoreTestingPlan": {
                "RestoreTestingPlanName": params["RestoreTestingPlanName"],
                "RestoreTestingPlanArn": PLAN_ARN.format(account=account),
            }
        }

    def list_jobs(params: dict[str, Any], _region: str) -> dict[str, Any]:
        calls.append("ListRestoreJobsByProtectedResource")
        return {"RestoreJobs": jobs.get(params["ResourceArn"], [])}

    world.canned.on("backup", "GetRestoreTestingPlan", get_plan)
    world.canned.on("backup", "ListRestoreJobsByProtectedResource", list_jobs)
    return calls


def test_file_systems_not_restore_tested_recently_enough_or_ever_are_findings(world: World):
    prod = world.org.accounts["ml-prod"]
    world.deploy(prod)
    fresh, failed, stale, untested = (world.file_system(prod) for _ in range(4))
    _restore_testing(
        world,
        {
            fresh: [
                job(NOW - timedelta(days=2), account=prod),
                job(NOW - timedelta(days=9), status="FAILED", account=prod),
            ],
            failed: [
                job(
                    NOW - timedelta(days=1),
                    validation="FAILED",
                    message="row count 0",
                    account=prod,
                ),
                job(
                    NOW - timedelta(days=8), status="FAILED", message="Access denied", account=prod
                ),
            ],
            stale: [job(NOW - timedelta(days=20), validation="SUCCESSFUL", account=prod)],
            # a manual restore, not the plan's: proves nothing about restore testing
            untested: [job(NOW - timedelta(days=1), plan=OTHER_PLAN_ARN, account=prod)],
        },
    )

    report = world.run(WEEK)

    rows = {row.resource_arn: row for row in by_account(report, "ml-prod") if row.resource_arn}
    where = f"Account {prod} (ml-prod) {EAST}: "
    assert rows[fresh].findings == ()  # passed 2 days ago; the failure before it is history
    assert rows[failed].findings == (
        f"{where}EFS file system {failed} has never been restored and validated successfully"
        " by restore testing plan org_backup_ai (latest restore test job-"
        f"{int((NOW - timedelta(days=1)).timestamp())}: validation FAILED on 2026-03-01 12:40"
        " UTC: row count 0).",
    )
    assert rows[stale].findings == (
        f"{where}EFS file system {stale} was last restored and validated successfully by"
        " restore testing plan org_backup_ai on 2026-02-10 12:40 UTC, 20.0 days ago, more"
        " than --max-restore-test-age-days 7.",
    )
    assert rows[untested].findings == (
        f"{where}EFS file system {untested} has never been restored and validated successfully"
        " by restore testing plan org_backup_ai (it has run no restore test yet).",
    )
    assert report.summary.status == "NON_COMPLIANT"


def test_a_region_without_the_restore_testing_plan_is_a_finding_per_file_system(world: World):
    prod = world.org.accounts["ml-prod"]
    world.deploy(prod)
    efs = world.file_system(prod)
    _restore_testing(world, {}, plan=False)

    [row] = [row for row in by_account(world.run(WEEK), "ml-prod") if row.resource_arn]

    assert row.findings == (
        f"Account {prod} (ml-prod) {EAST}: EFS file system {efs} is never restore-tested: there"
        f" is no restore testing plan org_backup_ai in {EAST}.",
    )


def test_restore_jobs_are_read_only_when_asked_for(world: World):
    prod = world.org.accounts["ml-prod"]
    world.deploy(prod)
    world.file_system(prod)
    calls = _restore_testing(world, {})

    report = world.run()

    assert calls == []
    assert not [f for row in report.rows for f in row.findings if "restore" in f]


def test_a_denied_listing_fails_only_that_file_systems_row(world: World):
    prod = world.org.accounts["ml-prod"]
    world.deploy(prod)
    efs = world.file_system(prod)
    _restore_testing(world, {})

    def deny(_params: dict[str, Any], _region: str) -> None:
        raise AwsError("AccessDeniedException", "not allowed", 403)

    world.canned.on("backup", "ListRestoreJobsByProtectedResource", deny)

    rows = by_account(world.run(WEEK), "ml-prod")

    [row] = [row for row in rows if row.resource_arn == efs]
    assert row.findings[0].endswith(
        "could not be listed: backup:ListRestoreJobsByProtectedResource in us-east-1:"
        " AccessDeniedException: not allowed."
    )
    assert [r.status for r in rows if r.resource_arn is None] == ["COMPLIANT"]


def test_collect_reads_the_shapes_aws_answers_with():
    backup = boto3.Session(region_name=EAST).client("backup")
    plan_arn = PLAN_ARN.format(account="111122223333")
    efs = "arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/fs-0123456789abcdef0"
    with Stubber(backup) as stub:
        stub.add_response(
            "get_restore_testing_plan",
            {
                "RestoreTestingPlan": {
                    "CreationTime": NOW,
                    "RecoveryPointSelection": {"Algorithm": "LATEST_WITHIN_WINDOW"},
                    "RestoreTestingPlanArn": plan_arn,
                    "RestoreTestingPlanName": "org_backup_ai",
                    "ScheduleExpression": "cron(0 9 ? * MON *)",
                }
            },
            {"RestoreTestingPlanName": "org_backup_ai"},
        )
        stub.add_response(
            "list_restore_jobs_by_protected_resource",
            {
                "RestoreJobs": [
                    {
                        "RestoreJobId": "job-1",
                        "Status": "COMPLETED",
                        "CreationDate": NOW,
                        "CompletionDate": NOW,
                        "ValidationStatus": "SUCCESSFUL",
                        "CreatedBy": {"RestoreTestingPlanArn": plan_arn},
                    },
                    {"RestoreJobId": "job-2", "Status": "COMPLETED", "CreationDate": NOW},
                ]
            },
            {"ResourceArn": efs},
        )
        region = RegionState(EAST, covered=True, file_systems=(FileSystemState(efs),))
        session = boto3.Session(region_name=EAST)
        original = collect.client
        collect.client = lambda _session, _service, _region=None: backup  # type: ignore[assignment]
        try:
            state = collect._restore_testing(session, region, "org_backup_ai")
        finally:
            collect.client = original  # type: ignore[assignment]

    assert state.restore_testing_plan_arn == plan_arn
    [file_system] = state.file_systems
    assert file_system.restore_tests is not None
    assert [(t.job_id, t.status, t.validation_status) for t in file_system.restore_tests] == [
        ("job-1", "COMPLETED", "SUCCESSFUL")
    ]


def test_the_flag_takes_a_positive_number_of_days():
    from org_backup.cli import build_parser
    from org_backup.commands.options import thresholds_from

    args = build_parser().parse_args(["audit", "--max-restore-test-age-days", "14"])
    assert thresholds_from(args).max_restore_test_age_days == 14
    with pytest.raises(SystemExit):
        build_parser().parse_args(["audit", "--max-restore-test-age-days", "0"])
    with pytest.raises(SystemExit):  # report reads no restore jobs
        build_parser().parse_args(
            ["report", "--input", "m.json", "--max-restore-test-age-days", "3"]
        )
