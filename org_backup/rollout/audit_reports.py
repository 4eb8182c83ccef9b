"""The organization's Backup Audit Manager report plans, in the management account (shard 0).

Each plan covers the covered OUs (or the whole organization) in every region (`*`: shard 0 does
not know the other shards' regions, and a wildcard never changes), and delivers a daily CSV to
the reports bucket: cross-account reports are CSV only (AWS Backup Developer Guide,
working-with-audit-reports). The bucket and its policy belong to whoever owns the bucket
(docs/audit-evidence.md): org-backup never replaces a bucket policy.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from org_backup.coverage import names
from org_backup.coverage.audit_evidence import (
    ALL_REGIONS,
    ORGANIZATION_FORMATS,
    AuditReportsConfig,
)
from org_backup.coverage.model import Coverage


def register_report_plans(
    coverage: Coverage,
    reports: AuditReportsConfig,
    parent: pulumi.Resource,
    provider: aws.Provider,
) -> dict[str, pulumi.Output[str]]:
    """One report plan per template, named for it, so a template never changes under a name
    (report_template forces a replacement: terraform-provider-aws
    internal/service/backup/report_plan.go); the ARN of each, by name."""
    child = pulumi.ResourceOptions(parent=parent, provider=provider)
    arns = {}
    for plan in reports.plans:
        resource = aws.backup.ReportPlan(
            names.regional_resource_name(
                coverage.management_account_id, reports.region, _kind(plan.template)
            ),
            # Always named: the auto-name's '-<hex>' fails the name pattern (pulumi-aws#5570).
            name=plan.name,
            description=f"org-backup: {plan.template} of the organization's covered accounts",
            report_delivery_channel=aws.backup.ReportPlanReportDeliveryChannelArgs(
                s3_bucket_name=reports.bucket,
                s3_key_prefix=reports.prefix,
                formats=list(ORGANIZATION_FORMATS),
            ),
            report_setting=aws.backup.ReportPlanReportSettingArgs(
                report_template=plan.template,
                accounts=list(reports.accounts) or None,
                organization_units=list(reports.organization_units) or None,
                regions=[ALL_REGIONS],
            ),
            region=reports.region,
            opts=child,
        )
        arns[plan.name] = resource.arn
    return arns


def _kind(template: str) -> str:
    """`CONTROL_COMPLIANCE_REPORT` -> `report-control-compliance`."""
    return "report-" + template.removesuffix("_REPORT").lower().replace("_", "-")
