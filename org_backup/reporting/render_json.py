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
    """Findings as a list, absent values as null. The summary and the changes indented, and
    each row and account on a line of its own: a diff of two reports reads row by row (and
    the encoder stays the fast one at 4,000 rows)."""
    summary = dataclasses.asdict(report.summary)
    summary["findings"] = [finding.text for finding in report.summary.findings]
    rows = [
        {
            **{column: cell_value(row, column) for column in columns},
            "finding_kinds": [finding.kind for finding in row.findings],
        }
        for row in report.rows
    ]
    accounts = [dataclasses.asdict(entry) for entry in report.accounts]
    parts = [
        f'{{\n  "summary": {_indented(summary)},',
        f'  "rows": {_lines(rows)},',
        f'  "accounts": {_lines(accounts)}',
    ]
    if report.changes is not None:
        parts[-1] += ","
        parts.append(f'  "changes": {_indented(as_json(report.changes))}')
    return "\n".join(parts) + "\n}\n"


def _indented(value: Any) -> str:
    """A small object, indented two more spaces to sit inside the document."""
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n  ")


def _lines(items: Sequence[Any]) -> str:
    if not items:
        return "[]"
    body = ",\n".join("    " + json.dumps(item, ensure_ascii=False) for item in items)
    return f"[\n{body}\n  ]"
