"""The audit's AWS calls in one account, read-only, through the session it is given.

Per covered region: backup DescribeBackupVault, ListBackupPlans, GetBackupPlan,
ListBackupSelections, GetBackupSelection, tag GetResources, and ListRecoveryPointsByResource per
tagged file system (where EFS automatic backups show, elasticfilesystem DescribeBackupPolicy per
such file system and GetBackupPlan of EFS's plan; with audit frameworks, backup
DescribeFramework and config DescribeConfigurationRecorders and
DescribeConfigurationRecorderStatus) (with --max-restore-test-age-days also GetRestoreTestingPlan, and
ListRestoreJobsByProtectedResource per tagged file system); per uncovered scan region:
GetResources only; per account: iam GetRole.
A failed call fails the account with the operation, the region and AWS's reason (the report
turns that into a finding), except a file system's recovery points, which fail only its row.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from botocore.exceptions import BotoCoreError, ClientError

from org_backup.audit.evidence import (
    AUTOMATIC_PLAN,
    AUTOMATIC_TAG_KEY,
    AUTOMATIC_TAG_VALUE,
    AUTOMATIC_VAULT,
)
from org_backup.audit.observations import (
    AccountState,
    AutomaticBackupState,
    AutomaticPlanState,
    Condition,
    CopyActionState,
    FileSystemState,
    FrameworkState,
    PlanState,
    RegionState,
    RestoreTestState,
    RoleState,
    RuleState,
    SelectionState,
    VaultState,
)
from org_backup.audit.targets import Target
from org_backup.aws.answers import MalformedAnswer
from org_backup.aws.sessions import Session, assume_role, client, describe_error
from org_backup.config.policy import BackupPolicy
from org_backup.coverage.config_lookup import config_recording
from org_backup.coverage.efs_automatic import tagged_file_systems
from org_backup.coverage.pipeline import DeployRoleError
from org_backup.errors import AccountFailure
from org_backup.organization.regions import OptInLookup

BACKUP_SERVICE = "backup.amazonaws.com"
# AVAILABLE is what newer recovery points report instead of COMPLETED; both can be restored.
USABLE_STATUSES = frozenset({"COMPLETED", "AVAILABLE"})
# What AWS Backup applies when a rule leaves its windows out (8 hours, 7 days).
DEFAULT_START_WINDOW_MINUTES = 480
DEFAULT_COMPLETION_WINDOW_MINUTES = 10_080
DEFAULT_TIMEZONE = "Etc/UTC"


class AuditCallError(AccountFailure):
    """A read failed inside one account: `backup:ListBackupPlans in eu-west-1: AccessDenied...`."""

    def __init__(self, operation: str, region: str | None, error: Exception):
        where = f" in {region}" if region else ""
        super().__init__(f"{operation}{where}: {describe_error(error)}")


def collect_account(caller: Session, target: Target, opt_in: OptInLookup) -> AccountState:
    """Everything the checks need from one account; raises AccountFailure when a read fails.

    `caller` is the account's AccountSession of the caller's credentials (fanout.per_account).
    """
    session = _account_session(caller, target)
    policy = target.policy
    scanned = set(target.scan_regions)
    if target.opt_in_candidates:
        scanned |= opt_in.enabled(
            target.account_id, target.opt_in_candidates, caller, lambda: session
        )
    role = _role(session, policy.backup_role_name) if target.covered_regions else None
    regions = [
        _restore_testing(session, region, target.restore_testing_plan)
        if target.restore_testing_plan
        else region
        for region in (
            _covered_region(session, policy, region, target.frameworks.get(region))
            for region in target.covered_regions
        )
    ]
    regions.extend(
        RegionState(
            region,
            covered=False,
            file_systems=tuple(FileSystemState(arn) for arn in _tagged(session, region, policy)),
        )
        for region in sorted(scanned)
    )
    tag = f"{policy.selection_tag_key}={policy.selection_tag_value}"
    return AccountState(target.account_id, tag, role, tuple(regions))


def _account_session(caller: Session, target: Target) -> Session:
    return account_session(caller, target.role_arn, target.external_id)


def account_session(caller: Session, role_arn: str | None, external_id: str | None) -> Session:
    """The caller itself for its own account (role None), else the account's deploy role."""
    if role_arn is None:
        return caller
    try:
        return assume_role(caller, role_arn, external_id)
    except (ClientError, BotoCoreError) as error:
        raise DeployRoleError(role_arn, error) from error


@contextmanager
def _reading(operation: str, region: str | None) -> Iterator[None]:
    try:
        yield
    except (ClientError, BotoCoreError) as error:
        raise AuditCallError(operation, region, error) from error


