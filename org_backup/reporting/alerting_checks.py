"""`report --require-alerts` and `--require-restore-testing`: one account-region at a time.

Pure. Each check yields (kind, sentence) pairs; the sentence completes "Account ... region: ".
"""

from __future__ import annotations

from collections.abc import Iterator

from org_backup.manifest.model import Region
from org_backup.reporting import kinds
from org_backup.reporting.model import Thresholds

NO_ALERTS = kinds.NO_ALERTS
NO_RESTORE_TESTING = kinds.NO_RESTORE_TESTING


def alerting_findings(region: Region, thresholds: Thresholds) -> Iterator[tuple[str, str]]:
    if thresholds.require_alerts and region.alerts is None:
        yield (
            NO_ALERTS,
            "no rule forwards failed backup, copy and restore jobs to the central alerts bus,"
            " and --require-alerts is set: a failure here is seen only in this account's console.",
        )
    if thresholds.require_restore_testing and region.restore_testing is None:
        yield (
            NO_RESTORE_TESTING,
            "no restore testing plan, and --require-restore-testing is set: its recovery points"
            " are never restored to prove they work.",
        )
