"""The explicit `aws.Provider` of each account: terraform-provider-aws
`internal/provider/sdkv2/provider.go` (the provider schema, `assumeRoleSchema`) and its
`validate.go`. The engine passes nested provider configuration as JSON strings."""

from __future__ import annotations

from org_backup.provider_rules.model import (
    Arn,
    Each,
    Field,
    Json,
    Length,
    Pattern,
    TypeRules,
    conflicts_with,
)

PROVIDER = "pulumi:providers:aws"

RULES = (
    TypeRules(
        PROVIDER,
        ("internal/provider/sdkv2/provider.go", "internal/provider/sdkv2/validate.go"),
        fields=(
            Field("assumeRoles[].roleArn", checks=(Arn(),)),
            # validAssumeRoleSessionName
            Field("assumeRoles[].sessionName", checks=(Length(2, 64), Pattern(r"[\w+=,.@\-]*"))),
            Field(
                "assumeRoles[].externalId", checks=(Length(2, 1224), Pattern(r"[\w+=,.@:\/\-]*"))
            ),
            Field("assumeRoles[].policy", checks=(Json(),)),
            Field("assumeRoles[].policyArns", checks=(Each(Arn()),)),
            Field("assumeRoles[].sourceIdentity", checks=(Length(2, 64),)),
        ),
        groups=(conflicts_with("allowedAccountIds", "forbiddenAccountIds"),),
        regional=False,
        json_encoded=(
            "assumeRoles",
            "allowedAccountIds",
            "forbiddenAccountIds",
            "defaultTags",
            "ignoreTags",
            "endpoints",
        ),
    ),
)