def _missing(error: ClientError, code: str) -> bool:
    return error.response.get("Error", {}).get("Code") == code


def _role(session: Session, name: str) -> RoleState | None:
    with _reading("iam:GetRole", None):
        try:
            role = client(session, "iam").get_role(RoleName=name)["Role"]
        except ClientError as error:
            if _missing(error, "NoSuchEntity"):
                return None
            raise
        return RoleState(name, role["Arn"], _trusts_backup(role.get("AssumeRolePolicyDocument")))


def _trusts_backup(document: Any) -> bool:
    """Whether an Allow statement names backup.amazonaws.com for sts:AssumeRole; a document
    that cannot be read is a malformed answer of iam:GetRole, not a "no"."""
    try:
        if isinstance(document, str):  # the raw API URL-encodes it; boto3 usually decodes it
            document = json.loads(unquote(document))
        statements = _listed((document or {}).get("Statement"))
        return any(_allows_backup(statement) for statement in statements)
    except (ValueError, AttributeError, TypeError) as error:
        raise MalformedAnswer("iam:GetRole", "a trust policy that cannot be read") from error


def _allows_backup(statement: dict[str, Any]) -> bool:
    services = _listed((statement.get("Principal") or {}).get("Service"))
    actions = _listed(statement.get("Action"))
    return (
        statement.get("Effect") == "Allow"
        and BACKUP_SERVICE in services
        and bool({"sts:AssumeRole", "sts:*", "*"} & set(actions))
    )


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _covered_region(
    session: Session,
    policy: BackupPolicy,
    region: str,
    framework: tuple[str, tuple[str, ...]] | None = None,
) -> RegionState:
    """The region's backup resources and tagged file systems; with `framework` (its name and
    the AWS Config types it needs) also the framework and what AWS Config records. A file
    system that EFS also backs up on its own (the system tag, or points in EFS's vault) costs
    one DescribeBackupPolicy, and the region one GetBackupPlan of EFS's automatic plan."""
    backup = client(session, "backup", region)
    plans = _listed_plans(backup, region)
    plan = _plan(backup, region, policy.plan_name, plans.get(policy.plan_name))
    vault = _vault(backup, region, policy.vault_name)
    selection = _selection(backup, region, plan.id, policy.selection_name) if plan else None
    file_systems = tuple(
        _file_system(backup, region, arn, policy.vault_name, tagged)
        for arn, tagged in _tagged_with_defaults(session, region, policy)
    )
    if any(fs.automatic_backups for fs in file_systems):
        file_systems = _with_backup_policies(session, region, file_systems)
    duplicated = any(fs.automatic_backups and fs.automatic_backups.on for fs in file_systems)
    state = RegionState(
        region,
        covered=True,
        vault=vault,
        plan=plan,
        selection=selection,
        file_systems=file_systems,
        automatic_plan=_automatic_plan(backup, region, plans.get(AUTOMATIC_PLAN))
        if duplicated
        else None,
    )
    if framework is None:
        return state
    name, needed = framework
    return replace(
        state,
        framework_name=name,
        framework=_framework(backup, region, name),
        config_types=needed,
        config=config_recording(session, region, needed),
    )


def _framework(backup: Any, region: str, name: str) -> FrameworkState | None:
    with _reading("backup:DescribeFramework", region):
        try:
            found = backup.describe_framework(FrameworkName=name)
        except ClientError as error:
            if _missing(error, "ResourceNotFoundException"):
                return None
            raise
    return FrameworkState(name, found.get("DeploymentStatus"), found.get("FrameworkStatus"))


def _automatic_plan(backup: Any, region: str, plan_id: str | None) -> AutomaticPlanState | None:
    if plan_id is None:
        return None
    with _reading("backup:GetBackupPlan", region):
        rules = backup.get_backup_plan(BackupPlanId=plan_id)["BackupPlan"]["Rules"]
    first = rules[0] if rules else {}
    return AutomaticPlanState(
        schedule=first.get("ScheduleExpression"),
        delete_after_days=(first.get("Lifecycle") or {}).get("DeleteAfterDays"),
    )


