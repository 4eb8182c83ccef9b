"""This process's memory as Linux accounts it (/proc/self/status), in MiB."""

from __future__ import annotations

from pathlib import Path


def _status_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024  # kB
    raise RuntimeError(f"no {field} in /proc/self/status")


def rss_mib() -> float:
    """Resident now."""
    return _status_mib("VmRSS")


def peak_rss_mib() -> float:
    """The high-water mark (VmHWM). Not getrusage's ru_maxrss: on Linux a child's starts from
    its parent's peak, since the child is forked from the parent before it execs."""
    return _status_mib("VmHWM")


def reset_peak() -> None:
    """Start a new high-water mark here (Linux: writing 5 to /proc/self/clear_refs), so that
    `peak_rss_mib` measures one step, not the process's life."""
    Path("/proc/self/clear_refs").write_text("5")
