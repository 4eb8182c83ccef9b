"""Where a report came from: when it was made and the digest of every file it read.

`SOURCE_DATE_EPOCH` (the reproducible-builds convention, seconds since 1970 UTC) fixes the
clock, so that a CI job or a golden test can make byte-identical reports.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from org_backup.errors import InputError, Problem
from org_backup.manifest.reader import sha256_hex

EPOCH_VARIABLE = "SOURCE_DATE_EPOCH"


def report_time(now: datetime | None = None) -> str:
    """ISO 8601 in UTC to the second, e.g. 2026-11-30T05:00:00Z."""
    epoch = os.environ.get(EPOCH_VARIABLE)
    if now is None and epoch:
        try:
            now = datetime.fromtimestamp(int(epoch), UTC)
        except (ValueError, OverflowError, OSError):
            raise InputError(
                [Problem(EPOCH_VARIABLE, EPOCH_VARIABLE, epoch, "must be whole seconds since 1970")]
            ) from None
    return (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def file_hashes(paths: Iterable[Path]) -> dict[str, str]:
    """Digest of each file that exists, keyed by the path as given (a missing one is left out:
    the command that needs it has already said so)."""
    hashes = {}
    for path in paths:
        try:
            hashes[str(path)] = sha256_hex(path.read_bytes())
        except OSError:
            continue
    return hashes
