"""A 1,000-account x 4-region organization is reported in every format well within 2 seconds."""

from __future__ import annotations

import json
import time

REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2")


def test_every_format_of_4000_account_regions_within_2_seconds(report, manifest, write) -> None:
    path = write("big.json", manifest(1000, REGIONS))
    flags = ("--min-retention-days", "35", "--require-vault-lock", "--max-interval-hours", "24")
    timings, outputs = {}, {}
    for format_name in ("csv", "json", "markdown", "html"):
        start = time.perf_counter()
        result = report("--input", path, "--format", format_name, *flags)
        timings[format_name] = time.perf_counter() - start
        outputs[format_name] = result.out
        assert result.code == 0

    assert max(timings.values()) < 2, timings
    assert len(json.loads(outputs["json"])["rows"]) == 4000
    assert outputs["csv"].count("\r\n") == 4001
    assert outputs["html"].count("<tr class=") == 4000
