"""Markdown: the summary, what changed (`--since`), findings by kind, compliance by OU, then
every finding. Short enough for a terminal, a pull-request comment or a CI step summary; the
per-row data is in the CSV, JSON and HTML formats."""

from __future__ import annotations

import html
import re

from org_backup.reporting.labels import ChangeItem, change_sections, summary_items
from org_backup.reporting.model import AccountChange, Changes, FindingRef, GoneFinding, Report
from org_backup.reporting.rollup import findings_by_kind, ou_rollup

# `_` inside a word (NON_COMPLIANT, data_lake) is never emphasis in GitHub Markdown: left alone.
_MARKUP = re.compile(r"[\\`*\[\]|~]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
# What GitHub turns into a link without any markup (its autolink extension): `scheme://`,
# `www.` and e-mail addresses. A backslash before the `:` or `.` stops the first two; an
# address is cut by a word joiner (U+2060, invisible) after its `@`.
_AUTOLINK = re.compile(r"(?<=[0-9A-Za-z]):(?=//)|(?<![0-9A-Za-z])(?i:www)\.|@")


def render_markdown(report: Report) -> str:
    title = "# org-backup compliance report"
    if report.summary.planned:
        title += " (plan: not deployed)"
    lines = [title, "", "| Summary | |", "| --- | --- |"]
    lines.extend(
        f"| {label} | {literal(value)} |" for label, value in summary_items(report.summary)
    )
    if report.changes is not None:
        lines.extend(_changes(report.changes))
    kinds = findings_by_kind(report.rows)
    if kinds:
        lines.extend(["", "## Findings by kind", "", "| Kind | Findings | Account-regions |"])
        lines.append("| --- | ---: | ---: |")
        lines.extend(f"| {literal(k.kind)} | {k.findings} | {k.places} |" for k in kinds)
    rollup = ou_rollup(report)
    if rollup:
        lines.extend(["", "## Compliance by OU", ""])
        lines.append("| OU | Accounts covered | Account-regions compliant | % |")
        lines.append("| --- | ---: | ---: | ---: |")
        lines.extend(
            f"| {literal(line.path)} | {line.accounts_covered} of {line.accounts}"
            f" | {line.compliant} of {line.judged}"
            f" | {'n/a' if line.percent is None else format(line.percent, 'g') + '%'} |"
            for line in rollup
        )
    lines.extend(["", "## Findings", ""])
    findings = [finding.text for row in report.rows for finding in row.findings]
    lines.extend(f"- {literal(finding)}" for finding in findings)
    if not findings:
        lines.append("None: every covered account-region passed every check.")
    return "\n".join(lines) + "\n"


def _changes(changes: Changes) -> list[str]:
    """The section a nightly CI job posts: new findings are incidents, resolved ones closed."""
    lines = ["", f"## What changed since {literal(changes.since)} ({literal(changes.since_input)})"]
    for heading, note, items in change_sections(changes):
        lines.extend(["", f"### {heading}: {len(items)}", ""])
        if note and items:
            lines.extend([note, ""])
        lines.extend(f"- {_item(item)}" for item in items)
        if not items:
            lines.append("None.")
    return lines


def _item(item: ChangeItem) -> str:
    if isinstance(item, AccountChange):
        return _account(item)
    if isinstance(item, GoneFinding):
        return f"{_finding(item)} ({literal(item.reason)})"
    return _finding(item)


def _finding(item: FindingRef | GoneFinding) -> str:
    where = " ".join(part for part in (item.account_id, item.region) if part) or "inputs"
    on = f" {item.resource_arn}" if item.resource_arn else ""
    return f"{literal(where)}{literal(on)}: **{literal(item.finding)}**: {literal(item.detail)}"


def _account(item: AccountChange) -> str:
    return (
        f"{literal(item.account_id)} ({literal(item.account_name)}, {literal(item.ou_path)}):"
        f" {literal(item.was)} -> {literal(item.now)}"
    )


def literal(value: str) -> str:
    """Literal text on one line: a name, an id or an ARN must not close a table cell, turn into
    markup or HTML, or become a link (`[Approve](https://x)` stays those characters)."""
    escaped = _MARKUP.sub(r"\\\g<0>", html.escape(value, quote=False))
    return " ".join(_AUTOLINK.sub(_unlink, escaped).split())


def _unlink(match: re.Match[str]) -> str:
    text = match.group(0)
    return "@\u2060" if text == "@" else "\\" + text if text == ":" else text[:-1] + "\\."
