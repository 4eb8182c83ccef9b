"""`make bench`: the 1,000-account benchmark. Prints a table, writes build/bench.json, and exits 1
when a target is missed (the table says which).

One step after the other, so no measurement shares the 2 cores with another. For 400, then
1,000 accounts in 20 OUs: a moto server (child process) seeded with them; at 1,000, discovery
with default-enabled regions, then with one opt-in region; then, in two interleaved rounds,
`synth` of a new stack (every vault looked up for adoption), `synth --previous` with that run's
manifest, and the SDK floor replaying the resource graph synth registered (recorded once, not
timed: bench/record_child.py), each in a child of its own. Then `report` in every format on the 1,000-account manifest;
and, where a Chromium is installed, that 4,000-row HTML report loaded and filtered in the browser.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `python bench/run.py` puts bench/, not the repository root, on the path.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import dataclasses
import json
import os
import subprocess
import tempfile
import time
from typing import Any

import boto3

from bench.browser import find_browser, page_timings
from bench.discovery import DEFAULT_REGIONS, OPT_IN_REGIONS, discover, expected_requests
from bench.emulator import Emulator, emulator
from bench.machine import machine_info, seconds_since_start
from bench.table import render
from bench.targets import RUNS, check_targets
from org_backup.coverage.model import Coverage
from org_backup.demo.seed import scaled_spec, seed_organization
from org_backup.demo.server import client_environ

ROOT = Path(__file__).resolve().parent.parent
ACCOUNTS, OUS = 1000, 20
SYNTH_SIZES = (400, ACCOUNTS)  # organizations synthesized, each seeded into an emulator of its own
ROUNDS = 2  # of each synth run and the floor, interleaved
OUT = ROOT / "build" / "bench.json"
HTML = ROOT / "build" / "bench-report.html"


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="org-backup-bench-") as scratch:
        results = collect_figures(Path(scratch))
    results["total_seconds"] = round(seconds_since_start(), 1)
    targets = check_targets(results)
    results["targets"] = [dataclasses.asdict(target) for target in targets]
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n")
    sys.stdout.write(render(results, targets))
    print(f"wrote {OUT}")
    missed = [target.name for target in targets if not target.ok]
    for name in missed:
        print(f"target missed: {name}", file=sys.stderr)
    return 1 if missed else 0


def collect_figures(scratch: Path) -> dict[str, Any]:
    accounts_dir = scratch / "accounts"  # empty: every account on the organization's defaults
    accounts_dir.mkdir()
    synth: dict[str, Any] = {}
    for size in SYNTH_SIZES:
        spec = scaled_spec(size, OUS)
        with emulator(ROOT) as server:
            _point_boto3_at(server.endpoint)
            _step(f"seeding {size:,} accounts in {OUS} OUs")
            start = time.perf_counter()
            seed_organization(boto3.Session(), spec)
            seed_seconds = time.perf_counter() - start
            _step(f"{size:,} accounts: discovery, default-enabled regions")
            default = discover(DEFAULT_REGIONS, accounts_dir)
            if size == ACCOUNTS:
                organization = {
                    "accounts": ACCOUNTS,
                    "ous": OUS,
                    "suspended": sum(account.suspended for account in spec.accounts),
                    "seed_seconds": round(seed_seconds, 1),
                }
                _step(f"discovery, with the opt-in region {OPT_IN_REGIONS[-1]}")
                opt_in = discover(OPT_IN_REGIONS, accounts_dir)
                discovery = {
                    "default_regions": {
                        **default.figures(),
                        "expected_requests": expected_requests(spec),
                    },
                    "opt_in": opt_in.figures(),
                }
            synth[str(size)] = _synth_figures(
                size, scratch / str(size), accounts_dir, default.plan, server
            )

    manifest_path = scratch / str(ACCOUNTS) / "new-stack.json"
    _step("report, every format (child process)")
    HTML.parent.mkdir(exist_ok=True)
    report = _child("bench.report_bench", manifest_path, HTML, *DEFAULT_REGIONS)
    _step("the HTML report in a browser")
    browser = _browser_figures()
    return {
        "machine": machine_info(),
        "organization": organization,
        "discovery": discovery,
        "synth": {"mode": "sequential", "rounds": ROUNDS, "sizes": synth},
        "report": {
            "manifest_mib": round(manifest_path.stat().st_size / 2**20, 1),
            "rows": discovery["default_regions"]["account_regions"],
            **report,
        },
        "browser": browser,
    }


def _synth_figures(
    size: int, scratch: Path, accounts_dir: Path, plan: Coverage, server: Emulator
) -> dict[str, Any]:
    """`synth` of a new stack (every account enters: its vaults are looked up), `synth
    --previous` with that run's manifest (none enters) and the SDK floor replaying the graph
    synth registered, each in a child of its own, one after the other, in ROUNDS rounds (A B A
    B), so that what else runs on the machine weighs on all three alike; each keeps its fastest
    round and its lowest peak. Each synth run also reports the emulator's CPU seconds while it
    ran: what answering its AWS calls took of the 2 cores it shares with the run."""
    scratch.mkdir()
    regions = json.dumps(list(DEFAULT_REGIONS))
    new_manifest, next_manifest = scratch / "new-stack.json", scratch / "previous.json"
    graph, floor_resources = scratch / "graph.json", scratch / "floor-resources.json"
    label = f"{size:,} accounts"
    rounds: dict[str, list[dict[str, Any]]] = {run: [] for run in (*RUNS, "sdk_floor")}
    for round_ in range(1, ROUNDS + 1):
        step = f"{label}, round {round_}/{ROUNDS}:"
        _step(f"{step} synth of a new stack (child process)")
        rounds["new_stack"].append(
            _served(server, "bench.synth_child", accounts_dir, regions, new_manifest)
        )
        _step(f"{step} synth --previous (child process)")
        rounds["previous"].append(
            _served(server, "bench.synth_child", accounts_dir, regions, next_manifest, new_manifest)
        )
        if round_ == 1:
            _step(f"{label}: the graph synth --previous registers, recorded (not measured)")
            _child("bench.record_child", accounts_dir, regions, graph, new_manifest)
        _step(f"{step} SDK floor, the graph replayed (child process)")
        floor_run = _child("bench.bare_child", graph, floor_resources)
        # against this round's --previous: the floor's registrations, resource by resource
        rounds["sdk_floor"].append(
            {**floor_run, "differences": _differences(next_manifest, floor_resources)}
        )
    runs = {run: _best(figures) for run, figures in rounds.items()}
    floor = runs["sdk_floor"]
    return {
        "accounts": size,  # seeded member accounts; the management account is one more
        "covered": len(plan.covered),
        **runs,
        "ratios": {
            run: {
                "time": round(runs[run]["seconds"] / floor["seconds"], 2),
                "memory": round(runs[run]["peak_rss_mib"] / floor["peak_rss_mib"], 2),
            }
            for run in RUNS
        },
    }


def _differences(manifest: Path, floor_resources: Path) -> list[str]:
    """Where the floor's registrations differ from synth's, the first few: empty when the floor
    registered exactly the same resources."""
    program = {_key(entry): entry for entry in json.loads(manifest.read_text())["resources"]}
    floor = {_key(entry): entry for entry in json.loads(floor_resources.read_text())}
    found = [
        f"{' '.join(name)}: {key} {json.dumps(program[name].get(key))[:200]} vs"
        f" {json.dumps(floor[name].get(key))[:200]}"
        for name in sorted(program.keys() & floor.keys())
        for key in sorted(program[name].keys() | floor[name].keys())
        if program[name].get(key) != floor[name].get(key)
    ]
    found += [f"{' '.join(name)}: only in synth" for name in sorted(program.keys() - floor.keys())]
    found += [
        f"{' '.join(name)}: only in the floor" for name in sorted(floor.keys() - program.keys())
    ]
    return found[:5]


def _key(entry: dict[str, Any]) -> tuple[str, str]:
    return entry["type"], entry["name"]


def _best(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The fastest round's time and the lowest peak, with every round's figures beside them."""
    keep = (
        "seconds",
        "cpu_seconds",
        "peak_rss_mib",
        "baseline_rss_mib",
        "load_average",
        "registrations_sha256",
        "emulator_cpu_seconds",  # synth runs only
    )
    return {
        **rounds[0],
        "seconds": min(figures["seconds"] for figures in rounds),
        "peak_rss_mib": min(figures["peak_rss_mib"] for figures in rounds),
        "rounds": [{key: figures[key] for key in keep if key in figures} for figures in rounds],
    }


