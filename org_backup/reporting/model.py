"""What a compliance report holds, independent of its format: rows, a summary, the columns.

`audit` reuses it: an audit row is a `ReportRow` subclass with a `resource_arn` field, rendered
with `AUDIT_COLUMNS` (CONTRACT.md, "Reports").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Status = Literal["COMPLIANT", "NON_COMPLIANT", "SKIPPED"]
Cell = str | int | None

REPORT_COLUMNS: tuple[str, ...] = (
    "account_id",
    "account_name",
    "ou_path",
    "region",
    "status",
    "vault_name",
    "plan_id",
    "plan_version",
    "schedule",
    "delete_after_days",
    "cold_storage_after_days",
    "vault_lock",
    "selection",
    "findings",
    "copy_to",  # copies (issue 9)
)
AUDIT_COLUMNS: tuple[str, ...] = (*REPORT_COLUMNS[:4], "resource_arn", *REPORT_COLUMNS[4:])


@dataclass(frozen=True, slots=True)
class Thresholds:
    """What the organization requires; None (or empty, or False) turns a check off."""

    min_retention_days: int | None = None
    required_regions: tuple[str, ...] = ()
    require_vault_lock: bool = False
    max_interval_hours: float | None = None
    # alerts and restore testing (issue 10)
    require_alerts: bool = False
    require_restore_testing: bool = False
    max_restore_test_age_days: int | None = None  # audit only
    require_copy: bool = False  # copies (issue 9)
    require_air_gapped: bool = False


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One covered account-region, one skipped account, or the inputs as a whole.

    None is "does not apply" (a skipped account has no vault): empty in CSV, null in JSON.
    `findings` are full sentences; a row with findings is NON_COMPLIANT.
    """

    account_id: str | None
    account_name: str | None
    ou_path: str | None
    region: str | None
    status: Status
    vault_name: str | None = None
    plan_id: str | None = None
    plan_version: str | None = None
    schedule: str | None = None
    delete_after_days: int | None = None
    cold_storage_after_days: int | None = None
    vault_lock: str | None = None
    selection: str | None = None
    findings: tuple[str, ...] = ()
    copy_to: str | None = None  # copies (issue 9): destination vault ARNs, " | " between


@dataclass(frozen=True, slots=True)
class Summary:
    """The counts a reader looks at first, and what the rows were judged against.

    `findings` are those about the inputs as a whole (a missing shard); they also appear as a
    row with no account, so that CSV, which has no summary, still carries them.
    Account-region counts count a failed skipped account once; `compliant_percent` is None
    when there is nothing to count.
    """

    status: Literal["COMPLIANT", "NON_COMPLIANT"]
    inputs: tuple[str, ...]
    organizations: tuple[str, ...]
    accounts_covered: int
    accounts_skipped: int
    account_regions_compliant: int
    account_regions_non_compliant: int
    compliant_percent: float | None
    finding_count: int
    skipped_by_reason: dict[str, int]
    thresholds: Thresholds
    findings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Report:
    summary: Summary
    rows: tuple[ReportRow, ...]

    @property
    def compliant(self) -> bool:
        return self.summary.finding_count == 0


def cell_text(row: ReportRow, column: str) -> str:
    """A cell as the text formats show it: empty for None, findings joined by "; "."""
    value = getattr(row, column)
    if column == "findings":
        return "; ".join(value)
    return "" if value is None else str(value)


def cell_value(row: ReportRow, column: str) -> Cell | list[str]:
    """A cell as JSON holds it: null for None, findings as a list."""
    value = getattr(row, column)
    return list(value) if column == "findings" else value
