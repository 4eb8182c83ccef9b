"""The human-readable summary of bench.json, printed at the end of `make bench`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bench.targets import RUNS, Target


def render(results: Mapping[str, Any], targets: list[Target]) -> str:
    lines = [*_header(results), "", *_discovery(results["discovery"]), ""]
    lines += [*_synth(results["synth"]), ""]
    lines += [*_report(results["report"], results.get("browser")), "", "targets"]
    lines += [f"  {'PASS' if t.ok else 'FAIL'}  {t.name}: {t.detail}" for t in targets]
    lines += ["", f"total elapsed: {results['total_seconds']:.1f} s"]
    return "\n".join(lines) + "\n"


def _header(results: Mapping[str, Any]) -> list[str]:
    machine, org = results["machine"], results["organization"]
    return [
        f"org-backup bench, {machine['date']}: {machine['cpu_count']} CPUs ({machine['cpu_model']}),"
        f" {machine['memory_gib']} GiB, Python {machine['python']}, pulumi {machine['pulumi']},"
        f" pulumi-aws {machine['pulumi_aws']}, moto {machine['moto']}",
        "load average at the end (1, 5, 15 min): "
        + ", ".join(f"{load:.2f}" for load in machine["load_average"]),
        f"organization: {org['accounts']:,} accounts ({org['suspended']} suspended) in"
        f" {org['ous']} OUs, seeded into a moto server in {org['seed_seconds']:.1f} s",
    ]


def _discovery(discovery: Mapping[str, Any]) -> list[str]:
    default, opt_in = discovery["default_regions"], discovery["opt_in"]
    runs = {"default-enabled regions": default, f"with opt-in {opt_in['regions'][-1]}": opt_in}
    lines = [
        f"{'discovery':<34}{'wall s':>9}{'client CPU s':>14}{'retained MiB':>14}{'peak MiB':>10}"
        f"{'covered':>9}{'acct-regions':>14}{'requests':>10}{'clients':>9}"
    ]
    for label, run in runs.items():
        lines.append(
            f"  {label:<32}{run['seconds']:>9.1f}"
            f"{run['client_cpu_seconds']:>14.1f}{run['retained_mib']:>14,.0f}"
            f"{run['peak_mib']:>10,.0f}{run['covered']:>9,}"
            f"{run['account_regions']:>14,}"
            f"{run['requests_total']:>10,}{run['clients_total']:>9,}"
        )
    for label, run in runs.items():
        made = ", ".join(f"{service} {count:,}" for service, count in run["clients"].items())
        lines.append(f"  clients made, {label}: {made}")
    operations = sorted({*default["requests"], *opt_in["requests"], *default["expected_requests"]})
    lines.append(f"  {'requests per operation':<48}{'default':>9}{'expected':>10}{'opt-in':>9}")
    for operation in operations:
        lines.append(
            f"    {operation:<46}{default['requests'].get(operation, 0):>9,}"
            f"{default['expected_requests'].get(operation, 0):>10,}"
            f"{opt_in['requests'].get(operation, 0):>9,}"
        )
    return lines


def _synth(synth: Mapping[str, Any]) -> list[str]:
    """Per organization and run: wall seconds and peak RSS of synth and of the SDK floor (the
    fastest round, the lowest peak), the ratios, what the peak grew by above the baseline
    (interpreter, imports, input) per 1,000 resources, and the load average over the rounds."""
    lines = [
        f"{'synth (' + synth['mode'] + ')':<22}{'accounts':>9}{'resources':>10}{'entering':>9}"
        f"{'synth s':>9}{'floor s':>9}{'ratio':>7}{'synth MiB':>11}{'floor MiB':>11}"
        f"{'ratio':>7}{'MiB/1k res':>12}{'load':>11}"
    ]
    for size in synth["sizes"].values():
        floor = size["sdk_floor"]
        for run, label in RUNS.items():
            program, ratios = size[run], size["ratios"][run]
            resources = sum(program["types"].values())
            grown = (program["peak_rss_mib"] - program["baseline_rss_mib"]) / (resources / 1000)
            loads = [load for figures in (program, floor) for load in _loads(figures)]
            lines.append(
                f"  {label:<20}{size['accounts']:>9,}{resources:>10,}"
                f"{program['entering_accounts']:>9,}{program['seconds']:>9.1f}"
                f"{floor['seconds']:>9.1f}{ratios['time']:>6.2f}x"
                f"{program['peak_rss_mib']:>11,.0f}{floor['peak_rss_mib']:>11,.0f}"
                f"{ratios['memory']:>6.2f}x{grown:>12.1f}"
                f"{min(loads):>6.1f}-{max(loads):<4.1f}"
            )
    lines.append(
        f"  fastest of {synth['rounds']} interleaved rounds (new stack, --previous, floor);"
        " load: 1-minute load average at the start and end of each"
    )
    served = [
        f"{size['accounts']:,} accounts: {label} {_least(size[run], 'emulator_cpu_seconds')}"
        for size in synth["sizes"].values()
        for run, label in RUNS.items()
    ]
    lines.append("  the emulator's CPU s while synth ran (on the same 2 cores; the floor sends")
    lines.append("  no request): " + ", ".join(served))
    return lines


def _least(figures: Mapping[str, Any], key: str) -> str:
    values = [run[key] for run in figures["rounds"] if key in run]
    return f"{min(values):.1f} s" if values else "n/a"


def _loads(figures: Mapping[str, Any]) -> list[float]:
    return [load for run in figures["rounds"] for load in run["load_average"]]


def _report(report: Mapping[str, Any], page: Mapping[str, Any] | None) -> list[str]:
    timings = "  ".join(f"{name} {seconds:.2f} s" for name, seconds in report["seconds"].items())
    lines = [
        f"report from the synthesized manifest ({report['manifest_mib']:.1f} MiB,"
        f" {report['rows']:,} account-regions), slowest of {report['runs']} runs:",
        f"  {timings}",
    ]
    if page is None:
        return [*lines, "  HTML in a browser: skipped, no Chromium installed"]
    return [
        *lines,
        f"  HTML in {page['browser']} ({page['page_mib']} MiB, {page['rows']:,} rows), slowest of"
        f" {page['runs']}, load average {page['load_average']}:",
        f"    loaded {page['load_ms']} ms  table on screen {page['scroll_ms']} ms"
        f"  filter '{page['filter_word']}' {page['filter_ms']} ms ({page['shown']})"
        f"  clear {page['clear_ms']} ms  sort {page['sort_ms']} ms",
    ]
