"""Backup Audit Manager: one framework per covered account-region with the controls and
parameters the policy implies, and the organization's report plans in the management account
(shard 0), each a request botocore accepts."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from org_backup.config.policy import BackupRule
from org_backup.coverage.alerting import RestoreTestingConfig
from org_backup.coverage.audit_evidence import (
    AuditFrameworksConfig,
    AuditReportsConfig,
    ReportPlanConfig,
)
from org_backup.rollout.synthesize import synthesize
from tests.support.api_shapes import api_requests, validation_errors
from tests.support.plans import MANAGEMENT_ID, PLAN, by_type, central, covered, org, policy, rule

A, B = "111122223333", "444455556666"
FRAMEWORK = "aws:backup/framework:Framework"
REPORT_PLAN = "aws:backup/reportPlan:ReportPlan"
FRAMEWORKS = AuditFrameworksConfig(max_restore_minutes=240)
REPORTS = AuditReportsConfig(
    bucket="acme-backup-audit",
    prefix="org-backup",
    region="us-east-1",
    organization_units=("ou-abcd-12345678",),
    plans=(
        ReportPlanConfig(
            name="org_backup_control_compliance", template="CONTROL_COMPLIANCE_REPORT"
        ),
        ReportPlanConfig(name="org_backup_backup_jobs", template="BACKUP_JOB_REPORT"),
        ReportPlanConfig(name="org_backup_copy_jobs", template="COPY_JOB_REPORT"),
    ),
)
LOCKED_WEEKLY = policy(
    rules=(
        rule(name="weekly", schedule="cron(0 3 ? * SUN *)", delete_after_days=400, copy=True),
        rule(name="monthly", schedule="cron(0 4 1 * ? *)", delete_after_days=800),
    ),
    vault_lock_min_retention_days=30,
    vault_lock_max_retention_days=3650,
)


@pytest.fixture(scope="module")
def synthesized() -> dict[str, Any]:
    plan = org(
        covered(A),  # us-east-1, eu-west-1: the default daily rule, 90 days
        covered(B, regions=("eu-central-1",), policy=LOCKED_WEEKLY),
        central=central(regions=("us-east-1", "eu-west-1", "eu-central-1")),
        audit_frameworks=FRAMEWORKS,
        audit_reports=REPORTS,
        restore_testing=RestoreTestingConfig(
            schedule="cron(0 9 ? * MON *)",
            timezone="Etc/UTC",
            selection_window_days=7,
            start_window_hours=24,
            validation_window_hours=2,
        ),
    )
    return synthesize(plan)


def _controls(framework: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {
        control["name"]: {p["name"]: p["value"] for p in control.get("inputParameters") or []}
        for control in framework["inputs"]["controls"]
    }


def test_one_framework_per_covered_account_region(synthesized):
    frameworks = by_type(synthesized["resources"], FRAMEWORK)
    assert sorted((f["provider"], f["inputs"]["region"]) for f in frameworks) == [
        (f"{A}-aws", "eu-west-1"),
        (f"{A}-aws", "us-east-1"),
        (f"{B}-aws", "eu-central-1"),
    ]
    assert {f["inputs"]["name"] for f in frameworks} == {"org_backup_ai"}


def test_controls_and_parameters_come_from_the_policy(synthesized):
    frameworks = {f["name"]: f for f in by_type(synthesized["resources"], FRAMEWORK)}
    daily = _controls(frameworks[f"{A}-us-east-1-framework"])
    assert daily == {
        "BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN": {},
        "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK": {
            "requiredFrequencyUnit": "hours",
            "requiredFrequencyValue": "24",
            "requiredRetentionDays": "90",
        },
        "BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK": {"requiredRetentionDays": "90"},
        "BACKUP_RECOVERY_POINT_ENCRYPTED": {},
        # the audit's own allowance: a day between runs plus 2 h start and 6 h completion
        "BACKUP_LAST_RECOVERY_POINT_CREATED": {
            "recoveryPointAgeUnit": "hours",
            "recoveryPointAgeValue": "32",
        },
        "RESTORE_TIME_FOR_RESOURCES_MEET_TARGET": {"maxRestoreTime": "240"},
        "BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT": {"crossAccountList": "555566667777"},
    }
    weekly = _controls(frameworks[f"{B}-eu-central-1-framework"])
    assert weekly["BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK"] == {
        "requiredFrequencyUnit": "days",
        "requiredFrequencyValue": "7",
        "requiredRetentionDays": "400",
    }
    assert weekly["BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK"] == {
        "requiredRetentionDays": "400"
    }
    assert weekly["BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK"] == {
        "maxRetentionDays": "3650",
        "minRetentionDays": "30",
    }
    assert weekly["BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT"] == {
        "crossAccountList": "555566667777"
    }
    assert "BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION" not in weekly  # copies stay in-region


def test_every_control_evaluates_only_what_org_backup_manages(synthesized):
    scopes = Counter(
        tuple(control["scope"]["tags"].items())
        for framework in by_type(synthesized["resources"], FRAMEWORK)
        for control in framework["inputs"]["controls"]
    )
    assert set(scopes) == {(("Name", "AIFilesystem"),), (("managed-by", "org-backup"),)}
    # the recovery point controls need the plan's points tagged
    for plan in by_type(synthesized["resources"], PLAN):
        for rule_inputs in plan["inputs"]["rules"]:
            assert rule_inputs["recoveryPointTags"] == {"managed-by": "org-backup"}


def test_report_plans_in_the_management_account_across_the_covered_ous(synthesized):
    plans = by_type(synthesized["resources"], REPORT_PLAN)
    assert {p["provider"] for p in plans} == {f"org-{MANAGEMENT_ID}-aws"}
    assert {p["inputs"]["name"]: p["inputs"]["reportSetting"]["reportTemplate"] for p in plans} == {
        "org_backup_control_compliance": "CONTROL_COMPLIANCE_REPORT",
        "org_backup_backup_jobs": "BACKUP_JOB_REPORT",
        "org_backup_copy_jobs": "COPY_JOB_REPORT",
    }
    for plan in plans:
        assert plan["inputs"]["reportDeliveryChannel"] == {
            "s3BucketName": "acme-backup-audit",
            "s3KeyPrefix": "org-backup",
            "formats": ["CSV"],
        }
        setting = plan["inputs"]["reportSetting"]
        assert setting["organizationUnits"] == ["ou-abcd-12345678"]
        assert setting["regions"] == ["*"]
        assert plan["inputs"]["region"] == "us-east-1"


def test_every_request_is_one_botocore_accepts(synthesized):
    requests = [
        r
        for r in api_requests(synthesized["resources"])
        if r.operation in ("CreateFramework", "CreateReportPlan")
    ]
    assert Counter(r.operation for r in requests) == {"CreateFramework": 3, "CreateReportPlan": 3}
    for request in requests:
        assert validation_errors(request) == [], request


def test_the_manifest_records_frameworks_and_report_plans(synthesized):
    manifest = synthesized
    region = manifest["accounts"][0]["regions"][0]
    framework = region["framework"]
    assert framework["name"] == "org_backup_ai"
    assert framework["recorded_types"] == [
        "AWS::Backup::BackupPlan",
        "AWS::Backup::BackupSelection",
        "AWS::Backup::RecoveryPoint",
        "AWS::Config::ResourceCompliance",
    ]
    assert framework["config"] is None  # not looked up
    reports = manifest["audit_reports"]
    assert [p["name"] for p in reports["report_plans"]] == [p.name for p in REPORTS.plans]
    assert all(p["arn"] for p in reports["report_plans"])  # shard 0 knows them


def test_other_shards_register_no_report_plans():
    other = synthesize(org(covered(A), audit_reports=REPORTS, shard_index=1, shard_count=2))
    assert by_type(other["resources"], REPORT_PLAN) == []
    assert [p["arn"] for p in other["audit_reports"]["report_plans"]] == [None, None, None]


def test_frameworks_off_registers_none():
    plain = synthesize(org(covered(A)))
    assert by_type(plain["resources"], FRAMEWORK) == []
    assert plain["accounts"][0]["regions"][0]["framework"] is None


def test_a_schedule_the_frequency_control_cannot_express_leaves_it_out():
    quarterly: BackupRule = rule(schedule="cron(0 5 1 1,4,7,10 ? *)")
    result = synthesize(
        org(
            covered(A, regions=("us-east-1",), policy=policy(rules=(quarterly,))),
            audit_frameworks=FRAMEWORKS,
        )
    )
    (framework,) = by_type(result["resources"], FRAMEWORK)
    names = set(_controls(framework))
    assert "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK" not in names
    assert "BACKUP_LAST_RECOVERY_POINT_CREATED" not in names  # over 744 hours
    assert "BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK" in names
