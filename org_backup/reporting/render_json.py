"""JSON: `{"summary": {...}, "rows": [...], "accounts": [...], "changes": {...}}`.

Rows are keyed like the CSV's columns, plus `finding_kinds` (the kind of each finding, in the
same order); `accounts` lists each account's coverage and `changes` is there with `--since`:
together they are what a later `--since` compares against.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Any

from org_backup.reporting.model import REPORT_COLUMNS, Report, cell_value
from org_backup.reporting.since import as_json


def render_json(report: Report, columns: Sequence[str] = REPORT_COLUMNS) -> str:
    """Findings as a list, absent values as null; indented so that diffs of reports read well."""
    summary = dataclasses.asdict(report.summary)
    summary["findings"] = [finding.text for finding in report.summary.findings]
    document: dict[str, Any] = {
        "summary": summary,
        "rows": [
            {
                **{column: cell_value(row, column) for column in columns},
                "finding_kinds": [finding.kind for finding in row.findings],
            }
            for row in report.rows
        ],
        "accounts": [dataclasses.asdict(entry) for entry in report.accounts],
    }
    if report.changes is not None:
        document["changes"] = as_json(report.changes)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
