"""Backup Audit Manager as the settings ask for it, resolved once: the frameworks every covered
account-region gets, and the organization's report plans (shard 0, management account).

`Coverage` carries the two models below, so the Pulumi program, the manifest and the audit read
the same values. Pure.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from org_backup.config.settings import Settings

# The report templates org-backup delivers (botocore CreateReportPlan ReportTemplate), and the
# fixed report plan name of each: a template cannot change under a name (terraform-provider-aws
# internal/service/backup/report_plan.go: report_template is ForceNew).
CONTROL_COMPLIANCE = "CONTROL_COMPLIANCE_REPORT"
BACKUP_JOBS = "BACKUP_JOB_REPORT"
COPY_JOBS = "COPY_JOB_REPORT"
RESTORE_JOBS = "RESTORE_JOB_REPORT"
REPORT_PLAN_NAMES = {
    CONTROL_COMPLIANCE: "org_backup_control_compliance",
    BACKUP_JOBS: "org_backup_backup_jobs",
    COPY_JOBS: "org_backup_copy_jobs",
    RESTORE_JOBS: "org_backup_restore_jobs",
}
# "Use string value of ROOT to include all organizational units" (botocore ReportSetting
# Accounts); "Use the wildcard as the string value to include all Regions" (Regions).
ALL_ACCOUNTS = "ROOT"
ALL_REGIONS = "*"
# A report across accounts is delivered as CSV only (AWS Backup Developer Guide,
# working-with-audit-reports: "Otherwise, the report is available in CSV format").
ORGANIZATION_FORMATS = ("CSV",)


class AuditFrameworksConfig(BaseModel):
    """The frameworks' one value that the policy does not hold: the restore time target."""

    model_config = ConfigDict(frozen=True)

    max_restore_minutes: int = Settings.model_fields["restore_testing_max_restore_minutes"].default


class ReportPlanConfig(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    template: str


class AuditReportsConfig(BaseModel):
    """Where the organization's reports go, what they cover, and which ones there are."""

    model_config = ConfigDict(frozen=True)

    bucket: str
    prefix: str
    region: str
    # OU ids the reports cover; empty: the whole organization (Accounts ROOT)
    organization_units: tuple[str, ...]
    plans: tuple[ReportPlanConfig, ...]

    @property
    def accounts(self) -> tuple[str, ...]:
        return () if self.organization_units else (ALL_ACCOUNTS,)


def frameworks_from(settings: Settings) -> AuditFrameworksConfig | None:
    if not settings.audit_frameworks_enabled:
        return None
    return AuditFrameworksConfig(max_restore_minutes=settings.restore_testing_max_restore_minutes)


def reports_from(settings: Settings) -> AuditReportsConfig | None:
    """None without a bucket. A root id among `target_ous` means the whole organization: the
    API names the root as Accounts ROOT, not as an organizational unit."""
    bucket = settings.audit_reports_bucket
    if bucket is None:
        return None
    templates = [BACKUP_JOBS]
    if settings.audit_frameworks_enabled:
        templates.insert(0, CONTROL_COMPLIANCE)
    if settings.central_account_id is not None:
        templates.append(COPY_JOBS)
    if settings.restore_testing_schedule is not None:
        templates.append(RESTORE_JOBS)
    whole = not settings.target_ous or any(ou.startswith("r-") for ou in settings.target_ous)
    return AuditReportsConfig(
        bucket=bucket,
        prefix=settings.audit_reports_prefix,
        region=settings.audit_reports_region or settings.regions[0],
        organization_units=() if whole else tuple(settings.target_ous),
        plans=tuple(
            ReportPlanConfig(name=REPORT_PLAN_NAMES[template], template=template)
            for template in templates
        ),
    )
