"""JSON: `{"summary": {...}, "rows": [...]}`, rows keyed like the CSV's columns."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence

from org_backup.reporting.model import REPORT_COLUMNS, Report, cell_value


def render_json(report: Report, columns: Sequence[str] = REPORT_COLUMNS) -> str:
    """Findings as a list, absent values as null; indented so that diffs of reports read well."""
    document = {
        "summary": dataclasses.asdict(report.summary),
        "rows": [{column: cell_value(row, column) for column in columns} for row in report.rows],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
