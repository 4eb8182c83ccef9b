"""The organization-scale views people read first: compliance per OU (nested OUs roll up into
their parents), findings grouped by kind, and each account's regions at a glance. Pure."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from org_backup.reporting.model import Report, ReportRow, Status

NO_OU = "(no OU path)"


@dataclass(slots=True)
class OuLine:
    """One OU and everything under it."""

    path: str
    depth: int
    accounts: int = 0
    accounts_covered: int = 0
    compliant: int = 0
    judged: int = 0

    @property
    def percent(self) -> float | None:
        return round(100 * self.compliant / self.judged, 1) if self.judged else None


@dataclass(frozen=True, slots=True)
class KindLine:
    kind: str
    findings: int
    places: int  # account-regions (or accounts, or the inputs) holding one
    examples: tuple[str, ...]


@dataclass(slots=True)
class AccountTile:
    """One account's account-regions for the heatmap: region -> status, and its own verdict
    where a finding is about the account as a whole (skipped by failure, no region)."""

    account_id: str
    name: str
    covered: bool
    regions: dict[str, Status] = field(default_factory=dict)
    account_failed: bool = False


def account_region_status(rows: Sequence[ReportRow]) -> dict[tuple[str, str | None], Status]:
    """(account, region) -> its verdict: non-compliant if any of its rows is (audit has one row
    per file system). region None is the account as a whole."""
    verdicts: dict[tuple[str, str | None], Status] = {}
    for row in rows:
        if row.account_id is None:
            continue
        key = (row.account_id, row.region)
        if verdicts.get(key) != "NON_COMPLIANT":
            verdicts[key] = row.status
    return verdicts


def ou_rollup(report: Report) -> list[OuLine]:
    """Per OU path and every ancestor: accounts, accounts covered, account-regions compliant of
    those judged. In tree order (a parent before its children)."""
    verdicts = account_region_status(report.rows)
    per_account: dict[str, Counter[str]] = defaultdict(Counter)
    for (account_id, _), status in verdicts.items():
        per_account[account_id][status] += 1
    lines: dict[tuple[str, ...], OuLine] = {}
    for entry in report.accounts:
        parts = tuple(entry.ou_path.split("/")) if entry.ou_path else (NO_OU,)
        counts = per_account.get(entry.account_id, Counter())
        for depth in range(1, len(parts) + 1):
            key = parts[:depth]
            line = lines.get(key)
            if line is None:
                line = lines[key] = OuLine("/".join(key), depth - 1)
            line.accounts += 1
            line.accounts_covered += entry.covered
            line.compliant += counts["COMPLIANT"]
            line.judged += counts["COMPLIANT"] + counts["NON_COMPLIANT"]
    return [lines[key] for key in sorted(lines)]


def findings_by_kind(rows: Sequence[ReportRow], examples: int = 0) -> list[KindLine]:
    """Kinds by count (most first): findings, distinct places, and the first few sentences."""
    counts: Counter[str] = Counter()
    places: dict[str, set[tuple[str | None, str | None]]] = defaultdict(set)
    shown: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        for finding in row.findings:
            counts[finding.kind] += 1
            places[finding.kind].add((row.account_id, row.region))
            if len(shown[finding.kind]) < examples:
                shown[finding.kind].append(finding.text)
    return [
        KindLine(kind, count, len(places[kind]), tuple(shown[kind]))
        for kind, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def heatmap(report: Report) -> tuple[list[str], dict[str, list[AccountTile]]]:
    """The regions (columns) and, per OU path, its accounts' tiles in account-id order."""
    verdicts = account_region_status(report.rows)
    regions = sorted({region for _, region in verdicts if region is not None})
    tiles: dict[str, AccountTile] = {
        entry.account_id: AccountTile(entry.account_id, entry.account_name, entry.covered)
        for entry in report.accounts
    }
    for (account_id, region), status in verdicts.items():
        tile = tiles.get(account_id)
        if tile is None:
            continue
        if region is None:
            tile.account_failed = tile.account_failed or status == "NON_COMPLIANT"
        else:
            tile.regions[region] = status
    by_ou: dict[str, list[AccountTile]] = defaultdict(list)
    for entry in report.accounts:
        by_ou[entry.ou_path or NO_OU].append(tiles[entry.account_id])
    return regions, {path: by_ou[path] for path in sorted(by_ou)}
