"""Discovery of the seeded organization: wall time, client CPU and every AWS request it sent."""

from __future__ import annotations

import gc
import math
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from bench.calls import counted_requests
from bench.memory import peak_rss_mib, reset_peak, rss_mib
from org_backup.coverage.model import Coverage
from org_backup.coverage.pipeline import load_coverage
from org_backup.demo.seed import ROOT, DemoSpec

DEFAULT_REGIONS = ("us-east-1", "eu-west-1", "us-west-2", "ap-southeast-2")
OPT_IN_REGIONS = ("us-east-1", "eu-west-1", "us-west-2", "ap-east-1")  # not opted in, in moto
PAGE_SIZE = 20  # the default page of ListAccountsForParent and ListOrganizationalUnitsForParent
FLAT_PAGE_SIZE = 100  # moto's page of ListAccounts (AWS answers at most 20 a page)


@dataclass(frozen=True)
class DiscoveryRun:
    regions: tuple[str, ...]
    seconds: float
    cpu_seconds: float  # this process only: the emulator runs in its own
    retained_mib: float  # still resident once discovery has returned and garbage is collected
    peak_mib: float  # the most resident during discovery, above what was resident before it
    requests: dict[str, int]
    clients: dict[str, int]  # boto3 clients made, by service
    plan: Coverage

    def figures(self) -> dict[str, Any]:
        return {
            "regions": list(self.regions),
            "seconds": round(self.seconds, 2),
            "client_cpu_seconds": round(self.cpu_seconds, 2),
            "retained_mib": round(self.retained_mib, 1),
            "peak_mib": round(self.peak_mib, 1),
            "clients": self.clients,
            "clients_total": sum(self.clients.values()),
            "accounts": len(self.plan.accounts),
            "covered": len(self.plan.covered),
            "account_regions": sum(len(account.regions) for account in self.plan.covered),
            "requests": self.requests,
            "requests_total": sum(self.requests.values()),
        }


def discover(regions: tuple[str, ...], accounts_dir: Path) -> DiscoveryRun:
    """`load_coverage` as `discover` and `synth` run it, with `regions` as the stack's setting."""
    gc.collect()
    before = rss_mib()
    session = boto3.Session()
    clients: Counter[str] = Counter()  # every client is made from this session, assumed roles too
    session.events.register(
        "creating-client-class",
        lambda event_name, **_: clients.update([event_name.removeprefix("creating-client-class.")]),
    )
    reset_peak()
    with counted_requests() as counts:
        start, cpu = time.perf_counter(), time.process_time()
        plan = load_coverage(
            accounts_dir, {"regions": list(regions)}, session, stack_source="bench"
        )
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    peak = peak_rss_mib() - before
    gc.collect()
    retained = rss_mib() - before
    return DiscoveryRun(
        regions,
        seconds,
        cpu_seconds,
        retained,
        peak,
        dict(sorted(counts.items())),
        dict(sorted(clients.items())),
        plan,
    )


def expected_requests(spec: DemoSpec) -> dict[str, int]:
    """All discovery may send with default-enabled regions: one paged walk of the seeded OU tree
    (per parent, one listing of child OUs and one of accounts), the flat listing of every
    account that checks the walk, the organization, its root, and one ec2:DescribeRegions. The
    management account, made by CreateOrganization, is in the root.
    """
    accounts = Counter(account.ou_path for account in spec.accounts)
    accounts[ROOT] += 1
    child_ous = Counter(path.rpartition("/")[0] for path in spec.ou_paths)
    parents = [ROOT, *spec.ou_paths]

    def pages(items: int, size: int = PAGE_SIZE) -> int:
        return max(1, math.ceil(items / size))  # an empty listing is still one call

    return {
        "ec2:DescribeRegions": 1,
        "organizations:DescribeOrganization": 1,
        "organizations:ListAccounts": pages(len(spec.accounts) + 1, FLAT_PAGE_SIZE),
        "organizations:ListAccountsForParent": sum(pages(accounts[p]) for p in parents),
        "organizations:ListOrganizationalUnitsForParent": sum(pages(child_ous[p]) for p in parents),
        "organizations:ListRoots": 1,
    }