def _with_backup_policies(
    session: Session, region: str, file_systems: tuple[FileSystemState, ...]
) -> tuple[FileSystemState, ...]:
    """The EFS backup policy of each file system EFS seems to back up on its own: its status
    decides (PolicyNotFound: none, so off); a failed read keeps the tag's word and says why."""
    efs = client(session, "efs", region)
    updated = []
    for fs in file_systems:
        seen = fs.automatic_backups
        if seen is None or not (seen.tagged or seen.points):
            updated.append(fs)
            continue
        try:
            answer = efs.describe_backup_policy(FileSystemId=fs.arn.rsplit("/", 1)[-1])
            seen = replace(seen, policy_status=answer["BackupPolicy"]["Status"])
        except ClientError as error:
            if _missing(error, "PolicyNotFound"):
                seen = replace(seen, policy_status="DISABLED")
            else:
                seen = replace(
                    seen,
                    policy_error=f"elasticfilesystem:DescribeBackupPolicy in {region}: "
                    + describe_error(error),
                )
        except (BotoCoreError, KeyError) as error:
            seen = replace(seen, policy_error=f"elasticfilesystem:DescribeBackupPolicy: {error}")
        updated.append(replace(fs, automatic_backups=seen))
    return tuple(updated)


def _vault(backup: Any, region: str, name: str) -> VaultState | None:
    with _reading("backup:DescribeBackupVault", region):
        try:
            vault = backup.describe_backup_vault(BackupVaultName=name)
        except ClientError as error:
            if _missing(error, "ResourceNotFoundException"):
                return None
            raise
    return VaultState(
        name=name,
        arn=vault.get("BackupVaultArn"),
        kms_key_arn=vault.get("EncryptionKeyArn"),
        locked=bool(vault.get("Locked")),
        min_retention_days=vault.get("MinRetentionDays"),
        max_retention_days=vault.get("MaxRetentionDays"),
        lock_date=vault.get("LockDate"),
    )


def _listed_plans(backup: Any, region: str) -> dict[str, str]:
    """Plan name -> id (the first of a name): plan ids differ per account and region, names
    are the policy's (and EFS's own plan is named alike everywhere)."""
    found: dict[str, str] = {}
    with _reading("backup:ListBackupPlans", region):
        for page in backup.get_paginator("list_backup_plans").paginate():
            for plan in page["BackupPlansList"]:
                found.setdefault(plan.get("BackupPlanName"), plan["BackupPlanId"])
    return found


def _plan(backup: Any, region: str, name: str, plan_id: str | None) -> PlanState | None:
    if plan_id is None:
        return None
    with _reading("backup:GetBackupPlan", region):
        found = backup.get_backup_plan(BackupPlanId=plan_id)
    return PlanState(
        name=name,
        id=found["BackupPlanId"],
        arn=found.get("BackupPlanArn"),
        version=found.get("VersionId"),
        rules=tuple(_rule(rule) for rule in found["BackupPlan"]["Rules"]),
    )


def _rule(rule: dict[str, Any]) -> RuleState:
    lifecycle = rule.get("Lifecycle") or {}
    return RuleState(
        name=rule["RuleName"],
        target_vault=rule["TargetBackupVaultName"],
        schedule=rule.get("ScheduleExpression"),
        schedule_timezone=rule.get("ScheduleExpressionTimezone") or DEFAULT_TIMEZONE,
        start_window_minutes=rule.get("StartWindowMinutes", DEFAULT_START_WINDOW_MINUTES),
        completion_window_minutes=rule.get(
            "CompletionWindowMinutes", DEFAULT_COMPLETION_WINDOW_MINUTES
        ),
        delete_after_days=lifecycle.get("DeleteAfterDays"),
        cold_storage_after_days=lifecycle.get("MoveToColdStorageAfterDays"),
        copy_actions=tuple(
            CopyActionState(
                destination_vault_arn=action["DestinationBackupVaultArn"],
                delete_after_days=(action.get("Lifecycle") or {}).get("DeleteAfterDays"),
                cold_storage_after_days=(action.get("Lifecycle") or {}).get(
                    "MoveToColdStorageAfterDays"
                ),
            )
            for action in rule.get("CopyActions") or ()
        ),
    )


def _selection(backup: Any, region: str, plan_id: str, name: str) -> SelectionState | None:
    with _reading("backup:ListBackupSelections", region):
        listed = [
            selection
            for page in backup.get_paginator("list_backup_selections").paginate(
                BackupPlanId=plan_id
            )
            for selection in page["BackupSelectionsList"]
            if selection.get("SelectionName") == name
        ]
    if not listed:
        return None
    with _reading("backup:GetBackupSelection", region):
        found = backup.get_backup_selection(
            BackupPlanId=plan_id, SelectionId=listed[0]["SelectionId"]
        )
    selection = found["BackupSelection"]
    return SelectionState(
        name=name,
        id=found["SelectionId"],
        iam_role_arn=selection["IamRoleArn"],
        resources=tuple(selection.get("Resources") or ()),
        not_resources=tuple(selection.get("NotResources") or ()),
        list_of_tags=tuple(
            Condition(tag["ConditionType"], tag["ConditionKey"], tag["ConditionValue"])
            for tag in selection.get("ListOfTags") or ()
        ),
        conditions=tuple(
            Condition(operator, entry["ConditionKey"], entry["ConditionValue"])
            for operator, entries in sorted((selection.get("Conditions") or {}).items())
            for entry in entries
        ),
    )


