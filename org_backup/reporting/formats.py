"""The report formats by name, for the commands' `--format` flags."""

from __future__ import annotations

from collections.abc import Sequence

from org_backup.reporting.model import REPORT_COLUMNS, Report
from org_backup.reporting.render_csv import render_csv
from org_backup.reporting.render_html import render_html
from org_backup.reporting.render_json import render_json
from org_backup.reporting.render_markdown import render_markdown

FORMATS = ("csv", "json", "markdown", "html")
EXTENSIONS = {".csv": "csv", ".json": "json", ".md": "markdown", ".html": "html", ".htm": "html"}


def render(report: Report, format_name: str, columns: Sequence[str] = REPORT_COLUMNS) -> str:
    """The report as text; Markdown shows the summary and findings only, so it takes no columns."""
    if format_name == "markdown":
        return render_markdown(report)
    renderer = {"csv": render_csv, "json": render_json, "html": render_html}[format_name]
    return renderer(report, columns)
