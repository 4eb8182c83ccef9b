"""`--since FILE`: what changed between an earlier `--format json` report and this one.

A finding's identity is (account_id, region, kind), plus the file system for audit rows: the
sentence may word a value differently from one day to the next (an age, a threshold), the kind
does not. An earlier finding absent now is resolved only where this report still judges its
place; where the place left the report (the account skipped or gone, the region no longer
covered, the file system not found) it is "no longer reported", which says nothing about the
problem. Accounts are compared by coverage: added = covered now and not before, removed =
covered before and not now (skipped, or gone from the inputs). Reports of different
organizations are not compared at all.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from org_backup.errors import InputError, Problem, problems_from_validation
from org_backup.manifest.reader import sha256_hex
from org_backup.reporting.model import (
    AccountChange,
    AccountEntry,
    Changes,
    FindingRef,
    GoneFinding,
    Report,
    ReportRow,
)

FLAG = "--since"
HINT = "give an earlier `report --format json` (or `audit --format json`) output of this version"


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _Summary(_Loose):
    generated_at: str
    organizations: list[str] = []


class _Row(_Loose):
    account_id: str | None
    region: str | None
    findings: list[str]
    finding_kinds: list[str]
    resource_arn: str | None = None

    @model_validator(mode="after")
    def _one_kind_per_finding(self) -> _Row:
        if len(self.findings) != len(self.finding_kinds):
            raise ValueError("findings and finding_kinds must have the same length")
        return self


class _Account(_Loose):
    account_id: str
    account_name: str
    ou_path: str
    covered: bool
    skip_reason: str | None = None


class _EarlierReport(_Loose):
    summary: _Summary
    rows: list[_Row]
    accounts: list[_Account]


@dataclass(frozen=True, slots=True)
class Earlier:
    """The earlier report as far as a comparison needs it."""

    source: str
    sha256: str
    generated_at: str
    findings: dict[tuple[str | None, str | None, str, str | None], FindingRef]
    accounts: dict[str, AccountEntry]
    organizations: tuple[str, ...] = ()


def read_earlier(path: str) -> Earlier:
    """Exit 2 (InputError naming the file) for anything that is not a JSON report of ours."""
    try:
        with open(path, "rb") as file:
            data = file.read()
        document = json.loads(data.decode("utf-8"))
    except FileNotFoundError:
        raise _error(path, path, f"no such file; {HINT}") from None
    except IsADirectoryError:
        raise _error(path, path, f"is a directory; {HINT}") from None
    except OSError as error:
        raise _error(path, path, f"cannot be read: {error.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _error(path, "(document)", f"is not a JSON report ({error}); {HINT}") from None
    if not isinstance(document, dict) or not {"summary", "rows"} <= document.keys():
        shown = sorted(document) if isinstance(document, dict) else type(document).__name__
        raise _error(path, "(document)", f"is not a report (keys: {shown}); {HINT}")
    try:
        earlier = _EarlierReport.model_validate(document)
    except ValidationError as error:
        problems = problems_from_validation(error, path, "")
        raise InputError(
            [Problem(p.source, p.field, p.value, f"{p.message}; {HINT}") for p in problems]
        ) from None
    findings = _identities(
        (
            row.account_id,
            row.region,
            row.resource_arn,
            zip(row.finding_kinds, row.findings, strict=True),
        )
        for row in earlier.rows
    )
    accounts = {
        item.account_id: AccountEntry(
            item.account_id, item.account_name, item.ou_path, item.covered, item.skip_reason
        )
        for item in earlier.accounts
    }
    return Earlier(
        path,
        sha256_hex(data),
        earlier.summary.generated_at,
        findings,
        accounts,
        tuple(earlier.summary.organizations),
    )


def compare(report: Report, earlier: Earlier) -> Changes:
    """The changes section: findings new, resolved and no longer reported, accounts entering
    and leaving coverage."""
    now = _identities(
        (row.account_id, row.region, _resource(row), ((f.kind, f.text) for f in row.findings))
        for row in report.rows
    )
    current = {entry.account_id: entry for entry in report.accounts}
    added = [
        _change(entry, earlier.accounts.get(account_id), entry)
        for account_id, entry in current.items()
        if entry.covered and not _covered(earlier.accounts.get(account_id))
    ]
    removed = [
        _change(entry, entry, current.get(account_id))
        for account_id, entry in earlier.accounts.items()
        if entry.covered and not _covered(current.get(account_id))
    ]
    unjudged = _Unjudged(report.rows, current)
    resolved, gone = [], []
    for key in sorted(earlier.findings.keys() - now, key=_order):
        item = earlier.findings[key]
        reason = unjudged.reason(item)
        if reason is None:
            resolved.append(item)
        else:
            gone.append(
                GoneFinding(
                    item.account_id,
                    item.region,
                    item.finding,
                    item.detail,
                    reason,
                    item.resource_arn,
                )
            )
    return Changes(
        since=earlier.generated_at,
        since_input=earlier.source,
        new_findings=tuple(now[key] for key in sorted(now.keys() - earlier.findings, key=_order)),
        resolved_findings=tuple(resolved),
        accounts_added=tuple(sorted(added)),
        accounts_removed=tuple(sorted(removed)),
        no_longer_reported=tuple(gone),
    )


class _Unjudged:
    """Which places this report judges (a compliant or non-compliant row), and for those it
    does not, why."""

    def __init__(self, rows: Iterable[ReportRow], accounts: dict[str, AccountEntry]):
        self.accounts = accounts
        self.judged: set[tuple[str | None, str | None, str | None]] = set()
        self.regions: set[tuple[str | None, str | None]] = set()
        self.failed: set[str | None] = set()  # accounts with an account-wide finding
        for row in rows:
            self.regions.add((row.account_id, row.region))
            if row.status != "SKIPPED":
                self.judged.add((row.account_id, row.region, _resource(row)))
            if row.region is None and row.findings:
                self.failed.add(row.account_id)

    def reason(self, item: FindingRef) -> str | None:
        """None when the place is judged now (so the finding is resolved), else why not."""
        account_id, region = item.account_id, item.region
        if account_id is None or (account_id, region, item.resource_arn) in self.judged:
            return None  # the inputs as a whole are judged by every report
        entry = self.accounts.get(account_id)
        if entry is None:
            return "account not in the inputs"
        if not entry.covered:
            return f"account skipped ({entry.skip_reason or 'no reason given'})"
        if region is None:
            return None  # covered now: its account-wide finding went away
        if (account_id, region) not in self.regions:
            if account_id in self.failed:
                return "region not judged (see the account's own finding)"
            return "region no longer covered"
        return "file system no longer found"


def _check_same_organization(report: Report, earlier: Earlier) -> None:
    """Exit 2 when the two reports are of different organizations: their differences would
    read as findings resolved and accounts added by the hundred."""
    before, after = set(earlier.organizations), set(report.summary.organizations)
    if before and after and before != after:
        raise _error(
            earlier.source,
            earlier.source,
            f"is a report of {_organizations(before)}, this one is of {_organizations(after)};"
            " compare reports of one organization",
        )


def _organizations(ids: set[str]) -> str:
    return ("organization " if len(ids) == 1 else "organizations ") + ", ".join(sorted(ids))


def _identities(
    rows: Iterable[tuple[str | None, str | None, str | None, Iterable[tuple[str, str]]]],
) -> dict[tuple[str | None, str | None, str, str | None], FindingRef]:
    """One entry per identity; several sentences of one kind in one place are kept together."""
    found: dict[tuple[str | None, str | None, str, str | None], FindingRef] = {}
    for account_id, region, resource_arn, findings in rows:
        for kind, text in findings:
            key = (account_id, region, kind, resource_arn)
            earlier = found.get(key)
            detail = f"{earlier.detail} {text}" if earlier else text
            found[key] = FindingRef(account_id, region, kind, detail, resource_arn)
    return found


def _order(key: tuple[str | None, str | None, str, str | None]) -> tuple[str, ...]:
    return tuple(part or "" for part in key)


def _resource(row: ReportRow) -> str | None:
    return getattr(row, "resource_arn", None)


def _covered(entry: AccountEntry | None) -> bool:
    return entry is not None and entry.covered


def _state(entry: AccountEntry | None) -> str:
    if entry is None:
        return "absent"
    if entry.covered:
        return "covered"
    return f"skipped ({entry.skip_reason or 'no reason given'})"


def _change(
    named: AccountEntry, was: AccountEntry | None, now: AccountEntry | None
) -> AccountChange:
    return AccountChange(
        named.account_id, named.account_name, named.ou_path, _state(was), _state(now)
    )


def _error(path: str, field: str, message: str) -> InputError:
    return InputError([Problem(path, FLAG if field == path else field, path, message)])


def as_json(changes: Changes) -> dict[str, Any]:
    """The contract's `changes` object."""
    return {
        "since": changes.since,
        "since_input": changes.since_input,
        "new_findings": [_finding_json(item) for item in changes.new_findings],
        "resolved_findings": [_finding_json(item) for item in changes.resolved_findings],
        "accounts_added": [item._asdict() for item in changes.accounts_added],
        "accounts_removed": [item._asdict() for item in changes.accounts_removed],
        "no_longer_reported": [_finding_json(item) for item in changes.no_longer_reported],
    }


def _finding_json(item: FindingRef | GoneFinding) -> dict[str, str | None]:
    document = item._asdict()
    if document["resource_arn"] is None:
        del document["resource_arn"]
    return document


def with_changes(report: Report, earlier: Earlier) -> Report:
    """The report with its changes section, and the earlier report among the files it read;
    exit 2 (InputError) for a report of another organization."""
    _check_same_organization(report, earlier)
    hashes = {**report.summary.input_sha256, earlier.source: earlier.sha256}
    return replace(
        report,
        summary=replace(report.summary, input_sha256=hashes),
        changes=compare(report, earlier),
    )
