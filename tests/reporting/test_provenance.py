"""Provenance: when a report was made and the sha256 of every file it read, in every format."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support.reports import FIXED_TIME


def test_every_format_names_the_time_and_the_digest_of_each_input(report, small, write) -> None:
    first = write("a.json", small)
    second_document = {**small, "accounts": [], "shard": {"index": 0, "count": 1}}
    second_document["organization"] = {"id": "o-other", "management_account_id": "123412341234"}
    second = write("b.json", second_document)
    digests = {
        path: hashlib.sha256(Path(path).read_bytes()).hexdigest() for path in (first, second)
    }
    args = ("--input", first, "--input", second)

    summary = json.loads(report(*args, "--format", "json").out)["summary"]
    markdown = report(*args).out
    html = report(*args, "--format", "html").out
    rows = list(csv.DictReader(io.StringIO(report(*args, "--format", "csv").out)))

    assert summary["generated_at"] == FIXED_TIME
    assert summary["input_sha256"] == digests
    for path, digest in digests.items():
        assert f"{path}: {digest}" in markdown and f"{path}: {digest}" in html
    assert f"| Generated at | {FIXED_TIME} |" in markdown
    assert f"<td>{FIXED_TIME}</td>" in html
    expected = "; ".join(f"{path}:{digest}" for path, digest in digests.items())
    assert rows and all(
        (row["generated_at"], row["input_sha256"]) == (FIXED_TIME, expected) for row in rows
    )


def test_the_digest_is_of_the_bytes_read_so_any_change_shows(report, small, write) -> None:
    path = write("m.json", small)
    before = json.loads(report("--input", path, "--format", "json").out)["summary"]
    Path(path).write_text(json.dumps(small) + " ")
    after = json.loads(report("--input", path, "--format", "json").out)["summary"]

    assert before["input_sha256"][path] != after["input_sha256"][path]
    assert after["input_sha256"][path] == hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_without_a_fixed_clock_generated_at_is_now_in_utc(
    report, small, write, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    before = datetime.now(UTC).replace(microsecond=0)

    stamp = json.loads(report("--input", write("m.json", small), "--format", "json").out)[
        "summary"
    ]["generated_at"]

    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp)
    made = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert before <= made <= datetime.now(UTC)


def test_a_bad_source_date_epoch_is_exit_2(report, small, write, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")

    result = report("--input", write("m.json", small))

    assert result.code == 2
    assert "SOURCE_DATE_EPOCH" in result.err and "whole seconds since 1970" in result.err
