"""Inside the Pulumi program: the stack's `org-backup:*` config, which the engine hands the
program (the CLI reads the same from Pulumi.yaml and Pulumi.<stack>.yaml, config/pulumi_files.py)."""

from __future__ import annotations

from typing import Any

from pulumi.runtime.config import CONFIG

from org_backup.config.settings import CONFIG_NAMESPACE


def stack_config_from_pulumi() -> dict[str, Any]:
    """Every `org-backup:*` key of the stack, by field name."""
    prefix = CONFIG_NAMESPACE + ":"
    return {
        key[len(prefix) :]: value for key, value in CONFIG.get().items() if key.startswith(prefix)
    }
