"""Read a manifest: a file (or stdin) holding the manifest, or `pulumi stack output --json`
holding it under `org_backup`, decoded and validated against `model.Manifest`.

Everything wrong with a document is an InputError (exit 2) naming the file and the field. The
report, the previous state (`--previous`, the stack's own last output) and the shard commands all
read manifests here, so each accepts exactly what the others do.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass, replace
from typing import Any

from pydantic import ValidationError

from org_backup.errors import MISSING, InputError, Problem, problems_from_validation
from org_backup.manifest.model import SCHEMA_VERSION, Manifest

STDIN = "-"
STACK_OUTPUT_KEY = "org_backup"


@dataclass(frozen=True, slots=True)
class LoadedManifest:
    """One input; `synthesized` when it carries synth's `resources` (nothing in it is deployed)."""

    source: str
    manifest: Manifest
    sha256: str = ""
    synthesized: bool = False


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
        if {"summary", "rows"} <= set(document):
            raise InputError([_not_a_manifest(source, document)])
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
    if {"summary", "rows"} <= set(document):
        return Problem(
            source,
            "(document)",
            MISSING,
            "is a report (report --format json), not a manifest; give the manifest it was made"
            " from, or pass the report to --since",
        )
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


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def whole_numbers(value: Any) -> Any:
    """The engine passes every number as a double (protobuf Struct): 1.0 back to 1, so that
    `schema_version` and the day counts read as the integers they were exported as (and as the
    engine writes them into its state: 90, not 90.0)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: whole_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [whole_numbers(item) for item in value]
    return value
