"""What a measured child process reports: its wall time and its own peak memory.

Each program runs in its own process so that one's heap, imports and garbage do not inflate
the other's figures; the peak is read before anything is written, so output costs nothing.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from bench.memory import peak_rss_mib


def measure(work: Callable[[], Any]) -> tuple[Any, dict[str, float]]:
    """Run `work`; return its result with wall seconds, CPU seconds (all of the process's
    threads: what contention for the cores does not inflate), the peak RSS before it (imports
    and input loaded: the baseline) and the process's peak RSS after it."""
    baseline = peak_rss_mib()
    start, cpu = time.perf_counter(), time.process_time()
    result = work()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return result, {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "baseline_rss_mib": round(baseline, 1),
        "peak_rss_mib": round(peak_rss_mib(), 1),
    }


def registrations(resources: list[dict[str, Any]]) -> dict[str, Any]:
    """The fairness check between synth and the floor: registrations per resource type, and a
    digest of every registration (type, name, parent, provider, inputs, options) in name order."""
    types = dict(sorted(Counter(entry["type"] for entry in resources).items()))
    digest = hashlib.sha256(json.dumps(resources, sort_keys=True).encode()).hexdigest()
    return {"types": types, "registrations_sha256": digest}


def emit(figures: dict[str, Any]) -> None:
    """One JSON line on stdout: the parent's only channel from a child."""
    sys.stdout.write(json.dumps(figures) + "\n")
