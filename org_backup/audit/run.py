"""The audit end to end: resolve coverage, read every target concurrently, judge.

Organization-wide calls (discovery, the caller's identity, the default regions) raise
AwsCallError (exit 3); a failure inside one account only becomes that account's finding.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from org_backup.audit import targets
from org_backup.audit.checks import build_audit_report
from org_backup.audit.collect import collect_account
from org_backup.audit.collect_central import collect_central
from org_backup.audit.copy_checks import copies_since
from org_backup.audit.evidence import with_frameworks
from org_backup.audit.restore_tests import with_restore_testing
from org_backup.aws.fanout import per_account
from org_backup.aws.progress import Progress
from org_backup.aws.sessions import caller_session, client, describe_error
from org_backup.coverage.pipeline import discover_and_cover, load_inputs
from org_backup.errors import AwsCallError
from org_backup.organization.regions import OptInLookup
from org_backup.reporting.kinds import Thresholds
from org_backup.reporting.model import Report
from org_backup.reporting.provenance import file_hashes


def audit(
    accounts_dir: Path,
    thresholds: Thresholds,
    *,
    stack_config: Mapping[str, Any] | None = None,
    stack_source: str = "Pulumi stack config",
    stack_name: str | None = None,
    scan_regions: Sequence[str] | None = None,
    scan_skipped: bool = True,
    session: boto3.Session | None = None,
    now: datetime | None = None,
    progress: bool = False,
) -> Report:
    """The live report of this shard of the organization (see docs/audit.md)."""
    settings, files = load_inputs(accounts_dir, stack_config, stack_source, stack_name)
    session = caller_session(session)
    coverage = discover_and_cover(settings, files, session, progress=progress)
    default_enabled = frozenset(coverage.default_enabled_regions)
    regions = targets.scan_regions(coverage, settings.regions, scan_regions, default_enabled)
    caller_account = _caller_account(session)
    todo = targets.targets(
        coverage,
        regions,
        default_enabled,
        caller_account,
        scan_skipped,
        settings.readonly_role_name,
    )
    if thresholds.max_restore_test_age_days is not None:
        todo = [with_restore_testing(target) for target in todo]
    if coverage.audit_frameworks is not None or thresholds.require_frameworks:
        todo = with_frameworks(todo, coverage)
    opt_in = OptInLookup(coverage.management_account_id)
    states, failures = per_account(
        todo,
        key=lambda target: target.account_id,
        task=lambda target, calls: collect_account(calls, target, opt_in),
        max_workers=settings.max_workers,
        session=session,
        budget_seconds=settings.account_timeout_seconds,
        progress=Progress("audit", len(todo)) if progress else None,
    )
    now = now or datetime.now(UTC)
    central = (
        collect_central(
            session,
            coverage.central,
            caller_account,
            copies_since(coverage, now),
            settings.readonly_role_name,
            settings.account_timeout_seconds,
        )
        if coverage.central is not None
        else None
    )
    source = f"live AWS, {now:%Y-%m-%dT%H:%M:%SZ}, scanning {', '.join(regions)}"
    read = [Path(file.source) for file in files]
    if stack_name:
        read.insert(0, Path(stack_source))
    return build_audit_report(
        coverage, states, failures, thresholds, now, source, central, file_hashes(read)
    )


def _caller_account(session: boto3.Session) -> str:
    """The caller's own account is read with its own credentials, not through a deploy role."""
    try:
        return client(session, "sts").get_caller_identity()["Account"]
    except (ClientError, BotoCoreError) as error:
        raise AwsCallError("sts:GetCallerIdentity", "(caller)", describe_error(error)) from error
