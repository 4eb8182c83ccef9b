"""Whom the audit reaches and where it looks. Pure: the coverage, the settings and the files in.

Covered accounts are audited in their covered regions and scanned for tagged file systems in
the scan regions. Accounts skipped by policy but still active (excluded, outside the target
OUs, not listed, the management account) are scanned too: a tagged file system there is
unprotected. Suspended, closed and not-yet-active accounts cannot be reached, and accounts
skipped by a failure are already findings, so neither is scanned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from org_backup.aws_rules.partitions import partition_of_region
from org_backup.config.policy import BackupPolicy
from org_backup.coverage.model import Coverage, reading_role

ALL_REGIONS = "all"
SCANNED_SKIP_REASONS = frozenset(
    {
        "excluded",
        "disabled in its accounts/ file",
        "outside target OUs",
        "not listed",
        "management account",
    }
)


@dataclass(frozen=True, slots=True)
class Target:
    """One account to audit: how to reach it, what it should hold, and where to look."""

    account_id: str
    role_arn: str | None  # None: the caller's own account, read without AssumeRole
    external_id: str | None
    policy: BackupPolicy  # a skipped account's is used for its selection tag only
    covered_regions: tuple[str, ...]
    scan_regions: tuple[str, ...]  # uncovered, enabled in every account: scanned for tagged EFS
    opt_in_candidates: tuple[str, ...]  # uncovered opt-in regions: scanned where enabled
    restore_testing_plan: str | None = None  # read its restore jobs when set
    # covered region -> the framework to look for and the AWS Config types its controls need
    frameworks: Mapping[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)


def scan_regions(
    coverage: Coverage,
    settings_regions: Sequence[str],
    requested: Sequence[str] | None,
    default_enabled: frozenset[str],
) -> tuple[str, ...]:
    """The regions scanned in every audited account (its covered regions always are).

    Default: the regions the organization protects anywhere (settings plus every covered
    region), so a file system in a region the rollout knows but an account lacks is found.
    `all` adds every region enabled by default in the coverage's partition; a list replaces the
    default.
    """
    configured = {*settings_regions, *(r for account in coverage.covered for r in account.regions)}
    if requested is None:
        regions = configured
    elif ALL_REGIONS in requested:
        everywhere = {r for r in default_enabled if partition_of_region(r) == coverage.partition}
        regions = configured | everywhere | {r for r in requested if r != ALL_REGIONS}
    else:
        regions = set(requested)
    return tuple(sorted(regions))


def targets(
    coverage: Coverage,
    regions: Sequence[str],
    default_enabled: frozenset[str],
    caller_account_id: str,
    scan_skipped: bool,
    readonly_role_name: str | None = None,
) -> list[Target]:
    """Every account to read, in the coverage's order, through its read-only role when
    `readonly_role_name` is set (else its deploy role)."""
    found = []
    for account in coverage.accounts:
        reachable = account.covered or (
            scan_skipped and account.skip_reason in SCANNED_SKIP_REASONS
        )
        if not reachable or account.policy is None:
            continue
        unknown = set(regions) - set(account.regions) - set(account.regions_not_enabled)
        role_arn, external_id = reading_role(
            account.deploy_role_arn or "", account.deploy_role_external_id, readonly_role_name
        )
        found.append(
            Target(
                account_id=account.account_id,
                role_arn=None if account.account_id == caller_account_id else role_arn,
                external_id=external_id,
                policy=account.policy,
                covered_regions=account.regions,
                scan_regions=tuple(sorted(unknown & default_enabled)),
                opt_in_candidates=tuple(sorted(unknown - default_enabled)),
            )
        )
    return found
