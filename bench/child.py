"""What a measured child process reports: its wall time and its own peak memory.

Each program runs in its own process so that one's heap, imports and garbage do not inflate
the other's figures; the peak is read before anything is written, so output costs nothing.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from bench.memory import peak_rss_mib


def measure(work: Callable[[], Any]) -> tuple[Any, dict[str, float]]:
    """Run `work`; return its result with wall seconds, the peak RSS before it (imports and
    input loaded: the baseline) and the process's peak RSS after it."""
    baseline = peak_rss_mib()
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    return result, {
        "seconds": round(seconds, 2),
        "baseline_rss_mib": round(baseline, 1),
        "peak_rss_mib": round(peak_rss_mib(), 1),
    }


def type_counts(resources: Iterable[dict[str, Any]]) -> dict[str, int]:
    """Registrations per resource type, the fairness check between synth and the bare program."""
    return dict(sorted(Counter(entry["type"] for entry in resources).items()))


def emit(figures: dict[str, Any]) -> None:
    """One JSON line on stdout: the parent's only channel from a child."""
    sys.stdout.write(json.dumps(figures) + "\n")