def _tagged(session: Session, region: str, policy: BackupPolicy) -> list[str]:
    """ARNs of the region's EFS file systems carrying the selection tag: one call per page."""
    return [arn for arn, _ in _tagged_with_defaults(session, region, policy)]


def _tagged_with_defaults(
    session: Session, region: str, policy: BackupPolicy
) -> list[tuple[str, bool]]:
    """(ARN, whether EFS's automatic-backup system tag is on it), sorted by ARN: the same
    calls, since GetResources returns every tag of what it finds."""
    with _reading("tag:GetResources", region):
        found = tagged_file_systems(
            session, region, policy.selection_tag_key, policy.selection_tag_value
        )
    return [
        (
            arn,
            any(
                tag.get("Key") == AUTOMATIC_TAG_KEY and tag.get("Value") == AUTOMATIC_TAG_VALUE
                for tag in tags
            ),
        )
        for arn, tags in found
    ]


def _file_system(
    backup: Any, region: str, arn: str, vault_name: str, tagged: bool = False
) -> FileSystemState:
    """The newest usable recovery point in the policy's vault; EFS's own automatic backups
    (vault aws/efs/automatic-backup-vault) do not prove that the plan works, but are counted:
    they are evidence of a duplicate."""
    try:
        pages = backup.get_paginator("list_recovery_points_by_resource").paginate(ResourceArn=arn)
        points = [point for page in pages for point in page["RecoveryPoints"]]
    except (ClientError, BotoCoreError) as error:
        return FileSystemState(
            arn,
            lookup_error=f"backup:ListRecoveryPointsByResource in {region}: "
            + describe_error(error),
            automatic_backups=AutomaticBackupState(tagged, 0) if tagged else None,
        )
    dates: list[datetime] = [
        point["CreationDate"]
        for point in points
        if point.get("BackupVaultName") == vault_name
        and point.get("Status") in USABLE_STATUSES
        and point.get("CreationDate") is not None
    ]
    automatic = sum(1 for point in points if point.get("BackupVaultName") == AUTOMATIC_VAULT)
    return FileSystemState(
        arn,
        latest_backup=max(dates, default=None),
        automatic_backups=AutomaticBackupState(tagged, automatic) if tagged or automatic else None,
    )


# Restore testing
def _restore_testing(session: Session, region: RegionState, plan_name: str) -> RegionState:
    """The region's restore testing plan, and each tagged file system's restore jobs by it:
    backup GetRestoreTestingPlan, then ListRestoreJobsByProtectedResource per file system."""
    backup = client(session, "backup", region.region)
    with _reading("backup:GetRestoreTestingPlan", region.region):
        try:
            plan = backup.get_restore_testing_plan(RestoreTestingPlanName=plan_name)
        except ClientError as error:
            if _missing(error, "ResourceNotFoundException"):
                return replace(region, restore_testing_plan=plan_name)
            raise
    arn = plan["RestoreTestingPlan"]["RestoreTestingPlanArn"]
    return replace(
        region,
        restore_testing_plan=plan_name,
        restore_testing_plan_arn=arn,
        file_systems=tuple(
            _restore_tests(backup, region.region, file_system, arn)
            for file_system in region.file_systems
        ),
    )


def _restore_tests(
    backup: Any, region: str, file_system: FileSystemState, plan_arn: str
) -> FileSystemState:
    """Only the jobs the plan started: a manual restore proves nothing about the schedule."""
    try:
        pages = backup.get_paginator("list_restore_jobs_by_protected_resource").paginate(
            ResourceArn=file_system.arn
        )
        tests = tuple(
            RestoreTestState(
                job_id=job.get("RestoreJobId", ""),
                status=job.get("Status", ""),
                validation_status=job.get("ValidationStatus"),
                created=job.get("CreationDate"),
                completed=job.get("CompletionDate"),
                message=job.get("ValidationStatusMessage") or job.get("StatusMessage"),
            )
            for page in pages
            for job in page["RestoreJobs"]
            if (job.get("CreatedBy") or {}).get("RestoreTestingPlanArn") == plan_arn
        )
    except (ClientError, BotoCoreError) as error:
        return replace(
            file_system,
            restore_tests_error=f"backup:ListRestoreJobsByProtectedResource in {region}: "
            + describe_error(error),
        )
    return replace(file_system, restore_tests=tests)
