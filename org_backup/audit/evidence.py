"""The audit of what makes backups evidence: the Backup Audit Manager framework of each covered
account-region and AWS Config behind it, and EFS automatic backups that duplicate the plan.
Pure: targets and observations in, findings out.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace

from org_backup.audit.observations import FileSystemState, RegionState
from org_backup.audit.targets import Target
from org_backup.config.policy import BackupPolicy
from org_backup.coverage.audit_evidence import AuditFrameworksConfig
from org_backup.coverage.model import Coverage
from org_backup.coverage.shape import coverage_shapes
from org_backup.manifest.model import Framework
from org_backup.reporting import kinds
from org_backup.reporting.region_checks import config_gaps, framework_failures

# EFS's own automatic backups (EFS User Guide, automatic-backups; AWS Backup Developer Guide)
AUTOMATIC_PLAN = "aws/efs/automatic-backup-plan"
AUTOMATIC_VAULT = "aws/efs/automatic-backup-vault"
AUTOMATIC_TAG_KEY = "aws:elasticfilesystem:default-backup"
AUTOMATIC_TAG_VALUE = "enabled"


def with_frameworks(found: Sequence[Target], coverage: Coverage) -> list[Target]:
    """Targets asked to read the framework of each covered region (the one the policy sets, or,
    with frameworks off, the one it would set) and what AWS Config records there."""
    wanted = coverage.model_copy(
        update={"audit_frameworks": coverage.audit_frameworks or AuditFrameworksConfig()}
    )
    accounts = {account.account_id: account for account in coverage.covered}
    updated = []
    for target in found:
        account = accounts.get(target.account_id)
        if account is None:
            updated.append(target)
            continue
        frameworks = {
            shape.region: (shape.framework.name, shape.framework.recorded_types)
            for shape in coverage_shapes(wanted, account)
            if shape.framework is not None
        }
        updated.append(replace(target, frameworks=frameworks))
    return updated


def live_framework(region: RegionState) -> Framework | None:
    """The region's framework as the manifest records one, from what the audit read."""
    if region.framework is None:
        return None
    return Framework(
        name=region.framework.name,
        deployment_status=region.framework.deployment_status,
        status=region.framework.status,
        recorded_types=list(region.config_types),
        config=region.config,
    )


def framework_findings(region: RegionState, wanted: bool) -> Iterator[tuple[str, str]]:
    """What the policy's frameworks (`wanted`) lack in a covered region, as the report's
    `--require-frameworks` checks judge it (they run instead when that flag is on)."""
    if not wanted or region.framework_name is None:
        return
    framework = live_framework(region)
    if framework is None:
        yield (
            kinds.NO_FRAMEWORK,
            f"Backup Audit Manager framework {region.framework_name} does not exist, though"
            " audit_frameworks_enabled is on.",
        )
        return
    for sentence in framework_failures(framework):
        yield kinds.NO_FRAMEWORK, sentence
    for sentence in config_gaps(framework, synthesized=None):
        yield kinds.CONFIG_NOT_RECORDING, sentence


def duplicate_findings(
    region: RegionState, file_system: FileSystemState, policy: BackupPolicy
) -> Iterator[tuple[str, str]]:
    """A tagged file system of a covered region that EFS also backs up on its own. The
    sentence stays the same from night to night (`--since` compares sentences): no counts."""
    seen = file_system.automatic_backups
    if seen is None or not seen.on or policy.efs_automatic_backups == "accept":
        return
    fs_id = file_system.arn.rsplit("/", 1)[-1]
    evidence = (
        f"backup policy {seen.policy_status}"
        if seen.policy_status
        else f"tag {AUTOMATIC_TAG_KEY}={AUTOMATIC_TAG_VALUE}"
    )
    plan = region.automatic_plan
    schedule = f" {plan.schedule}" if plan and plan.schedule else ""
    kept = (
        f", kept {plan.delete_after_days} days"
        if plan and plan.delete_after_days
        else ", kept 35 days by default"
    )
    remedy = (
        "efs_automatic_backups is disable, but they are still on"
        if policy.efs_automatic_backups == "disable"
        else "turn them off with `aws efs put-backup-policy --file-system-id"
        f" {fs_id} --backup-policy Status=DISABLED` or efs_automatic_backups = disable,"
        " or keep them with efs_automatic_backups = accept (docs/audit-evidence.md)"
    )
    yield (
        kinds.DUPLICATE_AUTOMATIC_BACKUPS,
        f"EFS file system {file_system.arn} also has EFS automatic backups ({evidence};"
        f" {AUTOMATIC_PLAN}{schedule}{kept}, into {AUTOMATIC_VAULT}): a second recovery point"
        f" a day besides the plan's, billed twice; {remedy}.",
    )
