"""AWS partitions and their regions, from botocore's own data.

`partition_of_region` reads botocore's `partitions.json` without importing botocore, so that a
report (which needs the partition of each region's ARNs) loads no AWS SDK; `backup_regions`
asks botocore's endpoint data, and imports it when first called.
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
def backup_regions() -> frozenset[str]:
    """Every region of every partition where botocore knows an AWS Backup endpoint."""
    import botocore.session

    session = botocore.session.get_session()
    regions: set[str] = set()
    for partition in session.get_available_partitions():
        regions.update(session.get_available_regions("backup", partition_name=partition))
    known = {
        region
        for partition in _partitions()["partitions"]
        for region in partition["regions"]
        if re.match(partition["regionRegex"], region)
    }
    return frozenset(regions & known)


def partition_of_region(region: str) -> str:
    for partition in _partitions()["partitions"]:
        if region in partition["regions"]:
            return partition["id"]
    return "aws"
