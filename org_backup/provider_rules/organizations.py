"""AWS Organizations: terraform-provider-aws `internal/service/organizations/` (policy.go,
policy_attachment.go). Both are global (no `region` input)."""

from __future__ import annotations

from org_backup.provider_rules.model import Field, Json, OneOf, TypeRules

POLICY = "aws:organizations/policy:Policy"
POLICY_ATTACHMENT = "aws:organizations/policyAttachment:PolicyAttachment"

# policy.go: `type` is validation.StringInSlice(organizations.PolicyType_Values()), the AWS SDK's
# enum, which botocore's model of Organizations (PolicyType) lists too.
POLICY_TYPES = (
    "SERVICE_CONTROL_POLICY",
    "RESOURCE_CONTROL_POLICY",
    "TAG_POLICY",
    "BACKUP_POLICY",
    "AISERVICES_OPT_OUT_POLICY",
    "CHATBOT_POLICY",
    "DECLARATIVE_POLICY_EC2",
    "SECURITYHUB_POLICY",
    "SECURITYHUB_CSPM_POLICY",
    "INSPECTOR_POLICY",
    "UPGRADE_ROLLOUT_POLICY",
    "BEDROCK_POLICY",
    "S3_POLICY",
    "NETWORK_SECURITY_DIRECTOR_POLICY",
    "GUARDDUTY_POLICY",
)

RULES = (
    TypeRules(
        POLICY,
        ("internal/service/organizations/policy.go",),
        fields=(
            Field("content", required=True, checks=(Json(),)),
            # Required upstream; pulumi-aws auto-names it, so the SDK makes it optional.
            Field("name"),
            Field("type", checks=(OneOf(POLICY_TYPES),), replace=True),
        ),
        regional=False,
    ),
    TypeRules(
        POLICY_ATTACHMENT,
        ("internal/service/organizations/policy_attachment.go",),
        fields=(
            Field("policyId", required=True, replace=True),
            Field("targetId", required=True, replace=True),
        ),
        regional=False,
    ),
)
