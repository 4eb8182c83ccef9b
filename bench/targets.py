"""The issue's targets, checked against the measured figures: each one passes or says why not."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MAX_SDK_RATIO = 1.3
MAX_REPORT_SECONDS = 2.0
MAX_PAGE_LOAD_MS = 3000  # the 4,000-row page loaded and painted, on a shared 2-core machine
MAX_PAGE_FILTER_MS = 1000  # one word typed into the filter, layout included
MAX_TOTAL_SECONDS = 300.0


@dataclass(frozen=True)
class Target:
    name: str
    ok: bool
    detail: str


def check_targets(results: Mapping[str, Any]) -> list[Target]:
    synth = results["synth"]
    return [
        _discovery(results["discovery"]["default_regions"]),
        _same_resources(synth["program"]["types"], synth["sdk_floor"]["types"]),
        _ratio("synth time within 1.3x of the SDK floor", synth["ratios"]["time"]),
        _ratio("synth peak memory within 1.3x of the SDK floor", synth["ratios"]["memory"]),
        *(_report(name, seconds) for name, seconds in results["report"]["seconds"].items()),
        *_browser(results.get("browser")),
        Target(
            "whole bench under 5 minutes",
            results["total_seconds"] < MAX_TOTAL_SECONDS,
            f"{results['total_seconds']:.0f} s (limit {MAX_TOTAL_SECONDS:.0f} s)",
        ),
    ]


def _discovery(run: Mapping[str, Any]) -> Target:
    """Exactly the paged walk of the OU tree plus one DescribeRegions: nothing per account."""
    expected, actual = run["expected_requests"], run["requests"]
    diff = {
        operation: f"{actual.get(operation, 0)} sent, {expected.get(operation, 0)} expected"
        for operation in sorted({*expected, *actual})
        if actual.get(operation, 0) != expected.get(operation, 0)
    }
    detail = "; ".join(f"{op}: {text}" for op, text in diff.items())
    return Target(
        "default regions: no per-account call, Organizations calls = pages only",
        not diff,
        detail or f"{sum(actual.values())} requests, as expected",
    )


def _same_resources(program: Mapping[str, int], floor: Mapping[str, int]) -> Target:
    """The comparison is only fair if the bare program registered the very same resources."""
    return Target(
        "SDK floor registers the same resources of each type",
        dict(program) == dict(floor),
        f"{sum(program.values())} resources" if program == floor else f"{program} vs {floor}",
    )


def _ratio(name: str, ratio: float) -> Target:
    return Target(name, ratio <= MAX_SDK_RATIO, f"{ratio:.2f}x (limit {MAX_SDK_RATIO}x)")


def _browser(page: Mapping[str, Any] | None) -> list[Target]:
    """Only where a browser ran: a skipped check is not a pass (the table says it was skipped)."""
    if page is None:
        return []
    return [
        Target(
            f"HTML, {page['rows']:,} rows: loaded in the browser under {MAX_PAGE_LOAD_MS} ms",
            page["load_ms"] < MAX_PAGE_LOAD_MS,
            f"{page['load_ms']} ms (load average {page['load_average']})",
        ),
        Target(
            f"HTML, {page['rows']:,} rows: a filter word applied under {MAX_PAGE_FILTER_MS} ms",
            page["filter_ms"] < MAX_PAGE_FILTER_MS,
            f"{page['filter_ms']} ms ({page['shown']})",
        ),
    ]


def _report(format_name: str, seconds: float) -> Target:
    return Target(
        f"report --format {format_name} under 2 s",
        seconds < MAX_REPORT_SECONDS,
        f"{seconds:.2f} s",
    )
