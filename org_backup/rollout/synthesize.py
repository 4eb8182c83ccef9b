"""`synth`'s core: the real Pulumi program under the mock engine, as one JSON-ready dict."""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

from org_backup.coverage.model import Coverage
from org_backup.coverage.state.previous import PreviousState
from org_backup.rollout.mock_engine import RecordingMonitor, run_mocked
from org_backup.rollout.program import run_program

PROJECT = "org-backup"


def synthesize(coverage: Coverage, stack: str = "synth") -> dict[str, Any]:
    """The manifest the stack would export, plus `resources`: every registration, in name order."""
    return synthesize_program(lambda _previous: coverage, stack)[1]


def synthesize_program(
    resolve_coverage: Callable[[PreviousState | None], Coverage],
    stack: str = "synth",
    previous: PreviousState | None = None,
    on_register: Callable[[str], None] | None = None,
    *,
    make_monitor: Callable[..., RecordingMonitor] = RecordingMonitor,
) -> tuple[Coverage, dict[str, Any]]:
    """`run_program` under the mocks, the engine holding `previous` as the stack's last output
    (and, when `previous` is a `pulumi stack export`, the program reading its state as `pulumi
    up` reads the export taken for it); returns the coverage `resolve_coverage` made and the
    manifest with `resources`. `on_register` is told each registration's type (for progress);
    `make_monitor` as for `run_mocked`."""
    saved = gc.get_threshold()  # run_program defers full collections while it registers
    planned: list[Coverage] = []
    exported = previous if previous is not None and previous.state is not None else None

    def program() -> Any:
        coverage, manifest = run_program(
            resolve_coverage, previous.source if previous else None, exported
        )
        planned.append(coverage)
        return manifest

    try:
        manifest, resources = run_mocked(
            program,
            project=PROJECT,
            stack=stack,
            stack_outputs=previous.stack_outputs() if previous else {},
            on_register=on_register,
            make_monitor=make_monitor,
        )
    finally:
        gc.set_threshold(*saved)
    return planned[0], {**manifest, "resources": resources}
