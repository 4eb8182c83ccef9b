"""CSV (RFC 4180, via the csv module): a header row, then one line per report row.

After the contract's columns come `generated_at` and `input_sha256` (`path:digest`, `; `
separated), the same on every line, so that a row copied out of the file keeps its provenance.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from org_backup.reporting.model import REPORT_COLUMNS, Report, cell_text, spreadsheet_safe

PROVENANCE_COLUMNS = ("generated_at", "input_sha256")


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
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*columns, *PROVENANCE_COLUMNS])
    writer.writerows(
        [*(spreadsheet_safe(cell_text(row, column)) for column in columns), *provenance]
        for row in report.rows
    )
    return buffer.getvalue()
