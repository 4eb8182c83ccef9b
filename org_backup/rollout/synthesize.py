"""`synth`'s core: the real Pulumi program under the mock engine, as one JSON-ready dict."""

from __future__ import annotations

import gc
from typing import Any

from org_backup.coverage.model import Coverage
from org_backup.rollout.mock_engine import run_mocked
from org_backup.rollout.program import defer_full_collections, register_rollout

PROJECT = "org-backup"


def synthesize(coverage: Coverage, stack: str = "synth") -> dict[str, Any]:
    """The manifest the stack would export, plus `resources`: every registration, in name order."""
    saved = defer_full_collections()
    try:
        manifest, resources = run_mocked(
            lambda: register_rollout(coverage), project=PROJECT, stack=stack
        )
    finally:
        gc.set_threshold(*saved)
    return {**manifest, "resources": resources}