def _browser_figures() -> dict[str, Any] | None:
    """Load and filter times of the 4,000-row page; None (and a note) without a browser."""
    browser = find_browser()
    if browser is None:
        print(
            "browser check skipped: no Chromium installed (see bench/browser.py)", file=sys.stderr
        )
        return None
    return {"browser": browser, "page": str(HTML.relative_to(ROOT))} | page_timings(
        browser, HTML, DEFAULT_REGIONS[1]
    )


def _point_boto3_at(endpoint: str) -> None:
    """Fake credentials and the emulator only; no ORG_BACKUP_* setting may change the plan."""
    environ = client_environ(endpoint)
    os.environ.clear()
    os.environ.update({k: v for k, v in environ.items() if not k.startswith("ORG_BACKUP_")})


def _served(server: Emulator, module: str, *args: Path | str) -> dict[str, Any]:
    """`_child`, with the emulator's CPU seconds while the child ran."""
    before = server.cpu_seconds()
    figures = _child(module, *args)
    return {**figures, "emulator_cpu_seconds": round(server.cpu_seconds() - before, 2)}


def _child(module: str, *args: Path | str) -> dict[str, Any]:
    """Run one measured child; its figures are the JSON line it prints last, with the load
    average (1 minute) when it started and when it ended."""
    started = os.getloadavg()[0]
    done = subprocess.run(
        [sys.executable, "-m", module, *map(str, args)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{module} failed with exit code {done.returncode}")
    figures = json.loads(done.stdout.splitlines()[-1])
    return {**figures, "load_average": [round(started, 2), round(os.getloadavg()[0], 2)]}


def _step(message: str) -> None:
    print(f"[{seconds_since_start():6.1f} s] {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
