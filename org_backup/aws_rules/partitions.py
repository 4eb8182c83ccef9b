"""AWS partitions and their regions, from botocore's own `partitions.json`, read without
importing botocore: a report, which needs the partition of each region's ARNs, loads no AWS SDK.
"""

from __future__ import annotations

import importlib.util
import json
import re
from functools import cache
from pathlib import Path


@cache
def _partitions() -> dict:
    spec = importlib.util.find_spec("botocore")
    assert spec is not None and spec.submodule_search_locations  # a dependency, always installed
    path = Path(spec.submodule_search_locations[0]) / "data" / "partitions.json"
    return json.loads(path.read_text())


@cache
def known_regions() -> frozenset[str]:
    """Every region botocore's partitions list by name (and their region pattern accepts)."""
    return frozenset(
        region
        for partition in _partitions()["partitions"]
        for region in partition["regions"]
        if re.match(partition["regionRegex"], region)
    )


def partition_of_region(region: str) -> str:
    for partition in _partitions()["partitions"]:
        if region in partition["regions"]:
            return partition["id"]
    return "aws"
