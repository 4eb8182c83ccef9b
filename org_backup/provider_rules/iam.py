"""IAM: terraform-provider-aws `internal/service/iam/` (role.go, role_policy.go,
role_policy_attachment.go, validate.go). IAM is global: no `region` input."""

from __future__ import annotations

from org_backup.provider_rules.model import (
    Arn,
    Between,
    Each,
    Field,
    Json,
    Length,
    NotPattern,
    Pattern,
    TypeRules,
    conflicts_with,
)

ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"

VALIDATE = "internal/service/iam/validate.go"
# validResourceName(max): 1..max of [\w+=,.@-].
NAME_CHARACTERS = Pattern(r"^[\w+=,.@-]*$", "letters, digits and +=,.@_-")

RULES = (
    TypeRules(
        ROLE,
        ("internal/service/iam/role.go", VALIDATE),
        fields=(
            Field("assumeRolePolicy", required=True, checks=(Json(policy=True),)),
            Field(
                "description",
                checks=(
                    Length(0, 1000),
                    # the curly quotes U+201C and U+2018
                    NotPattern(
                        "[\u201c\u2018]",
                        "cannot contain specially formatted single or double quotes",
                    ),
                ),
            ),
            Field("maxSessionDuration", checks=(Between(3600, 43200),)),
            Field("name", checks=(Length(1, 64), NAME_CHARACTERS), replace=True),
            Field("namePrefix", replace=True),
            Field("path", checks=(Length(0, 512),), replace=True),
            Field("permissionsBoundary", checks=(Arn(),)),
            Field("managedPolicyArns", checks=(Each(Arn()),)),
        ),
        groups=(conflicts_with("name", "namePrefix"),),
        regional=False,
    ),
    TypeRules(
        ROLE_POLICY,
        ("internal/service/iam/role_policy.go", VALIDATE),
        fields=(
            Field("name", checks=(Length(1, 128), NAME_CHARACTERS), replace=True),
            Field("namePrefix", replace=True),
            Field("policy", required=True, checks=(Json(policy=True),)),
            # validRolePolicyRole: the role's name, 1-128 characters, and not its ARN.
            Field(
                "role",
                required=True,
                checks=(
                    Length(1, 128),
                    Pattern(r"[\w+=,.@-]+"),
                    NotPattern(r"^arn:", "must be the role's name not its ARN"),
                ),
                replace=True,
            ),
        ),
        groups=(conflicts_with("name", "namePrefix"),),
        regional=False,
    ),
    TypeRules(
        ROLE_POLICY_ATTACHMENT,
        ("internal/service/iam/role_policy_attachment.go",),
        fields=(
            Field("policyArn", required=True, checks=(Arn(),), replace=True),
            Field("role", required=True, replace=True),
        ),
        regional=False,
    ),
)
