"""Import ids in the AWS provider's format, for what the program adopts.

Each account has one provider, pinned to the account's first region, and every resource says
its own `region=` (pulumi-aws v7). An import reads the resource in the region its id ends with
(`<id>@<region>`), or else in the provider's region (terraform-provider-aws
internal/provider/sdkv2/region.go and internal/provider/framework/region.go, importRegion;
pulumi-aws docs/enhanced-region-support.md; pulumi/pulumi-aws#5697). A bare id therefore
imports from the wrong region everywhere but the first one, so every id here names its region.
"""

from __future__ import annotations

from org_backup.provider_rules.backup import (
    AIR_GAPPED_VAULT,
    VAULT,
    VAULT_LOCK,
    VAULT_POLICY,
)

# What the id before `@<region>` is, per type (each one's Importer passes the id through:
# ImportStatePassthroughContext in vault.go, vault_lock_configuration.go, vault_policy.go;
# ImportStatePassthroughID on `id` in logically_air_gapped_vault.go).
IMPORT_ID_OF = {
    VAULT: "the vault's name",
    VAULT_LOCK: "the locked vault's name",
    VAULT_POLICY: "the vault's name",
    AIR_GAPPED_VAULT: "the vault's name",
}


def import_id(token: str, resource_id: str, region: str) -> str:
    """`<id>@<region>`, for a type listed in IMPORT_ID_OF."""
    if token not in IMPORT_ID_OF:
        raise KeyError(f"no import id format known for {token}")
    return f"{resource_id}@{region}"
