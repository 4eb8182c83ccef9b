"""A 1,000-account x 4-region organization is reported whole in every format.

How fast is measured by `make bench`, not here.
"""

from __future__ import annotations

import json

REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2")


def test_every_format_holds_all_4000_account_regions(report, manifest, write) -> None:
    path = write("big.json", manifest(1000, REGIONS))
    flags = ("--min-retention-days", "35", "--require-vault-lock", "--max-interval-hours", "24")
    outputs = {}
    for format_name in ("csv", "json", "markdown", "html"):
        result = report("--input", path, "--format", format_name, *flags)
        outputs[format_name] = result.out
        assert result.code == 0

    assert len(json.loads(outputs["json"])["rows"]) == 4000
    assert outputs["csv"].count("\r\n") == 4001
    assert outputs["html"].count("<tr class=") == 4000
