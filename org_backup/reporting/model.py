"""What a compliance report holds, independent of its format: rows of typed findings, a summary
with its provenance, each account's coverage, the changes since an earlier report, the columns.

`audit` reuses it: an audit row is a `ReportRow` subclass with a `resource_arn` field, rendered
with `AUDIT_COLUMNS` (CONTRACT.md, "Reports").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

from org_backup.reporting.kinds import Thresholds

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
    "copy_to",
    "guardrails",
)
# The audit reads no vault policies or SCPs, so its rows have no guardrails column.
AUDIT_COLUMNS: tuple[str, ...] = (
    *REPORT_COLUMNS[:4],
    "resource_arn",
    *(column for column in REPORT_COLUMNS[4:] if column != "guardrails"),
)


class Finding(str):
    """One finding: a full sentence naming the account and region, readable on its own in any
    format, that also carries its kind (a short stable label from `kinds`, what reports group
    and `--since` compares by).

    A str, so code and tests that handle findings as sentences keep working; a check written
    as a generator of `(kind, sentence)` pairs becomes findings with `Finding(*pair)`. Two
    findings are equal when their sentences are.
    """

    kind: str

    def __new__(cls, kind: str, text: str) -> Finding:
        finding = super().__new__(cls, text)
        finding.kind = kind
        return finding

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]
        return self.kind, str(self)

    def __repr__(self) -> str:
        return f"Finding({self.kind!r}, {str(self)!r})"

    @property
    def text(self) -> str:
        return str(self)


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One covered account-region, one skipped account, or the inputs as a whole.

    None is "does not apply" (a skipped account has no vault): empty in CSV, null in JSON.
    A row with findings is NON_COMPLIANT.
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
    findings: tuple[Finding, ...] = ()
    copy_to: str | None = None  # destination vault ARNs, " | " between
    guardrails: str | None = None  # what guards the account-region's backups, or "unguarded"


@dataclass(frozen=True, slots=True)
class Summary:
    """The counts a reader looks at first, and what the rows were judged against.

    `findings` are those about the inputs as a whole (a missing shard); they also appear as a
    row with no account, so that CSV, which has no summary, still carries them.
    Account-region counts count a failed skipped account once; `compliant_percent` is None
    when there is nothing to count. `generated_at` (ISO 8601, UTC) and `input_sha256` (path ->
    hex digest of the bytes read) are the provenance an auditor asks for; `planned` says the
    inputs were judged as a plan (`report --planned`), not as a deployment.
    """

    status: Literal["COMPLIANT", "NON_COMPLIANT"]
    generated_at: str
    inputs: tuple[str, ...]
    input_sha256: dict[str, str]
    organizations: tuple[str, ...]
    accounts_covered: int
    accounts_skipped: int
    account_regions_compliant: int
    account_regions_non_compliant: int
    compliant_percent: float | None
    finding_count: int
    findings_by_kind: dict[str, int]
    skipped_by_reason: dict[str, int]
    thresholds: Thresholds
    planned: bool = False
    findings: tuple[Finding, ...] = ()
    # account-regions without guardrails (report only: the audit does not read them)
    account_regions_unguarded: int | None = None


@dataclass(frozen=True, slots=True)
class AccountEntry:
    """Each account of the report once, covered or not: what `--since` compares coverage by."""

    account_id: str
    account_name: str
    ou_path: str
    covered: bool
    skip_reason: str | None = None


class FindingRef(NamedTuple):
    """A finding as `--since` compares it: identity is (account_id, region, finding, resource_arn),
    `finding` being the kind; `detail` is the sentence (all of them, for several of one kind)."""

    account_id: str | None
    region: str | None
    finding: str
    detail: str
    resource_arn: str | None = None


class GoneFinding(NamedTuple):
    """An earlier finding whose place this report no longer judges, so it is neither open nor
    resolved: `reason` says why (the account skipped or absent, the region no longer covered,
    the file system no longer found)."""

    account_id: str | None
    region: str | None
    finding: str
    detail: str
    reason: str
    resource_arn: str | None = None


class AccountChange(NamedTuple):
    """An account that entered or left coverage; `was` and `now` are `covered`, `skipped
    (<reason>)` or `absent`."""

    account_id: str
    account_name: str
    ou_path: str
    was: str
    now: str


@dataclass(frozen=True, slots=True)
class Changes:
    """What changed since an earlier report (`--since`); `since` is its generated_at.

    A finding is resolved only where this report still judges its place (the account-region,
    or the file system for audit rows); earlier findings of places that left the report are
    `no_longer_reported`, with the reason."""

    since: str
    since_input: str
    new_findings: tuple[FindingRef, ...]
    resolved_findings: tuple[FindingRef, ...]
    accounts_added: tuple[AccountChange, ...]
    accounts_removed: tuple[AccountChange, ...]
    no_longer_reported: tuple[GoneFinding, ...] = ()


@dataclass(frozen=True, slots=True)
class Report:
    summary: Summary
    rows: tuple[ReportRow, ...]
    accounts: tuple[AccountEntry, ...] = ()
    changes: Changes | None = None

    @property
    def compliant(self) -> bool:
        return self.summary.finding_count == 0


def cell_text(row: ReportRow, column: str) -> str:
    """A cell as the text formats show it: empty for None, findings joined by "; "."""
    value = getattr(row, column)
    if column == "findings":
        return "; ".join(finding.text for finding in value)
    return "" if value is None else str(value)


def cell_value(row: ReportRow, column: str) -> Cell | list[str]:
    """A cell as JSON holds it: null for None, findings as a list of sentences."""
    value = getattr(row, column)
    return [finding.text for finding in value] if column == "findings" else value


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """A cell a spreadsheet cannot take for a formula (CSV injection): `'` before a value that
    starts with = + - @, a tab or a carriage return. Used by every format a spreadsheet opens
    (CSV, and HTML, which Excel imports as a table)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
