"""CSV (RFC 4180, via the csv module): a header row, then one line per report row."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from org_backup.reporting.model import REPORT_COLUMNS, Report, cell_text


def render_csv(report: Report, columns: Sequence[str] = REPORT_COLUMNS) -> str:
    """CRLF line ends and quoting where needed, as spreadsheets and RFC 4180 expect."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows([cell_text(row, column) for column in columns] for row in report.rows)
    return buffer.getvalue()
