"""AWS KMS: the `aws.kms.get_key` invoke, terraform-provider-aws
`internal/service/kms/key_data_source.go` (key_id: validateKeyOrAlias in validate.go)."""

from __future__ import annotations

from org_backup.provider_rules.model import AnyOf, Arn, Field, Pattern, TypeRules

GET_KEY = "aws:kms/getKey:getKey"

# verify.UUIDRegexPattern, and KMS's multi-Region key ids
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[ab89][0-9a-f]{3}-[0-9a-f]{12}"
_MULTI_REGION = r"mrk-[0-9a-f]{32}"

INVOKE_RULES = (
    TypeRules(
        GET_KEY,
        ("internal/service/kms/key_data_source.go", "internal/service/kms/validate.go"),
        fields=(
            Field(
                "keyId",
                required=True,
                checks=(
                    AnyOf(
                        (
                            Pattern(f"^{_UUID}|{_MULTI_REGION}$", "a key id"),
                            Arn("kms", f"^key/({_UUID}|{_MULTI_REGION})$", "a key ARN"),
                            Pattern(r"^alias/[0-9A-Za-z_/-]+$", "an alias name"),
                            Arn("kms", r"^alias/", "an alias ARN"),
                        )
                    ),
                ),
            ),
        ),
    ),
)
