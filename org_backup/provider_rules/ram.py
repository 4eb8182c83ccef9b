"""AWS RAM: terraform-provider-aws `internal/service/ram/` (resource_share.go,
resource_association.go, principal_association.go)."""

from __future__ import annotations

from org_backup.provider_rules.model import AnyOf, Arn, Each, Field, Pattern, TypeRules

RESOURCE_SHARE = "aws:ram/resourceShare:ResourceShare"
RESOURCE_ASSOCIATION = "aws:ram/resourceAssociation:ResourceAssociation"
PRINCIPAL_ASSOCIATION = "aws:ram/principalAssociation:PrincipalAssociation"

RULES = (
    TypeRules(
        RESOURCE_SHARE,
        ("internal/service/ram/resource_share.go",),
        fields=(Field("permissionArns", checks=(Each(Arn()),), replace=True),),
    ),
    TypeRules(
        RESOURCE_ASSOCIATION,
        ("internal/service/ram/resource_association.go",),
        fields=(
            Field("resourceArn", required=True, checks=(Arn(),), replace=True),
            Field("resourceShareArn", required=True, checks=(Arn(),), replace=True),
        ),
    ),
    TypeRules(
        PRINCIPAL_ASSOCIATION,
        ("internal/service/ram/principal_association.go",),
        fields=(
            # verify.ValidAccountID (exactly 12 digits) or verify.ValidARN
            Field(
                "principal",
                required=True,
                checks=(AnyOf((Pattern(r"^\d{12}$", "an account id"), Arn())),),
                replace=True,
            ),
            Field("resourceShareArn", required=True, checks=(Arn(),), replace=True),
        ),
    ),
)
