"""Child process: `report` in every format on the synthesized 1,000-account manifest.

A child of its own, so the bench's heap (the emulator's clients, discovery's leftovers) does not
slow the collector down here. Each run is the command's whole work minus interpreter start-up:
read and validate the manifest (and hash it), check every account-region, render. Every check is
on and the manifest is a synth output, so every row carries findings (`not deployed` among
them): the most work a format can be asked for. One more figure: Markdown with `--since` an
earlier JSON report of the same organization (read, compared finding by finding). The HTML is
written to HTML_OUT for the parent's browser check.

    python -m bench.report_bench MANIFEST.json HTML_OUT REGION...
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from bench.child import emit
from org_backup.reporting.checks import build_report
from org_backup.reporting.formats import FORMATS, render
from org_backup.reporting.inputs import read_inputs
from org_backup.reporting.kinds import Thresholds
from org_backup.reporting.since import read_earlier, with_changes

RUNS = 3  # the slowest is kept: the target is a ceiling


def time_formats(manifest: Path, html_out: Path, regions: tuple[str, ...]) -> dict[str, float]:
    """Seconds per format, and for Markdown with --since, the slowest of RUNS runs."""
    thresholds = Thresholds(
        min_retention_days=35,
        required_regions=regions,
        require_vault_lock=True,
        max_interval_hours=24,
    )

    def report() -> object:
        return build_report(read_inputs([str(manifest)]), thresholds)

    seconds = {}
    for format_name in FORMATS:
        runs = []
        for _ in range(RUNS):
            start = time.perf_counter()
            text = render(report(), format_name)
            runs.append(time.perf_counter() - start)
        seconds[format_name] = round(max(runs), 3)
        if format_name == "html":
            html_out.write_text(text, encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="org-backup-since-") as scratch:
        earlier = Path(scratch) / "earlier.json"
        earlier.write_text(render(report(), "json"), encoding="utf-8")
        runs = []
        for _ in range(RUNS):
            start = time.perf_counter()
            render(with_changes(report(), read_earlier(str(earlier))), "markdown")
            runs.append(time.perf_counter() - start)
        seconds["markdown --since"] = round(max(runs), 3)
    return seconds


if __name__ == "__main__":
    manifest, html_out, *regions = sys.argv[1:]
    emit({"runs": RUNS, "seconds": time_formats(Path(manifest), Path(html_out), tuple(regions))})
