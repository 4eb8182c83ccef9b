"""The summary as label/value lines, shared by the formats people read (Markdown, HTML)."""

from __future__ import annotations

from collections.abc import Sequence

from org_backup.reporting.kinds import thresholds_text
from org_backup.reporting.model import AccountChange, Changes, FindingRef, GoneFinding, Summary

NOT_RESOLVED = (
    "Not resolved: these findings' account, region or file system left the report, so it"
    " cannot tell whether they still hold."
)

ChangeItem = FindingRef | GoneFinding | AccountChange


def change_sections(changes: Changes) -> list[tuple[str, str | None, Sequence[ChangeItem]]]:
    """Heading, a note to show above a list that has items (or None), and the items of each
    list of the `--since` section, in reading order: the same in Markdown and HTML."""
    return [
        ("New findings", None, changes.new_findings),
        ("Resolved findings", None, changes.resolved_findings),
        ("Accounts added to coverage", None, changes.accounts_added),
        ("Accounts removed from coverage", None, changes.accounts_removed),
        ("No longer reported", NOT_RESOLVED, changes.no_longer_reported),
    ]


def summary_items(summary: Summary) -> list[tuple[str, str]]:
    """Label and text of each summary line, in reading order."""
    skipped = ", ".join(f"{reason}: {count}" for reason, count in summary.skipped_by_reason.items())
    percent = "n/a" if summary.compliant_percent is None else f"{summary.compliant_percent:g}%"
    compliant = summary.account_regions_compliant
    judged = compliant + summary.account_regions_non_compliant
    plan = (
        [("Judged as", "a plan (--planned): its policy only, nothing here shows it deployed")]
        if summary.planned
        else []
    )
    digests = ", ".join(f"{path}: {digest}" for path, digest in summary.input_sha256.items())
    return [
        ("Status", summary.status),
        *plan,
        ("Findings", str(summary.finding_count)),
        ("Account-regions compliant", f"{compliant:,} of {judged:,} ({percent})"),
        ("Account-regions non-compliant", f"{summary.account_regions_non_compliant:,}"),
        *(
            [("Account-regions unguarded", _unguarded(summary.account_regions_unguarded))]
            if summary.account_regions_unguarded is not None
            else []
        ),
        ("Accounts covered", str(summary.accounts_covered)),
        ("Accounts skipped", f"{summary.accounts_skipped} ({skipped})" if skipped else "0"),
        ("Organizations", ", ".join(summary.organizations)),
        ("Inputs", ", ".join(summary.inputs)),
        ("Input sha256", digests or "none (no file read)"),
        ("Generated at", summary.generated_at),
        ("Thresholds", thresholds_text(summary.thresholds)),
    ]


def _unguarded(count: int) -> str:
    if not count:
        return "0"
    return f"{count} (no vault policy and SCP keep the account's own administrators out)"
