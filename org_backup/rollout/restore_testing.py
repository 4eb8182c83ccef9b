"""Restore testing in one account-region: a restore testing plan over the latest recovery point
of the account's own vault, and a selection of the EFS file systems that carry the selection
tag, restored as the account's backup role.

Each test creates a new EFS file system from the recovery point and AWS Backup deletes it after
the validation window (docs/alerts-and-restore-testing.md, "Cost").
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from org_backup.coverage.shape import RegionShape, RestoreTestingShape

# EFS has snapshot recovery points only (no continuous backup).
RECOVERY_POINT_TYPES = ["SNAPSHOT"]
EFS_TYPE = "EFS"


def register_restore_testing(
    shape: RegionShape,
    testing: RestoreTestingShape,
    vault: aws.backup.Vault,
    role: aws.iam.Role,
    role_ready: Sequence[pulumi.Resource],
    child: pulumi.ResourceOptions,
) -> tuple[aws.backup.RestoreTestingPlan, aws.backup.RestoreTestingSelection]:
    """The plan and selection of `testing`, the restore testing of the region of `shape`.

    `role_ready` are what the selection waits for: the role's policy attachments and the
    region's backup selection. IAM is eventually consistent, and the provider retries
    CreateBackupSelection while AWS Backup answers that the new role "cannot be assumed"
    (internal/service/backup/selection.go, after hashicorp/terraform-provider-aws#9297), but it
    calls CreateRestoreTestingSelection once (restore_testing_selection.go): created after the
    backup selection, the restore testing selection finds a role AWS Backup already accepted.
    """
    region = shape.region
    plan = aws.backup.RestoreTestingPlan(
        shape.resource_name("restore-testing-plan"),
        name=testing.plan_name,
        schedule_expression=testing.schedule,
        schedule_expression_timezone=testing.timezone,
        start_window_hours=testing.start_window_hours,
        recovery_point_selection=aws.backup.RestoreTestingPlanRecoveryPointSelectionArgs(
            algorithm="LATEST_WITHIN_WINDOW",
            include_vaults=[vault.arn],
            recovery_point_types=RECOVERY_POINT_TYPES,
            selection_window_days=testing.selection_window_days,
        ),
        region=region,
        opts=child,
    )
    # Conditions on the resource's tags alone: the provider requires exactly one of
    # protected_resource_arns and protected_resource_conditions (ConfigValidators in
    # restore_testing_selection.go), and AWS takes either (API_CreateRestoreTestingSelection).
    selection = aws.backup.RestoreTestingSelection(
        shape.resource_name("restore-testing-selection"),
        name=testing.selection_name,
        restore_testing_plan_name=plan.name,
        protected_resource_type=EFS_TYPE,
        protected_resource_conditions=aws.backup.RestoreTestingSelectionProtectedResourceConditionsArgs(
            string_equals=[
                aws.backup.RestoreTestingSelectionProtectedResourceConditionsStringEqualArgs(
                    key=testing.tag.condition_key, value=testing.tag.value
                )
            ]
        ),
        iam_role_arn=role.arn,
        validation_window_hours=testing.validation_window_hours,
        region=region,
        opts=pulumi.ResourceOptions.merge(
            child, pulumi.ResourceOptions(depends_on=list(role_ready))
        ),
    )
    return plan, selection
