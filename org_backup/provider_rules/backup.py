"""AWS Backup: the rules of terraform-provider-aws `internal/service/backup/` for the types the
program registers, in the engine's input names (pulumi-aws 7.51.1's Python SDK confirms each
name and which inputs the schema requires; a name the SDK marks optional is auto-named by
pulumi-aws when left out, so only its shape is checked).

Enums are the AWS SDK's (the Go SDK types upstream validates against are generated from the
same service model as botocore's `backup` model, where the values were read).
"""

from __future__ import annotations

from org_backup.provider_rules.model import (
    AnyOf,
    Arn,
    Between,
    Each,
    Field,
    HasKeys,
    Json,
    Length,
    OneOf,
    Pattern,
    Size,
    TypeRules,
    exactly_one_of,
)

VAULT = "aws:backup/vault:Vault"
VAULT_LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
VAULT_POLICY = "aws:backup/vaultPolicy:VaultPolicy"
AIR_GAPPED_VAULT = "aws:backup/logicallyAirGappedVault:LogicallyAirGappedVault"
PLAN = "aws:backup/plan:Plan"
SELECTION = "aws:backup/selection:Selection"
RESTORE_TESTING_PLAN = "aws:backup/restoreTestingPlan:RestoreTestingPlan"
RESTORE_TESTING_SELECTION = "aws:backup/restoreTestingSelection:RestoreTestingSelection"
GLOBAL_SETTINGS = "aws:backup/globalSettings:GlobalSettings"
FRAMEWORK = "aws:backup/framework:Framework"
REPORT_PLAN = "aws:backup/reportPlan:ReportPlan"

VAULT_OR_WILDCARD = Each(AnyOf((Arn(), OneOf(("*",)))))
RESTORE_TESTING_NAME = (
    Length(1, 50),
    Pattern(r"^[0-9A-Za-z_]+$", "alphanumeric characters and underscores"),
)
KEY_VALUE = ("key", "value")
# validFrameworkName and validReportPlanName (internal/service/backup/validate.go): one regex.
# The SDK marks `name` optional, but pulumi-aws's auto-name `<logical>-<hex>` fails it
# (pulumi/pulumi-aws#5570): the program always names both.
AUDIT_MANAGER_NAME = (
    Pattern(
        r"^[A-Za-z]{1}[0-9A-Za-z_]{0,255}$",
        "1 to 256 letters, digits and underscores, starting with a letter",
    ),
)
# reportSettingTemplate_Values and reportDeliveryChannelFormat_Values (consts.go)
REPORT_TEMPLATES = (
    "BACKUP_JOB_REPORT",
    "CONTROL_COMPLIANCE_REPORT",
    "COPY_JOB_REPORT",
    "RESOURCE_COMPLIANCE_REPORT",
    "RESTORE_JOB_REPORT",
)

