"""Amazon EFS: the rules of terraform-provider-aws `internal/service/efs/` for the types the
program registers, in the engine's input names (pulumi-aws 7.51.1's Python SDK confirms each)."""

from __future__ import annotations

from org_backup.provider_rules.model import Field, OneOf, TypeRules

BACKUP_POLICY = "aws:efs/backupPolicy:BackupPolicy"

RULES = (
    TypeRules(
        BACKUP_POLICY,
        ("internal/service/efs/backup_policy.go",),
        fields=(
            Field("backupPolicy", required=True),
            Field("backupPolicy.status", required=True, checks=(OneOf(("DISABLED", "ENABLED")),)),
            Field("fileSystemId", required=True, replace=True),
        ),
    ),
)
