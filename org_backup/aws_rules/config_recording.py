"""Whether an AWS Config recorder records what Backup Audit Manager's controls need. Pure.

The customer managed recorder (DescribeConfigurationRecorders without names; at most one per
account and region) and its status (DescribeConfigurationRecorderStatus): the two calls AWS's own
AWSBackupAuditAccess policy grants for this. Service-linked recorders (`servicePrincipal` set)
record for one service only and do not count. The recording strategy decides what is recorded:
every supported type, the listed types, or every type but the excluded ones (botocore config
2014-11-12 RecordingGroup).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

ALL_SUPPORTED = "ALL_SUPPORTED_RESOURCE_TYPES"
INCLUSION = "INCLUSION_BY_RESOURCE_TYPES"
EXCLUSION = "EXCLUSION_BY_RESOURCE_TYPES"


@dataclass(frozen=True, slots=True)
class Recording:
    recorder: str | None  # None: no customer managed recorder
    recording: bool
    missing_types: tuple[str, ...]


def judge(
    recorders: Sequence[Mapping[str, Any]],
    statuses: Sequence[Mapping[str, Any]],
    needed: Iterable[str],
) -> Recording:
    """The answers of the two calls, against the resource types the controls need."""
    own = [recorder for recorder in recorders if not recorder.get("servicePrincipal")]
    if not own:
        return Recording(None, False, ())
    recorder = own[0]
    name = recorder.get("name") or "default"
    recording = any(
        status.get("name") == name and status.get("recording") is True for status in statuses
    )
    return Recording(name, recording, _missing(recorder.get("recordingGroup") or {}, needed))


def _missing(group: Mapping[str, Any], needed: Iterable[str]) -> tuple[str, ...]:
    """The needed types the recording group leaves out, sorted."""
    strategy = (group.get("recordingStrategy") or {}).get("useOnly")
    if strategy is None:
        # Before recording strategies: allSupported, else the listed types.
        strategy = ALL_SUPPORTED if group.get("allSupported", True) else INCLUSION
    wanted = set(needed)
    if strategy == ALL_SUPPORTED:
        left_out: set[str] = set()
    elif strategy == EXCLUSION:
        excluded = (group.get("exclusionByResourceTypes") or {}).get("resourceTypes") or ()
        left_out = wanted & set(excluded)
    else:
        left_out = wanted - set(group.get("resourceTypes") or ())
    return tuple(sorted(left_out))
