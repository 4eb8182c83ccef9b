"""The audit's report row (it may name one file system or vault), and its sentences."""

from __future__ import annotations

from dataclasses import dataclass

from org_backup.reporting.model import ReportRow


@dataclass(frozen=True, slots=True)
class AuditRow(ReportRow):
    """A report row; a row about one file system names it in `resource_arn`."""

    resource_arn: str | None = None


def as_sentence(reason: str) -> str:
    """AWS's reason as the end of a one-line sentence: some endpoints answer with a whole HTML
    page, which must not break a CSV cell or a Markdown list item."""
    return " ".join(reason.split()).rstrip(".") + "."
