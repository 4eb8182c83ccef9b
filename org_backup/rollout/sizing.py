"""How many shards an organization needs, from the memory of the runner that deploys a shard.

A shard's `pulumi up` starts one `pulumi-resource-aws` process per account, because every
explicit provider with its own configuration gets its own plugin process (pulumi/pulumi#19534),
and all of them stay alive while the update runs. Reported sizes of one such process:
~170 MB (pulumi/pulumi-aws#5226), 317-430 MB with pulumi-aws 7.3.1 (pulumi/pulumi-aws#5860).
That, not this program (about 60 MiB per 1,000 resources under `make bench`), bounds a shard.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

# The high end reported for pulumi-aws 7.x (pulumi/pulumi-aws#5860): size for the worst case.
PROVIDER_MIB = 430
# The CLI, the Python program at a few thousand resources, and the OS.
RESERVE_MIB = 2048
# GitHub Actions runs at most 256 jobs of one matrix per workflow run.
MAX_MATRIX_JOBS = 256
# Rendezvous hashing spreads accounts like a multinomial draw: keep the largest shard, not the
# average one, within memory (mean + 3 standard deviations).
SPREAD_SIGMAS = 3


@dataclass(frozen=True)
class Sizing:
    accounts: int
    capacity: int  # accounts whose provider processes fit in one runner
    shard_count: int
    expected_largest: int  # accounts in the largest shard, at 3 standard deviations
    resources_per_shard: int  # at the expected largest shard

    @property
    def fits_one_matrix(self) -> bool:
        return self.shard_count <= MAX_MATRIX_JOBS


@dataclass(frozen=True)
class Footprint:
    """What one covered account registers: `account` resources once, `region` in each of its
    regions. Organization-level resources (the central vaults, the alerts' bus and topic, the
    SCP) come once per stack, beside these."""

    account: int
    region: int

    def resources(self, regions: int) -> int:
        return self.account + self.region * regions

    def __add__(self, other: Footprint) -> Footprint:
        return Footprint(self.account + other.account, self.region + other.region)


# Counted from synths, not derived: tests/rollout/test_sizing.py synthesizes one account in
# one and in two regions with each feature alone, and with all of them, and compares.
# The AccountBackup component, its provider, the service role and its 2 policy attachments;
# per region a vault, a plan and a selection.
BARE = Footprint(account=5, region=3)
FEATURES: dict[str, Footprint] = {
    "vault_lock": Footprint(account=0, region=1),  # the lock configuration
    # Copy actions are rules of the plan: nothing more in the account (the central vaults,
    # their policies and shares are the organization's).
    "copies": Footprint(account=0, region=0),
    # The forwarder role and its inline policy; per region a rule and its target.
    "alerts": Footprint(account=2, region=2),
    "restore_testing": Footprint(account=0, region=2),  # per region a plan and a selection
    # The vault's access policy (a member's: the management account's vaults get none).
    "guardrails": Footprint(account=0, region=1),
    # The Backup Audit Manager framework (the report plans are shard 0's, once).
    "audit_frameworks": Footprint(account=0, region=1),
}


def footprint(features: Collection[str] = ()) -> Footprint:
    """An account's resources with `features` (keys of FEATURES) on; raises KeyError for an
    unknown one."""
    total = BARE
    for feature in features:
        total += FEATURES[feature]
    return total


def resources_per_account(regions: int, features: Collection[str] = ()) -> int:
    """Resources of one covered account in `regions` regions, with `features` on."""
    return footprint(features).resources(regions)


def size(
    accounts: int,
    runner_mib: int,
    provider_mib: int = PROVIDER_MIB,
    reserve_mib: int = RESERVE_MIB,
    regions: int = 4,
    features: Collection[str] = (),
) -> Sizing:
    """The fewest shards whose largest shard's provider processes fit in `runner_mib`.

    Raises ValueError when not even one account fits.
    """
    capacity = (runner_mib - reserve_mib) // provider_mib
    if capacity < 1:
        raise ValueError(
            f"{runner_mib} MiB leaves no room for one provider process of {provider_mib} MiB"
            f" after {reserve_mib} MiB for the CLI, the program and the OS"
        )
    shards = max(1, math.ceil(accounts / capacity))
    while _largest(accounts, shards) > capacity:
        shards += 1
    largest = _largest(accounts, shards)
    return Sizing(
        accounts=accounts,
        capacity=capacity,
        shard_count=shards,
        expected_largest=largest,
        resources_per_shard=largest * resources_per_account(regions, features),
    )


def _largest(accounts: int, shards: int) -> int:
    if shards == 1:
        return accounts
    mean = accounts / shards
    spread = SPREAD_SIGMAS * math.sqrt(mean * (1 - 1 / shards))
    return min(accounts, math.ceil(mean + spread))
