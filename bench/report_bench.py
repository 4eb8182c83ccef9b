"""Child process: `report` in every format on the synthesized 1,000-account manifest.

A child of its own, so the bench's heap (the emulator's clients, discovery's leftovers) does not
slow the collector down here. Each run is the command's whole work minus interpreter start-up:
read and validate the manifest, check every account-region, render. Every check is on, so every
row carries findings: the most work a format can be asked for.

    python -m bench.report_bench MANIFEST.json REGION...
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from bench.child import emit
from org_backup.reporting.checks import build_report
from org_backup.reporting.formats import FORMATS, render
from org_backup.reporting.inputs import read_inputs
from org_backup.reporting.model import Thresholds

RUNS = 3  # the slowest is kept: the target is a ceiling


def time_formats(manifest: Path, regions: tuple[str, ...]) -> dict[str, float]:
    """Seconds per format, the slowest of RUNS runs."""
    thresholds = Thresholds(
        min_retention_days=35,
        required_regions=regions,
        require_vault_lock=True,
        max_interval_hours=24,
    )
    seconds = {}
    for format_name in FORMATS:
        runs = []
        for _ in range(RUNS):
            start = time.perf_counter()
            render(build_report(read_inputs([str(manifest)]), thresholds), format_name)
            runs.append(time.perf_counter() - start)
        seconds[format_name] = round(max(runs), 3)
    return seconds


if __name__ == "__main__":
    emit({"runs": RUNS, "seconds": time_formats(Path(sys.argv[1]), tuple(sys.argv[2:]))})
