"""Child process: what `synth` runs, timed alone (no interpreter start-up, no import, no output).

`synth --accounts-dir ACCOUNTS [--previous PREVIOUS]` against the emulator: the previous state
read, discovery, the vault lookups of every entering account-region (a new stack: all of them;
with the manifest of an earlier synth as `--previous`: none), registration under the mock
engine and the manifest. The stack's config sets only the regions.

    python -m bench.synth_child ACCOUNTS_DIR REGIONS_JSON MANIFEST_OUT [PREVIOUS]
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3

from bench.child import emit, measure, registrations
from org_backup.coverage.adoption import Adoption
from org_backup.coverage.pipeline import load_rollout_coverage
from org_backup.coverage.state.previous import PreviousState, read_previous
from org_backup.rollout.mock_engine import RecordingMonitor
from org_backup.rollout.synthesize import EngineHeld, synthesize_program

STACK = "bench"


def synth(
    accounts_dir: Path,
    regions: list[str],
    previous_path: str | None,
    make_monitor: Callable[..., RecordingMonitor] = RecordingMonitor,
) -> dict[str, Any]:
    """`commands/synth.run` without its summary and its file: the manifest with `resources`.
    `make_monitor`: the mock engine's monitor (bench/record_child.py records the graph)."""
    previous = EngineHeld.of(read_previous(previous_path)) if previous_path else None
    entering: list[int] = []

    def resolve_coverage(previous_state: PreviousState | None) -> Adoption:
        adoption = load_rollout_coverage(
            accounts_dir, {"regions": regions}, boto3.Session(), previous_state, stack_source=STACK
        )
        covered_before = previous_state.covered if previous_state is not None else {}
        entering.append(sum(a.account_id not in covered_before for a in adoption.coverage.covered))
        return adoption

    _, result = synthesize_program(resolve_coverage, STACK, previous, make_monitor=make_monitor)
    return {**result, "entering_accounts": entering[0]}


def main(accounts_dir: Path, regions: list[str], manifest_path: Path, previous: str | None) -> None:
    result, figures = measure(lambda: synth(accounts_dir, regions, previous))
    entering = result.pop("entering_accounts")
    resources = result["resources"]
    emit({**figures, "entering_accounts": entering, **registrations(resources)})
    manifest_path.write_text(json.dumps(result))  # the next run's --previous, and the report's


if __name__ == "__main__":
    main(
        Path(sys.argv[1]),
        json.loads(sys.argv[2]),
        Path(sys.argv[3]),
        sys.argv[4] if len(sys.argv) > 4 else None,
    )
