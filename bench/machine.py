"""What the figures were measured on, and how long this process has been running."""

from __future__ import annotations

import datetime
import os
import platform
from importlib.metadata import version
from pathlib import Path
from typing import Any


def machine_info() -> dict[str, Any]:
    """Enough to compare two bench.json files: hardware, load, interpreter, the pinned SDKs."""
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu_count": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gib": round(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30, 1),
        # 1, 5 and 15 minutes when the bench ends: the cores are shared, this says how busy
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "platform": platform.platform(),
        "python": platform.python_version(),
        "pulumi": version("pulumi"),
        "pulumi_aws": version("pulumi-aws"),
        "boto3": version("boto3"),
        "moto": version("moto"),
    }


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.partition(":")[2].strip()
    return platform.processor() or "unknown"


def seconds_since_start() -> float:
    """Wall time since this process started (Linux), interpreter start-up and imports included,
    so the total printed is what `make bench` took."""
    fields = Path("/proc/self/stat").read_text().rpartition(")")[2].split()
    started = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22: start time, in ticks
    uptime = float(Path("/proc/uptime").read_text().split()[0])
    return uptime - started
