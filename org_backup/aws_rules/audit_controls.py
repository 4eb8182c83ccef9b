"""AWS Backup Audit Manager's controls as AWS defines them: their API names, the AWS Config
resource types each needs recorded, and the ranges of their parameters. Pure.

Sources (AWS Backup Developer Guide): `choosing-controls` (the table of controls and their AWS
Config recording resource types; "Every control requires the recording resource type AWS
Config: resource compliance"), `controls-and-remediation` (parameters, ranges, scopes, "up to
50 controls per account per Region"), `creating-frameworks-api` (API names and parameter names).
"""

from __future__ import annotations

from collections.abc import Iterable

RESOURCE_COMPLIANCE = "AWS::Config::ResourceCompliance"
BACKUP_PLAN = "AWS::Backup::BackupPlan"
BACKUP_SELECTION = "AWS::Backup::BackupSelection"
BACKUP_VAULT = "AWS::Backup::BackupVault"
RECOVERY_POINT = "AWS::Backup::RecoveryPoint"

PROTECTED_BY_PLAN = "BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN"
PLAN_FREQUENCY_AND_RETENTION = "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK"
MANUAL_DELETION_DISABLED = "BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED"
RECOVERY_POINT_ENCRYPTED = "BACKUP_RECOVERY_POINT_ENCRYPTED"
RECOVERY_POINT_RETENTION = "BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK"
PROTECTED_BY_CROSS_REGION = "BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION"
PROTECTED_BY_CROSS_ACCOUNT = "BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT"
PROTECTED_BY_VAULT_LOCK = "BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK"
LAST_RECOVERY_POINT_CREATED = "BACKUP_LAST_RECOVERY_POINT_CREATED"
RESTORE_TIME_MEETS_TARGET = "RESTORE_TIME_FOR_RESOURCES_MEET_TARGET"

# The AWS Config resource type each control evaluates ("AWS Config recording resource type").
RECORDED_TYPE = {
    PROTECTED_BY_PLAN: BACKUP_SELECTION,
    PLAN_FREQUENCY_AND_RETENTION: BACKUP_PLAN,
    MANUAL_DELETION_DISABLED: BACKUP_VAULT,
    RECOVERY_POINT_ENCRYPTED: RECOVERY_POINT,
    RECOVERY_POINT_RETENTION: RECOVERY_POINT,
    PROTECTED_BY_CROSS_REGION: BACKUP_SELECTION,
    PROTECTED_BY_CROSS_ACCOUNT: BACKUP_SELECTION,
    PROTECTED_BY_VAULT_LOCK: BACKUP_SELECTION,
    LAST_RECOVERY_POINT_CREATED: RECOVERY_POINT,
    RESTORE_TIME_MEETS_TARGET: None,  # only the compliance status itself
}

# BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK's requiredFrequencyValue: "Maximum of 24
# for hours, 31 for days" (AWS Config rule backup-plan-min-frequency-and-min-retention-check).
MAX_FREQUENCY_HOURS = 24
MAX_FREQUENCY_DAYS = 31
# BACKUP_LAST_RECOVERY_POINT_CREATED's recoveryPointAgeValue: 1-744 hours, or 1-31 days.
MAX_RECOVERY_POINT_AGE_HOURS = 744
# BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED's principalArnList: at most 5 IAM roles.
MAX_EXEMPT_PRINCIPALS = 5
# Per account and region, whatever the number of frameworks.
MAX_CONTROLS_PER_REGION = 50


def recorded_types(control_names: Iterable[str]) -> tuple[str, ...]:
    """What AWS Config must record in an account-region for these controls to evaluate,
    sorted: resource compliance always, and each control's own type."""
    types = {RESOURCE_COMPLIANCE}
    types |= {RECORDED_TYPE[name] for name in control_names if RECORDED_TYPE[name]}
    return tuple(sorted(types))


# A framework or report plan name: 1 to 256 characters, starting with a letter, then letters,
# digits and underscores (botocore CreateFramework FrameworkName; terraform-provider-aws
# internal/service/backup/validate.go validFrameworkName, validReportPlanName).
NAME_MAX = 256
