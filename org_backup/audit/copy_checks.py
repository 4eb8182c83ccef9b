"""The audit's checks of copies out of the account. Pure.

For each tagged file system of a covered account (the central account's own excepted) whose
rules copy: its latest copy in the central vault of the destination region is recent enough.
For each central vault (shard 0 only, which owns it): it exists, is of the configured kind, and
its access policy is the one org-backup deploys. Checks yield (kind, sentence) pairs.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from org_backup.audit.observations import CentralRegionState, CentralState
from org_backup.audit.rows import AuditRow, as_sentence
from org_backup.config.policy import BackupPolicy
from org_backup.coverage.central import CentralCoverage, vault_access_policy
from org_backup.coverage.freshness import most_frequent, rule_allowed_hours
from org_backup.coverage.model import Coverage
from org_backup.reporting import kinds
from org_backup.reporting.checks import file_system_subject, subject_of
from org_backup.reporting.model import Finding

# A copy job starts once its backup job completes, and a large EFS copy to another region can
# run for hours; AWS publishes no bound, so a day of slack is allowed on top of the schedule.
COPY_LAG_HOURS = 24
AIR_GAPPED_TYPE = "LOGICALLY_AIR_GAPPED_BACKUP_VAULT"

STALE_COPY = kinds.COPY_TOO_OLD
NO_COPY_FOUND = kinds.NO_COPY_FOUND
CENTRAL_VAULT = kinds.CENTRAL_VAULT


def allowed_copy_age_hours(policy: BackupPolicy) -> float | None:
    """How old the newest copy may be; None when no rule of the policy copies."""
    copying = [rule for rule in policy.rules if rule.copy_enabled]
    if not copying:
        return None
    return rule_allowed_hours(most_frequent(copying)) + COPY_LAG_HOURS


def copies_since(coverage: Coverage, now: datetime) -> datetime | None:
    """How far back the central vaults need reading: the largest finite allowed copy age of the
    coverage (older copies are too old anyway); None to read everything."""
    ages = [
        age
        for account in coverage.covered
        if account.policy is not None
        and (age := allowed_copy_age_hours(account.policy)) is not None
        and not math.isinf(age)
    ]
    return now - timedelta(hours=max(ages)) if ages else None


def with_copy_findings(
    rows: Sequence[AuditRow], coverage: Coverage, state: CentralState, now: datetime
) -> list[AuditRow]:
    """The rows with each file system's copy findings added, plus shard 0's central vault rows."""
    central = coverage.central
    assert central is not None
    policies = {a.account_id: a.policy for a in coverage.covered if a.policy is not None}
    regions = {region.region: region for region in state.regions}
    out = []
    for row in rows:
        policy = policies.get(row.account_id or "")
        if (
            row.resource_arn is None
            or policy is None
            or row.account_id == central.account_id
            or state.failure is not None
            or row.region not in _covered_regions(coverage, row.account_id or "")
        ):
            out.append(row)
            continue
        destination = regions.get(central.destination_region(row.region or ""))
        found = tuple(
            Finding(*pair)
            for pair in file_system_copy_findings(row, policy, central, destination, now)
        )
        out.append(_with(row, found))
    if coverage.shard_index == 0:
        out.extend(central_rows(coverage, state))
    return out


def file_system_copy_findings(
    row: AuditRow,
    policy: BackupPolicy,
    central: CentralCoverage,
    destination: CentralRegionState | None,
    now: datetime,
) -> Iterator[tuple[str, str]]:
    allowed = allowed_copy_age_hours(policy)
    if allowed is None or destination is None or destination.latest_copies is None:
        return  # nothing copies, or the central region's own row says why it was not read
    where = f"{subject_of(row.account_id, row.account_name, row.region)}: "
    efs = file_system_subject(row.resource_arn)
    vault = (
        f"central vault {central.vault_name} ({destination.region}, account {central.account_id})"
    )
    latest = destination.latest_copies.get(row.resource_arn or "")
    if latest is None:
        within = "" if math.isinf(allowed) else f" made within the last {allowed:.1f} hours"
        yield (
            NO_COPY_FOUND,
            f"{where}{efs} has no completed copy in {vault}{within}: its backups exist in this"
            " account only.",
        )
        return
    age = (now - latest).total_seconds() / 3600
    if age > allowed:
        yield (
            STALE_COPY,
            f"{where}{efs}: its latest copy in {vault} is from"
            f" {latest.astimezone(UTC):%Y-%m-%d %H:%M} UTC, {age:.1f} hours ago; its copying"
            f" rules should have made one within {allowed:.1f} hours (schedule, windows and"
            f" {COPY_LAG_HOURS} hours for the copy job).",
        )


def central_rows(coverage: Coverage, state: CentralState) -> list[AuditRow]:
    """One row per central vault, or one row saying the central account could not be read."""
    central = coverage.central
    assert central is not None
    who = f"Central account {central.account_id}"
    if state.failure is not None:
        finding = Finding(
            kinds.AUDIT_FAILED, f"{who}: could not be audited: {as_sentence(state.failure)}"
        )
        return [_row(central, None, None, (finding,))]
    rows = []
    for region in state.regions:
        arn = central.vault_arn(coverage.partition, region.region)
        found = tuple(
            Finding(kind, f"{who} {region.region}: {sentence}")
            for kind, sentence in central_vault_findings(
                central,
                region,
                coverage.organization_id,
                central.access_policy(
                    coverage.organization_id, coverage.partition, coverage.guardrails is not None
                ),
            )
        )
        rows.append(_row(central, region.region, arn, found))
    return rows


def central_vault_findings(
    central: CentralCoverage,
    region: CentralRegionState,
    organization_id: str,
    wanted: dict[str, Any] | None = None,
) -> Iterator[tuple[str, str]]:
    """`wanted`: the access policy the rollout deploys (default: without guardrails)."""
    name = f"central vault {central.vault_name}"
    if region.lookup_error is not None:
        yield CENTRAL_VAULT, f"{name} could not be read: {as_sentence(region.lookup_error)}"
        return
    if region.vault_arn is None:
        yield CENTRAL_VAULT, f"{name} does not exist, so every copy job into it fails."
        return
    if central.kind == "air-gapped" and region.vault_type not in (None, AIR_GAPPED_TYPE):
        yield (
            CENTRAL_VAULT,
            f"{name} is a {region.vault_type}, but the settings ask for a logically air-gapped"
            " vault.",
        )
    wanted = wanted or vault_access_policy(organization_id, copy_role_name=central.copy_role_name)
    if region.policy is None:
        yield (
            CENTRAL_VAULT,
            f"{name} has no access policy, so no other account can copy into it.",
        )
    elif region.policy != wanted:
        yield (
            CENTRAL_VAULT,
            f"{name}'s access policy is not the one org-backup deploys (only"
            f" backup:CopyIntoBackupVault by the backup roles of {organization_id}); it is"
            f" {json.dumps(region.policy, sort_keys=True)}.",
        )


def _covered_regions(coverage: Coverage, account_id: str) -> tuple[str, ...]:
    for account in coverage.covered:
        if account.account_id == account_id:
            return account.regions
    return ()


def _with(row: AuditRow, extra: tuple[Finding, ...]) -> AuditRow:
    if not extra:
        return row
    return replace(row, findings=(*row.findings, *extra), status="NON_COMPLIANT")


def _row(
    central: CentralCoverage, region: str | None, arn: str | None, findings: tuple[Finding, ...]
) -> AuditRow:
    return AuditRow(
        central.account_id,
        None,
        None,
        region,
        "NON_COMPLIANT" if findings else "COMPLIANT",
        vault_name=central.vault_name,
        findings=findings,
        resource_arn=arn,
    )
