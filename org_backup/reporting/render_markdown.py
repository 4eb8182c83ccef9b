"""Markdown: the summary table, then every finding. Short enough for a terminal, a pull-request
comment or a CI step summary; the per-row data is in the CSV, JSON and HTML formats."""

from __future__ import annotations

import html
import re

from org_backup.reporting.labels import summary_items
from org_backup.reporting.model import Report

# `_` inside a word (NON_COMPLIANT, data_lake) is never emphasis in GitHub Markdown: left alone.
_MARKUP = re.compile(r"[\\`*\[\]|~]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")


def render_markdown(report: Report) -> str:
    lines = ["# org-backup compliance report", "", "| Summary | |", "| --- | --- |"]
    lines.extend(f"| {label} | {_text(value)} |" for label, value in summary_items(report.summary))
    lines.extend(["", "## Findings", ""])
    findings = [finding for row in report.rows for finding in row.findings]
    lines.extend(f"- {_text(finding)}" for finding in findings)
    if not findings:
        lines.append("None: every covered account-region passed every check.")
    return "\n".join(lines) + "\n"


def _text(value: str) -> str:
    """Literal text: names and ARNs must not close a table cell or turn into markup."""
    return " ".join(_MARKUP.sub(r"\\\g<0>", html.escape(value, quote=False)).split())
