"""Report fixtures: run `python -m org_backup report` in-process, and build manifests to read.

`fixed_clock` is on for every test under tests/reporting (its conftest.py)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from org_backup.cli import main

DATA = Path(__file__).parents[1] / "reporting" / "data"
FIXED_EPOCH = "1796014800"  # 2026-11-30T05:00:00Z
FIXED_TIME = "2026-11-30T05:00:00Z"
# The flags the golden files of data/ were made with (tests/reporting/test_formats.py).
GOLDEN_ARGS = (
    "--min-retention-days",
    "35",
    "--required-regions",
    "us-east-1",
    "eu-west-1",
    "--require-vault-lock",
    "--max-interval-hours",
    "24",
)


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reports made in one test compare equal, and golden files stay byte-identical:
    SOURCE_DATE_EPOCH fixes `generated_at`, as it does for a reproducible CI job."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)


class Result(NamedTuple):
    code: int
    out: str
    err: str


@pytest.fixture
def report(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """`report(*args)` runs the CLI's report command and returns its exit code and output."""

    def run(*args: str) -> Result:
        code = main(["report", *args])
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run


@pytest.fixture
def small() -> dict[str, Any]:
    """A fresh copy of data/small.json to alter per test."""
    return json.loads((DATA / "small.json").read_text())


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, Any], str]:
    """`write(name, document)` saves JSON under tmp_path and returns its path."""

    def save(name: str, document: Any) -> str:
        path = tmp_path / name
        path.write_text(json.dumps(document) if not isinstance(document, str) else document)
        return str(path)

    return save


@pytest.fixture
def manifest() -> Callable[..., dict[str, Any]]:
    """`manifest(accounts, regions, index=0, count=1)`: every account covered and compliant."""
    template = json.loads((DATA / "small.json").read_text())["accounts"][0]["regions"][0]

    def build(
        accounts: int, regions: tuple[str, ...] = ("us-east-1",), index: int = 0, count: int = 1
    ) -> dict[str, Any]:
        def region(name: str) -> dict[str, Any]:
            return {**copy.deepcopy(template), "region": name}

        return {
            "schema_version": 1,
            "organization": {"id": "o-exampleorg1", "management_account_id": "999988887777"},
            "shard": {"index": index, "count": count},
            "accounts": [
                {
                    "account_id": f"{100000000000 + number * count + index}",
                    "name": f"account-{number * count + index}",
                    "ou_path": "Root/Workloads",
                    "status": "covered",
                    "regions": [region(name) for name in regions],
                }
                for number in range(accounts)
            ],
        }

    return build
