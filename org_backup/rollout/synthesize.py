"""`synth`'s core: the real Pulumi program under the mock engine, as one JSON-ready dict."""

from __future__ import annotations

import gc
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from org_backup.coverage.adoption import Adoption
from org_backup.coverage.model import Coverage
from org_backup.coverage.state.previous import PreviousState
from org_backup.rollout.mock_engine import RecordingMonitor, run_mocked
from org_backup.rollout.program import run_program

PROJECT = "org-backup"


@dataclass(frozen=True)
class EngineHeld:
    """What the engine holds for the stack when the update starts, built from `--previous`:
    the stack's last outputs (serialized: under `pulumi up` they live in the engine's process)
    and, when `--previous` is a `pulumi stack export`, that export, which the program reads as
    it reads the file `make up` exports. The caller keeps this, not the parsed previous state:
    the program parses its own copy of the outputs, as under `pulumi up`, and a second parsed
    copy held beside it for the whole run would only cost memory."""

    source: str
    stack_outputs_json: str
    exported: PreviousState | None

    @classmethod
    def of(cls, previous: PreviousState | None) -> EngineHeld | None:
        if previous is None:
            return None
        exported = previous if previous.state is not None else None
        return cls(previous.source, json.dumps(previous.stack_outputs()), exported)


def synthesize(coverage: Coverage, stack: str = "synth") -> dict[str, Any]:
    """The manifest the stack would export, plus `resources`: every registration, in name order."""
    return synthesize_program(lambda _previous: Adoption(coverage, ()), stack)[1]


def synthesize_program(
    resolve_coverage: Callable[[PreviousState | None], Adoption],
    stack: str = "synth",
    previous: EngineHeld | None = None,
    on_register: Callable[[str], None] | None = None,
    *,
    make_monitor: Callable[..., RecordingMonitor] = RecordingMonitor,
) -> tuple[Adoption, dict[str, Any]]:
    """`run_program` under the mocks, the engine holding `previous` (`EngineHeld.of` the
    previous state: its last output and, from a `pulumi stack export`, the export the program
    reads as `pulumi up` reads the one taken for it); returns what `resolve_coverage` made
    (its lookups done) and the manifest with `resources`. `on_register` is told each registration's type
    (for progress); `make_monitor` as for `run_mocked`."""
    saved = gc.get_threshold()  # run_program defers full collections while it registers
    planned: list[Adoption] = []
    source, exported = (previous.source, previous.exported) if previous else (None, None)

    async def program() -> Any:
        adoption, manifest = await run_program(resolve_coverage, source, exported)
        planned.append(adoption)
        return manifest

    try:
        manifest, resources = run_mocked(
            program,
            project=PROJECT,
            stack=stack,
            stack_outputs_json=previous.stack_outputs_json if previous else "{}",
            on_register=on_register,
            make_monitor=make_monitor,
        )
    finally:
        gc.set_threshold(*saved)
    return planned[0], {**manifest, "resources": resources}
