"""The report's inputs: manifests or `pulumi stack output --json` files (read by
`manifest.reader`), merged into one view of the organization.

Inputs that are fine one by one but do not add up to a whole rollout (a missing shard) are
findings (exit 1); two inputs that cover the same account are an InputError (exit 2).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from org_backup.errors import MISSING, InputError, Problem
from org_backup.manifest.model import Account
from org_backup.manifest.reader import LoadedManifest, load_manifest
from org_backup.manifest.skip_reasons import POLICY_SKIP_REASONS
from org_backup.reporting.copies import NO_CENTRAL, CentralIndex
from org_backup.reporting.kinds import SHARDS_INCOMPLETE
from org_backup.reporting.model import Finding


@dataclass(frozen=True, slots=True)
class Inputs:
    """The merged view: each account once, and the findings about the inputs as a whole.

    `input_sha256` is the digest of each file as read; `synthesized` holds the ids of the
    accounts taken from a synth output.
    """

    sources: tuple[str, ...]
    organization_ids: tuple[str, ...]
    accounts: tuple[Account, ...]
    findings: tuple[Finding, ...]
    input_sha256: dict[str, str] = field(default_factory=dict)
    synthesized: frozenset[str] = frozenset()
    central: CentralIndex = NO_CENTRAL


def read_inputs(paths: Sequence[str]) -> Inputs:
    """Load every file, then merge; all problems of all files are raised together."""
    loaded: list[LoadedManifest] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            loaded.append(load_manifest(path))
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    _check_given_once(loaded)
    chosen = merge_accounts(loaded)
    return Inputs(
        sources=tuple(item.source for item in loaded),
        organization_ids=tuple(dict.fromkeys(item.manifest.organization.id for item in loaded)),
        accounts=tuple(account for _, account in chosen),
        findings=shard_findings(loaded),
        input_sha256={item.source: item.sha256 for item in loaded},
        synthesized=frozenset(account.account_id for item, account in chosen if item.synthesized),
        central=CentralIndex.of(item.manifest.central for item in loaded),
    )


def merge_accounts(loaded: Sequence[LoadedManifest]) -> list[tuple[LoadedManifest, Account]]:
    """Each account once, with the input it was taken from, by account id: covered wins over
    skipped, a failed skip over a policy one.

    Raises InputError when two inputs (or one input twice) cover the same account: the report
    could not tell which deployment is the real one.
    """
    chosen: dict[str, tuple[LoadedManifest, int, Account]] = {}
    # Accounts covered by two inputs, per pair of inputs: one line per pair, not per account.
    overlaps: dict[tuple[str, str], list[Account]] = defaultdict(list)
    for item in loaded:
        for index, account in enumerate(item.manifest.accounts):
            earlier = chosen.get(account.account_id)
            if earlier is None or _rank(account) > _rank(earlier[2]):
                chosen[account.account_id] = (item, index, account)
            elif account.status == "covered" and earlier[2].status == "covered":
                overlaps[(earlier[0].source, item.source)].append(account)
    if overlaps:
        raise InputError([_overlap(pair, accounts) for pair, accounts in overlaps.items()])
    return [(chosen[key][0], chosen[key][2]) for key in sorted(chosen)]


def _overlap(pair: tuple[str, str], accounts: list[Account]) -> Problem:
    examples = ", ".join(f"{a.account_id} {a.name}" for a in accounts[:2])
    count = f"{len(accounts)} account{' is' if len(accounts) == 1 else 's are'}"
    return Problem(
        f"{pair[0]} and {pair[1]}",
        "(document)",
        MISSING,
        f"{count} covered in both (e.g. {examples}); give each stack or shard once",
    )


def _check_given_once(loaded: Sequence[LoadedManifest]) -> None:
    """The same file (or the same bytes) twice is one slip, said in one line."""
    seen: dict[str, str] = {}
    for item in loaded:
        earlier = seen.get(item.sha256)
        seen.setdefault(item.sha256, item.source)
        if earlier is not None:
            same = item.source if earlier == item.source else f"{item.source} (= {earlier})"
            raise InputError(
                [Problem("command line", "--input", MISSING, f"{same} is given twice")]
            )


def _rank(account: Account) -> int:
    if account.status == "covered":
        return 2
    return 0 if account.skip_reason in POLICY_SKIP_REASONS else 1


def shard_findings(loaded: Sequence[LoadedManifest]) -> tuple[Finding, ...]:
    """Findings for every organization whose inputs are not exactly one of each shard."""
    by_organization: dict[str, list[LoadedManifest]] = defaultdict(list)
    for item in loaded:
        by_organization[item.manifest.organization.id].append(item)
    findings: list[str] = []
    for organization, items in by_organization.items():
        findings.extend(_organization_shard_findings(organization, items))
    return tuple(Finding(SHARDS_INCOMPLETE, finding) for finding in findings)


def _organization_shard_findings(organization: str, items: list[LoadedManifest]) -> list[str]:
    counts: dict[int, list[str]] = defaultdict(list)
    sources_by_shard: dict[tuple[int, int], list[str]] = defaultdict(list)
    for item in items:
        shard = item.manifest.shard
        counts[shard.count].append(item.source)
        sources_by_shard[(shard.count, shard.index)].append(item.source)
    findings: list[str] = []
    if len(counts) > 1:
        said = ", ".join(
            f"{' and '.join(sources)} {'say' if len(sources) > 1 else 'says'} {count}"
            for count, sources in sorted(counts.items())
        )
        findings.append(
            f"Organization {organization}: the inputs disagree on the shard count ({said})."
            " Give the manifests of one rollout, all with the same shard count."
        )
    for count in sorted(counts):
        for index in range(count):
            sources = sources_by_shard.get((count, index), [])
            if not sources:
                findings.append(
                    f"Organization {organization}: shard {index} of {count} is missing (no input"
                    f" has shard index {index}), so its accounts are not in this report."
                )
            elif len(sources) > 1:
                findings.append(
                    f"Organization {organization}: shard {index} of {count} is given"
                    f" {len(sources)} times ({', '.join(sources)}), but each shard must be given once."
                )
    return findings
