"""CSV (RFC 4180, via the csv module): a header row, then one line per report row.

After the contract's columns come `generated_at` and `input_sha256` (`path:digest`, `; `
separated), the same on every line, so that a row copied out of the file keeps its provenance.
With `--since`, a last column `changes_since` marks each row with what changed there: `new:` and
`resolved:` finding kinds, and an account that entered or left coverage.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Sequence

from org_backup.reporting.model import (
    REPORT_COLUMNS,
    Changes,
    Report,
    ReportRow,
    cell_text,
    spreadsheet_safe,
)

PROVENANCE_COLUMNS = ("generated_at", "input_sha256")
CHANGES_COLUMN = "changes_since"


def render_csv(report: Report, columns: Sequence[str] = REPORT_COLUMNS) -> str:
    """CRLF line ends and quoting where needed, as spreadsheets and RFC 4180 expect; no cell
    starts like a formula."""
    summary = report.summary
    provenance = [
        spreadsheet_safe(summary.generated_at),
        spreadsheet_safe(
            "; ".join(f"{path}:{digest}" for path, digest in summary.input_sha256.items())
        ),
    ]
    changes = _row_changes(report.changes) if report.changes is not None else None
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*columns, *PROVENANCE_COLUMNS, *([CHANGES_COLUMN] if changes else [])])
    for row in report.rows:
        cells = [*(spreadsheet_safe(cell_text(row, column)) for column in columns), *provenance]
        if changes is not None:
            cells.append(spreadsheet_safe("; ".join(changes(row))))
        writer.writerow(cells)
    return buffer.getvalue()


def _row_changes(changes: Changes) -> Callable[[ReportRow], list[str]]:
    """A function giving each row its changes: findings by (account, region, file system),
    coverage by account (on the account's first row only)."""
    by_place: dict[tuple[str | None, str | None, str | None], list[str]] = defaultdict(list)
    for prefix, items in (("new", changes.new_findings), ("resolved", changes.resolved_findings)):
        for item in items:
            by_place[(item.account_id, item.region, item.resource_arn)].append(
                f"{prefix}: {item.finding}"
            )
    by_account = {
        change.account_id: f"{verb} coverage ({change.was} -> {change.now})"
        for verb, entries in (
            ("entered", changes.accounts_added),
            ("left", changes.accounts_removed),
        )
        for change in entries
    }
    seen: set[str | None] = set()

    def of(row: ReportRow) -> list[str]:
        marks = list(
            by_place.get((row.account_id, row.region, getattr(row, "resource_arn", None)), ())
        )
        if row.account_id in by_account and row.account_id not in seen:
            marks.insert(0, by_account[row.account_id])
        seen.add(row.account_id)
        return marks

    return of
