"""The stack files of one sharded deployment, generated from its base stack's file.

Every shard stack must hold the same settings as the base, except its `shard_index`: a copy
edited by hand drifts, and a shard planned with another shard's settings deletes what it should
keep. So the siblings are written from the base, and checked against it in CI. Pulumi secrets
are never copied: each stack encrypts its own (`encryptionsalt`, `secretsprovider`,
`encryptedkey` and every `secure:` value stay the sibling's own).
"""

from __future__ import annotations

from typing import Any

from org_backup.config.settings import CONFIG_NAMESPACE

SHARD_INDEX_KEY = f"{CONFIG_NAMESPACE}:shard_index"
_ENCRYPTION = ("secretsprovider", "encryptedkey", "encryptionsalt")


def header(base_file: str) -> str:
    return f"# Generated from {base_file} by org-backup stacks sync; edit that file.\n"


def sibling_document(
    base: dict[str, Any], index: int, existing: dict[str, Any] | None
) -> dict[str, Any]:
    """Shard `index`'s stack file: the base's config and environment with its own shard_index,
    and the sibling's own encryption and secrets kept from `existing`."""
    existing = existing or {}
    document: dict[str, Any] = {key: existing[key] for key in _ENCRYPTION if key in existing}
    config = {
        key: value for key, value in (base.get("config") or {}).items() if not is_secret(value)
    }
    config[SHARD_INDEX_KEY] = index
    config.update(
        (key, value) for key, value in (existing.get("config") or {}).items() if is_secret(value)
    )
    document["config"] = config
    if "environment" in base:
        document["environment"] = base["environment"]
    return document


def missing_secrets(base: dict[str, Any], sibling: dict[str, Any]) -> list[str]:
    """The base's secret keys that the sibling does not set itself."""
    own = sibling.get("config") or {}
    return [
        key
        for key, value in (base.get("config") or {}).items()
        if is_secret(value) and not is_secret(own.get(key))
    ]


def is_secret(value: Any) -> bool:
    return isinstance(value, dict) and "secure" in value
