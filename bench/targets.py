"""The issue's targets, checked against the measured figures: each one passes or says why not."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MAX_SDK_RATIO = 1.1
# Memory that grows with the accounts entering coverage: a new stack (all enter) against the
# same organization with --previous (none enters), as a share of the floor's peak.
MAX_ENTERING_GROWTH = 0.05
RUNS = {"new_stack": "new stack", "previous": "--previous"}
MAX_REPORT_SECONDS = 2.0
MAX_PAGE_LOAD_MS = 3000  # the 4,000-row page loaded and painted, on a shared 2-core machine
MAX_PAGE_FILTER_MS = 1000  # one word typed into the filter, layout included
MAX_TOTAL_SECONDS = 600.0  # two interleaved rounds of every synth run and the floor, at two sizes


@dataclass(frozen=True)
class Target:
    name: str
    ok: bool
    detail: str


def check_targets(results: Mapping[str, Any]) -> list[Target]:
    return [
        _discovery(results["discovery"]["default_regions"]),
        *(target for size in results["synth"]["sizes"].values() for target in _synth(size)),
        *(_report(name, seconds) for name, seconds in results["report"]["seconds"].items()),
        *_browser(results.get("browser")),
        Target(
            f"whole bench under {MAX_TOTAL_SECONDS / 60:.0f} minutes",
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


def _synth(size: Mapping[str, Any]) -> list[Target]:
    """Per run (new stack, --previous): the same resources as the floor, time and peak memory
    within MAX_SDK_RATIO of it; and the new stack's peak not above --previous's by more than
    MAX_ENTERING_GROWTH of the floor's."""
    accounts, floor = f"{size['accounts']:,} accounts", size["sdk_floor"]
    targets = []
    for run, label in RUNS.items():
        program, ratios = size[run], size["ratios"][run]
        name = f"{accounts}, {label}"
        targets += [
            _same_resources(name, program, floor),
            _ratio(f"{name}: synth time within {MAX_SDK_RATIO}x of the SDK floor", ratios["time"]),
            _ratio(
                f"{name}: synth peak memory within {MAX_SDK_RATIO}x of the SDK floor",
                ratios["memory"],
            ),
        ]
    grown = size["new_stack"]["peak_rss_mib"] - size["previous"]["peak_rss_mib"]
    limit = MAX_ENTERING_GROWTH * floor["peak_rss_mib"]
    targets.append(
        Target(
            f"{accounts}: peak memory does not grow with the entering accounts",
            grown <= limit,
            f"new stack ({size['new_stack']['entering_accounts']:,} entering) minus --previous"
            f" ({size['previous']['entering_accounts']:,} entering): {grown:+,.0f} MiB"
            f" (limit {limit:+,.0f} MiB, {MAX_ENTERING_GROWTH:.0%} of the floor's peak)",
        )
    )
    return targets


def _same_resources(name: str, program: Mapping[str, Any], floor: Mapping[str, Any]) -> Target:
    """The comparison is only fair if the floor registered the very same resources: types,
    names, parents, providers, inputs and options (the digest of synth's `resources` list)."""
    same = program["registrations_sha256"] == floor["registrations_sha256"]
    count = f"{sum(program['types'].values())} resources"
    if same:
        detail = f"{count}, identical registrations"
    elif program["types"] == floor["types"]:
        differences = "; ".join(floor["differences"]) or "in another round"
        detail = f"{count} of the same types, but registrations differ: {differences}"
    else:
        detail = f"{program['types']} vs {floor['types']}"
    return Target(f"{name}: SDK floor registers the same resources", same, detail)


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