RULES = (
    TypeRules(
        VAULT,
        ("internal/service/backup/vault.go",),
        fields=(
            Field(
                "name",
                checks=(
                    Length(2, 50),
                    Pattern(r"^[0-9A-Za-z_-]*$", "letters, numbers, hyphens and underscores"),
                ),
                replace=True,
            ),
            Field("kmsKeyArn", checks=(Arn(),), replace=True),
            # Read stores the key ARN AWS reports (EncryptionKeyArn): an alias ARN, which
            # ValidARN accepts, would differ on every refresh and replace the vault each run.
            Field(
                "kmsKeyArn",
                checks=(Arn("kms", r"^key/", "a KMS key ARN (…:key/<id>), not an alias"),),
                source="terraform-provider-aws internal/service/backup/vault.go"
                " resourceVaultRead: kms_key_arn is ForceNew and read back as the key ARN",
            ),
        ),
    ),
    TypeRules(
        VAULT_LOCK,
        ("internal/service/backup/vault_lock_configuration.go",),
        fields=(
            Field(
                "backupVaultName",
                required=True,
                checks=(Pattern(r"^[0-9A-Za-z_.-]{1,50}$"),),
                replace=True,
            ),
            Field("changeableForDays", checks=(Between(3),), replace=True),
            Field("maxRetentionDays", replace=True),
            Field("minRetentionDays", replace=True),
        ),
    ),
    TypeRules(
        VAULT_POLICY,
        ("internal/service/backup/vault_policy.go", "internal/sdkv2/schema.go"),
        fields=(
            Field("backupVaultName", required=True, replace=True),
            Field("policy", required=True, checks=(Json(),)),
        ),
    ),
    TypeRules(
        AIR_GAPPED_VAULT,
        ("internal/service/backup/logically_air_gapped_vault.go",),
        fields=(
            Field("name", checks=(Pattern(r"^[a-zA-Z0-9\-\_]{2,50}$"),), replace=True),
            Field("minRetentionDays", required=True, checks=(Between(7),), replace=True),
            Field("maxRetentionDays", required=True, replace=True),
        ),
    ),
    TypeRules(
        PLAN,
        ("internal/service/backup/plan.go",),
        fields=(
            Field("name", replace=True),
            Field("rules", required=True, checks=(Size(1),)),
            Field(
                "rules[].ruleName",
                required=True,
                checks=(
                    Length(1, 50),
                    Pattern(
                        r"^[0-9A-Za-z_.-]+$",
                        "alphanumeric characters, hyphens, underscores and periods",
                    ),
                ),
            ),
            Field(
                "rules[].targetVaultName",
                required=True,
                checks=(
                    Length(2, 50),
                    Pattern(r"^[0-9A-Za-z_-]+$", "alphanumeric characters, hyphens, underscores"),
                ),
            ),
            Field("rules[].copyActions[].destinationVaultArn", required=True, checks=(Arn(),)),
            # Without a lifecycle a copy gets a custom lifecycle with empty values and is kept
            # for ever; always set it.
            Field(
                "rules[].copyActions[].lifecycle",
                required=True,
                source="hashicorp/terraform-provider-aws#37862",
            ),
            Field("advancedBackupSettings[].resourceType", checks=(OneOf(("EC2",)),)),
        ),
    ),
    TypeRules(
        SELECTION,
        ("internal/service/backup/selection.go",),
        fields=(
            Field(
                "name",
                checks=(
                    Length(1, 50),
                    Pattern(
                        r"^[0-9A-Za-z_.-]+$",
                        "alphanumeric, hyphen, underscore, and period characters",
                    ),
                ),
                replace=True,
            ),
            Field("iamRoleArn", required=True, checks=(Arn(),), replace=True),
            Field("planId", required=True, replace=True),
            Field("conditions", replace=True),
            # Only the first `condition` block reaches AWS; the others show as a change on
            # every run, and the selection (all ForceNew) is replaced each time.
            Field(
                "conditions",
                checks=(Size(0, 1),),
                source="hashicorp/terraform-provider-aws#38114 (open)",
            ),
            *(
                Field(f"conditions[].{operator}[].{part}", required=True)
                for operator in ("stringEquals", "stringLikes", "stringNotEquals", "stringNotLikes")
                for part in KEY_VALUE
            ),
            Field("selectionTags", replace=True),
            Field("selectionTags[].key", required=True),
            Field("selectionTags[].type", required=True, checks=(OneOf(("STRINGEQUALS",)),)),
            Field("selectionTags[].value", required=True),
            Field("resources", replace=True),
            Field("notResources", replace=True),
        ),
    ),
    TypeRules(
        RESTORE_TESTING_PLAN,
        ("internal/service/backup/restore_testing_plan.go",),
        fields=(
            Field("name", checks=RESTORE_TESTING_NAME, replace=True),
            Field("scheduleExpression", required=True),
            Field("startWindowHours", checks=(Between(0, 168),)),
            Field("recoveryPointSelection", required=True),
            Field(
                "recoveryPointSelection.algorithm",
                required=True,
                checks=(OneOf(("LATEST_WITHIN_WINDOW", "RANDOM_WITHIN_WINDOW")),),
            ),
            Field(
                "recoveryPointSelection.includeVaults", required=True, checks=(VAULT_OR_WILDCARD,)
            ),
            Field("recoveryPointSelection.excludeVaults", checks=(VAULT_OR_WILDCARD,)),
            Field(
                "recoveryPointSelection.recoveryPointTypes",
                required=True,
                checks=(Each(OneOf(("CONTINUOUS", "SNAPSHOT"))),),
            ),
            Field("recoveryPointSelection.selectionWindowDays", checks=(Between(1, 365),)),
        ),
    ),
    TypeRules(
        RESTORE_TESTING_SELECTION,
        ("internal/service/backup/restore_testing_selection.go",),
        fields=(
            Field("iamRoleArn", required=True, checks=(Arn(),)),
            Field("name", checks=RESTORE_TESTING_NAME, replace=True),
            Field("protectedResourceArns", checks=(VAULT_OR_WILDCARD,)),
            Field("protectedResourceType", required=True, replace=True),
            Field("restoreTestingPlanName", required=True, replace=True),
            Field("validationWindowHours", checks=(Between(1, 168),)),
            *(
                Field(f"protectedResourceConditions.{operator}[].{part}", required=True)
                for operator in ("stringEquals", "stringNotEquals")
                for part in KEY_VALUE
            ),
        ),
        # ConfigValidators; the bridge runs them in Check, so `pulumi preview` stops here.
        groups=(exactly_one_of("protectedResourceArns", "protectedResourceConditions"),),
    ),
    TypeRules(
        GLOBAL_SETTINGS,
        ("internal/service/backup/global_settings.go",),
        fields=(
            Field("globalSettings", required=True),
            # Read stores the whole DescribeGlobalSettings map: a key left out differs on every
            # run (pulumi-aws backup/global_settings.py: "perpetual differences").
            Field(
                "globalSettings",
                checks=(
                    HasKeys(
                        (
                            "isCrossAccountBackupEnabled",
                            "isMpaEnabled",
                            "isDelegatedAdministratorEnabled",
                        )
                    ),
                ),
                source="terraform-provider-aws internal/service/backup/global_settings.go"
                " resourceGlobalSettingsRead",
            ),
        ),
        regional=False,  # global (pulumi-aws docs/enhanced-region-support.md)
    ),
    TypeRules(
        FRAMEWORK,
        ("internal/service/backup/framework.go", "internal/service/backup/validate.go"),
        fields=(
            Field("name", checks=AUDIT_MANAGER_NAME, replace=True),
            Field("description", checks=(Length(0, 1024),)),
            Field("controls", required=True, checks=(Size(1),)),
            Field("controls[].name", required=True, checks=(Length(1, 256),)),
            Field("controls[].scope.complianceResourceIds", checks=(Size(1, 100),)),
        ),
    ),
    TypeRules(
        REPORT_PLAN,
        (
            "internal/service/backup/report_plan.go",
            "internal/service/backup/validate.go",
            "internal/service/backup/consts.go",
        ),
        fields=(
            Field("name", checks=AUDIT_MANAGER_NAME, replace=True),
            Field("description", checks=(Length(0, 1024),)),
            Field("reportDeliveryChannel", required=True),
            Field("reportDeliveryChannel.s3BucketName", required=True),
            Field("reportDeliveryChannel.formats", checks=(Each(OneOf(("CSV", "JSON"))),)),
            Field("reportSetting", required=True),
            Field(
                "reportSetting.reportTemplate",
                required=True,
                checks=(OneOf(REPORT_TEMPLATES),),
                replace=True,
            ),
        ),
    ),
)
