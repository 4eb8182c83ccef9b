"""`make bench`: the 1,000-account benchmark. Prints a table, writes build/bench.json, and exits 1
when a target is missed (the table says which).

One step after the other, so no measurement shares the 2 cores with another: a moto server
(child process) seeded with 1,000 accounts in 20 OUs; discovery with default-enabled regions, then
with one opt-in region; `synth` of the default-regions plan and the bare SDK floor, each in a child
of its own, one after the other; `report` in every format on the synthesized manifest; and, where
a Chromium is installed, that 4,000-row HTML report loaded and filtered in the browser.
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
from bench.emulator import emulator
from bench.machine import machine_info, seconds_since_start
from bench.table import render
from bench.targets import check_targets
from org_backup.coverage.model import Coverage
from org_backup.demo.seed import scaled_spec, seed_organization
from org_backup.demo.server import client_environ

ROOT = Path(__file__).resolve().parent.parent
ACCOUNTS, OUS = 1000, 20
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
    spec = scaled_spec(ACCOUNTS, OUS)
    accounts_dir = scratch / "accounts"  # empty: every account on the organization's defaults
    accounts_dir.mkdir()
    with emulator(ROOT) as endpoint:
        _point_boto3_at(endpoint)
        _step(f"seeding {ACCOUNTS:,} accounts in {OUS} OUs")
        start = time.perf_counter()
        seed_organization(boto3.Session(), spec)
        seed_seconds = time.perf_counter() - start
        _step("discovery, default-enabled regions")
        default = discover(DEFAULT_REGIONS, accounts_dir)
        _step(f"discovery, with the opt-in region {OPT_IN_REGIONS[-1]}")
        opt_in = discover(OPT_IN_REGIONS, accounts_dir)

    plan_path, shape_path = scratch / "plan.json", scratch / "shape.json"
    manifest_path = scratch / "manifest.json"
    plan_path.write_text(default.plan.model_dump_json())
    shape_path.write_text(json.dumps(_shape(default.plan)))
    _step("synth of the whole organization (child process)")
    program = _child("bench.synth_child", plan_path, manifest_path)
    _step("SDK floor: the bare program (child process)")
    floor = _child("bench.bare_child", shape_path)
    _step("report, every format (child process)")
    HTML.parent.mkdir(exist_ok=True)
    report = _child("bench.report_bench", manifest_path, HTML, *DEFAULT_REGIONS)
    _step("the HTML report in a browser")
    browser = _browser_figures()
    default_figures = default.figures()
    return {
        "machine": machine_info(),
        "organization": {
            "accounts": ACCOUNTS,
            "ous": OUS,
            "suspended": sum(account.suspended for account in spec.accounts),
            "seed_seconds": round(seed_seconds, 1),
        },
        "discovery": {
            "default_regions": {**default_figures, "expected_requests": expected_requests(spec)},
            "opt_in": opt_in.figures(),
        },
        "synth": {
            "mode": "sequential",
            "program": program,
            "sdk_floor": floor,
            "ratios": {
                "time": round(program["seconds"] / floor["seconds"], 2),
                "memory": round(program["peak_rss_mib"] / floor["peak_rss_mib"], 2),
            },
        },
        "report": {
            "manifest_mib": round(manifest_path.stat().st_size / 2**20, 1),
            "rows": default_figures["account_regions"],
            **report,
        },
        "browser": browser,
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


def _shape(plan: Coverage) -> list[dict[str, Any]]:
    """What the bare program needs to register the same resources: accounts and their regions."""
    return [
        {
            "account_id": account.account_id,
            "regions": list(account.regions),
            "locked": account.policy is not None and account.policy.vault_lock is not None,
        }
        for account in plan.covered
    ]


def _child(module: str, *args: Path | str) -> dict[str, Any]:
    """Run one measured child; its figures are the JSON line it prints last."""
    done = subprocess.run(
        [sys.executable, "-m", module, *map(str, args)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{module} failed with exit code {done.returncode}")
    return json.loads(done.stdout.splitlines()[-1])


def _step(message: str) -> None:
    print(f"[{seconds_since_start():6.1f} s] {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
