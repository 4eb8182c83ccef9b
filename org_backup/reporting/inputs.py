"""Read the report's inputs: manifests or `pulumi stack output --json`, validated and merged.

Everything wrong with a file is an InputError (exit 2) naming the file; inputs that are fine
one by one but do not add up to a whole rollout (a missing shard) are findings (exit 1).
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import ValidationError

from org_backup.coverage.model import POLICY_SKIP_REASONS
from org_backup.errors import MISSING, InputError, Problem, problems_from_validation
from org_backup.manifest.model import SCHEMA_VERSION, Account, Manifest
from org_backup.reporting.copies import NO_CENTRAL, CentralIndex
from org_backup.reporting.kinds import SHARDS_INCOMPLETE
from org_backup.reporting.model import Finding
from org_backup.reporting.provenance import sha256_hex

STDIN = "-"
STACK_OUTPUT_KEY = "org_backup"


@dataclass(frozen=True, slots=True)
class LoadedManifest:
    """One input; `synthesized` when it carries synth's `resources` (nothing in it is deployed)."""

    source: str
    manifest: Manifest
    sha256: str = ""
    synthesized: bool = False


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


def load_manifest(path: str, flag: str = "--input") -> LoadedManifest:
    """One file (`-` is stdin): a manifest, or stack outputs holding it under `org_backup`."""
    source, data, document = _load(path, flag)
    return replace(parse_manifest(source, document), sha256=sha256_hex(data))


def load_document(path: str, flag: str) -> tuple[str, Any]:
    """One JSON file (`-` is stdin), decoded, and how messages name it; for readers that accept
    other documents than manifests too (`--previous` takes a `pulumi stack export`)."""
    source, _, document = _load(path, flag)
    return source, document


def _load(path: str, flag: str) -> tuple[str, bytes, Any]:
    source = "<stdin>" if path == STDIN else path
    data = _read_bytes(path, source, flag)
    return source, data, _parse_json(source, _decode(data, source, path, flag))


def parse_manifest(source: str, document: Any) -> LoadedManifest:
    """A decoded JSON document: a manifest, or stack outputs holding it under `org_backup`."""
    prefix = ""
    if isinstance(document, dict) and "schema_version" not in document:
        if STACK_OUTPUT_KEY in document:
            document, prefix = document[STACK_OUTPUT_KEY], f"{STACK_OUTPUT_KEY}."
        elif "accounts" not in document:
            raise InputError([_not_a_manifest(source, document)])
    if not isinstance(document, dict):
        raise InputError([_not_an_object(source, prefix, document)])
    version = document.get("schema_version", MISSING)
    if version is not MISSING and (type(version) is not int or version != SCHEMA_VERSION):
        raise InputError(
            [
                Problem(
                    source,
                    f"{prefix}schema_version",
                    version,
                    f"unknown schema_version; this org-backup reads schema_version"
                    f" {SCHEMA_VERSION}; upgrade org-backup to read newer manifests",
                )
            ]
        )
    # synth's registered resources: not needed for a report, but they say nothing is deployed
    synthesized = document.pop("resources", None) is not None
    try:
        manifest = Manifest.model_validate(document)
    except ValidationError as error:
        raise InputError(problems_from_validation(error, source, prefix)) from None
    _check_shard(source, prefix, manifest)
    return LoadedManifest(source, manifest, synthesized=synthesized)


def merge_accounts(loaded: Sequence[LoadedManifest]) -> list[tuple[LoadedManifest, Account]]:
    """Each account once, with the input it was taken from, by account id: covered wins over
    skipped, a failed skip over a policy one.

    Raises InputError when two inputs (or one input twice) cover the same account: the report
    could not tell which deployment is the real one.
    """
    chosen: dict[str, tuple[LoadedManifest, int, Account]] = {}
    problems: list[Problem] = []
    for item in loaded:
        for index, account in enumerate(item.manifest.accounts):
            earlier = chosen.get(account.account_id)
            if earlier is None or _rank(account) > _rank(earlier[2]):
                chosen[account.account_id] = (item, index, account)
            elif account.status == "covered" and earlier[2].status == "covered":
                problems.append(
                    Problem(
                        item.source,
                        f"accounts.{index}.account_id",
                        account.account_id,
                        f"account {account.account_id} ({account.name}) is covered here and in"
                        f" {earlier[0].source} (accounts.{earlier[1]}); give each stack or shard"
                        " once",
                    )
                )
    if problems:
        raise InputError(problems)
    return [(chosen[key][0], chosen[key][2]) for key in sorted(chosen)]


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


def _check_shard(source: str, prefix: str, manifest: Manifest) -> None:
    shard = manifest.shard
    if shard.count < 1:
        raise InputError(
            [Problem(source, f"{prefix}shard.count", shard.count, "must be 1 or more")]
        )
    if not 0 <= shard.index < shard.count:
        raise InputError(
            [
                Problem(
                    source,
                    f"{prefix}shard.index",
                    shard.index,
                    f"must be between 0 and {shard.count - 1} (shard.count is {shard.count})",
                )
            ]
        )


def _read_bytes(path: str, source: str, flag: str) -> bytes:
    """The file's bytes as read, so that its digest is of exactly what was judged."""
    try:
        if path == STDIN:
            stream = sys.stdin
            return stream.buffer.read() if hasattr(stream, "buffer") else stream.read().encode()
        with open(path, "rb") as file:
            return file.read()
    except FileNotFoundError:
        message = "no such file; give a manifest from synth or `pulumi stack output --json`"
    except IsADirectoryError:
        message = "is a directory; give a manifest file"
    except OSError as error:
        message = f"cannot be read: {error.strerror}"
    raise InputError([Problem(source, flag, path, message)])


def _decode(data: bytes, source: str, path: str, flag: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        message = f"is not UTF-8 text (byte {error.start}); give a JSON manifest"
    raise InputError([Problem(source, flag, path, message)])


def _parse_json(source: str, text: str) -> Any:
    if not text.strip():
        raise InputError(
            [
                Problem(
                    source,
                    "(document)",
                    text,
                    "is empty; did `pulumi stack output --json` fail while writing it?",
                )
            ]
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        near = error.doc[error.pos : error.pos + 20]
        raise InputError(
            [
                Problem(
                    source,
                    f"line {error.lineno} column {error.colno}",
                    near,
                    f"is not valid JSON: {error.msg}",
                )
            ]
        ) from None


def _not_a_manifest(source: str, document: dict[str, Any]) -> Problem:
    keys = ", ".join(sorted(document)) or "none"
    return Problem(
        source,
        "(document)",
        f"keys: {keys}",
        "is neither a manifest (no schema_version) nor `pulumi stack output --json` holding"
        f" the output {STACK_OUTPUT_KEY}; give synth's manifest or the org-backup stack's outputs",
    )


def _not_an_object(source: str, prefix: str, value: Any) -> Problem:
    field = prefix.rstrip(".") or "(document)"
    hint = (
        "; the output is secret: run `pulumi stack output --json --show-secrets`"
        if value == "[secret]"
        else ""
    )
    shown = "a JSON array" if isinstance(value, list) else value
    return Problem(source, field, shown, f"must be a JSON object (the manifest){hint}")
