"""Reading inputs: bad files exit 2 naming the file; shards merge, or their gaps are findings."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest


def ids_of(result) -> list[str | None]:
    return [row["account_id"] for row in json.loads(result.out)["rows"]]


def test_missing_input_exits_2_naming_the_file_and_writes_nothing(report, tmp_path) -> None:
    missing, out = tmp_path / "outputs.json", tmp_path / "report.csv"

    result = report("--input", str(missing), "--out", str(out))

    assert result.code == 2
    assert f"{missing}: --input" in result.err
    assert "no such file" in result.err
    assert "Traceback" not in result.err
    assert not out.exists()


def test_malformed_json_exits_2_naming_the_file_and_the_line(report, write) -> None:
    path = write("outputs.json", '{\n  "schema_version": 1,\n  "accounts": [\n}')

    result = report("--input", path)

    assert result.code == 2
    assert f"{path}: line 4 column 1" in result.err
    assert "is not valid JSON" in result.err


def test_empty_file_exits_2_saying_it_is_empty(report, write) -> None:
    path = write("outputs.json", "\n")

    result = report("--input", path)

    assert result.code == 2
    assert f"{path}: '\\n': is empty" in result.err


def test_unknown_schema_version_exits_2_naming_the_file(report, small, write) -> None:
    path = write("m.json", {**small, "schema_version": 2})

    result = report("--input", path)

    assert result.code == 2
    assert f"{path}: schema_version: 2: unknown schema_version" in result.err


def test_schema_violation_names_the_file_and_the_field(report, small, write) -> None:
    del small["accounts"][1]["ou_path"]
    small["accounts"][0]["regions"][0]["plan"]["rules"][0]["delete_after_days"] = "forever"
    path = write("m.json", small)

    result = report("--input", path)

    assert result.code == 2
    assert f"{path}: accounts.1.ou_path: required field is missing" in result.err
    assert f"{path}: accounts.0.regions.0.plan.rules.0.delete_after_days: 'forever'" in result.err


def test_every_bad_file_is_reported_at_once(report, small, write, tmp_path) -> None:
    good = write("good.json", small)
    bad = write("bad.json", "nope")

    result = report("--input", good, "--input", bad, "--input", str(tmp_path / "gone.json"))

    assert result.code == 2
    assert f"{bad}: line 1 column 1" in result.err
    assert f"{tmp_path / 'gone.json'}: --input" in result.err
    assert good not in result.err


def test_pulumi_stack_output_is_read_like_the_manifest(report, small, write) -> None:
    plain = report("--input", write("manifest.json", small), "--format", "csv")
    wrapped = report(
        "--input",
        write("outputs.json", {"org_backup": small, "other_output": "x"}),
        "--format",
        "csv",
    )

    assert wrapped.code == plain.code == 1
    # The same rows; only the provenance column names a different file.
    assert _without_digests(wrapped.out) == _without_digests(plain.out)


def _without_digests(text: str) -> list[list[str]]:
    return [line[:-1] for line in csv.reader(io.StringIO(text))]


def test_stack_output_errors_name_the_output(report, small, write) -> None:
    small["schema_version"] = "1"

    bad_version = report("--input", write("a.json", {"org_backup": small}))
    secret = report("--input", write("b.json", {"org_backup": "[secret]"}))
    other_stack = report("--input", write("c.json", {"bucket_name": "b"}))

    assert "org_backup.schema_version: '1': unknown schema_version" in bad_version.err
    assert "org_backup: '[secret]'" in secret.err
    assert "--show-secrets" in secret.err
    assert "keys: bucket_name" in other_stack.err
    assert {bad_version.code, secret.code, other_stack.code} == {2}


def test_stdin_is_an_input(report, small, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps({"org_backup": small})))

    result = report("--input", "-", "--format", "json")

    assert result.code == 1
    assert json.loads(result.out)["summary"]["inputs"] == ["<stdin>"]


def test_two_shards_merge_into_one_view(report, manifest, write) -> None:
    first = write("shard0.json", manifest(2, index=0, count=2))
    second = write("shard1.json", manifest(2, index=1, count=2))

    result = report("--input", second, "--input", first, "--format", "json")

    assert result.code == 0
    assert ids_of(result) == ["100000000000", "100000000001", "100000000002", "100000000003"]
    summary = json.loads(result.out)["summary"]
    assert (summary["accounts_covered"], summary["findings"]) == (4, [])
    assert summary["inputs"] == [second, first]


MISSING_SHARD = (
    "Organization o-exampleorg1: shard 1 of 3 is missing (no input has shard index 1), so its"
    " accounts are not in this report."
)


@pytest.mark.parametrize("format_name", ["csv", "json", "markdown", "html"])
def test_a_missing_shard_is_a_finding_in_every_format(report, manifest, write, format_name):
    shards = [write(f"s{i}.json", manifest(1, index=i, count=3)) for i in (0, 2)]

    result = report("--input", shards[0], "--input", shards[1], "--format", format_name)

    assert result.code == 1
    assert MISSING_SHARD in result.out


def test_missing_shard_row_has_no_account_and_comes_first(report, manifest, write) -> None:
    path = write("s0.json", manifest(1, index=0, count=2))

    rows = list(csv.DictReader(io.StringIO(report("--input", path, "--format", "csv").out)))

    assert rows[0]["account_id"] == "" and rows[0]["status"] == "NON_COMPLIANT"
    assert "shard 1 of 2 is missing" in rows[0]["findings"]
    assert [row["status"] for row in rows[1:]] == ["COMPLIANT"]


def test_shard_counts_that_disagree_are_a_finding(report, manifest, write) -> None:
    a = write("a.json", manifest(1, index=0, count=2))
    b = write("b.json", manifest(1, index=1, count=3))

    result = report("--input", a, "--input", b, "--format", "json")

    findings = json.loads(result.out)["summary"]["findings"]
    assert result.code == 1
    assert findings[0] == (
        f"Organization o-exampleorg1: the inputs disagree on the shard count ({a} says 2, {b} says"
        " 3). Give the manifests of one rollout, all with the same shard count."
    )
    assert "shard 1 of 2 is missing" in findings[1]


def test_a_shard_given_twice_is_a_finding(report, manifest, write) -> None:
    once = manifest(1, index=0, count=2)
    again = manifest(1, index=0, count=2)
    again["accounts"][0]["account_id"] = "200000000000"
    paths = [
        write("a.json", once),
        write("b.json", again),
        write("c.json", manifest(1, index=1, count=2)),
    ]

    result = report(*[arg for path in paths for arg in ("--input", path)], "--format", "json")

    assert result.code == 1
    assert json.loads(result.out)["summary"]["findings"] == [
        f"Organization o-exampleorg1: shard 0 of 2 is given 2 times ({paths[0]}, {paths[1]}),"
        " but each shard must be given once."
    ]


def test_the_same_input_twice_is_one_line(report, small, write) -> None:
    first, copy = write("prod.json", small), write("copy.json", small)

    for args in ((first, first), (first, copy)):
        result = report("--input", args[0], "--input", args[1])
        assert result.code == 2
        [line] = result.err.splitlines()
        assert line.startswith(f"error: command line: --input: {args[1]}")
        assert line.endswith("is given twice")


def test_two_inputs_that_overlap_are_one_line_per_pair(report, small, write) -> None:
    other = {**small, "shard": {"index": 0, "count": 1}, "accounts": small["accounts"][:2]}
    other["accounts"] = [{**small["accounts"][0]}, {**small["accounts"][1], "name": "renamed"}]
    first, second = write("prod.json", small), write("other.json", other)

    result = report("--input", first, "--input", second)

    assert result.code == 2
    [line] = result.err.splitlines()
    assert line.startswith(f"error: {first} and {second}: ")
    assert "covered in both (e.g. 111122223333 ml-prod" in line
    assert line.endswith("give each stack or shard once")


def test_a_report_given_as_input_is_named_for_what_it_is(report, small, write) -> None:
    first = write("prod.json", small)
    assert report("--input", first, "-f", "json", "-o", first.replace("prod", "r")).code == 1

    result = report("--input", first.replace("prod", "r"))

    assert result.code == 2
    [line] = result.err.splitlines()
    assert "is a report (report --format json), not a manifest" in line


def test_covered_in_one_input_and_skipped_in_another_is_one_covered_row(
    report, small, write
) -> None:
    other_stack = {
        **small,
        "accounts": [
            {
                **small["accounts"][2],
                "account_id": "111122223333",
                "skip_reason": "outside target OUs",
            }
        ],
    }

    result = report(
        "--input",
        write("a.json", other_stack),
        "--input",
        write("b.json", small),
        "--format",
        "json",
    )

    rows = [row for row in json.loads(result.out)["rows"] if row["account_id"] == "111122223333"]
    assert [(row["region"], row["status"]) for row in rows] == [
        ("eu-west-1", "COMPLIANT"),
        ("us-east-1", "COMPLIANT"),
    ]


@pytest.mark.parametrize(
    ("shard", "message"),
    [
        ({"index": 2, "count": 2}, "shard.index: 2: must be between 0 and 1"),
        ({"index": 0, "count": 0}, "shard.count: 0: must be 1 or more"),
    ],
)
def test_impossible_shard_exits_2(report, small, write, shard, message) -> None:
    path = write("m.json", {**small, "shard": shard})

    result = report("--input", path)

    assert result.code == 2
    assert f"{path}: {message}" in result.err


def test_unknown_required_region_exits_2_naming_the_flag(report, small, write) -> None:
    result = report("--input", write("m.json", small), "--required-regions", "eu-west1")

    assert result.code == 2
    assert "--required-regions: 'eu-west1': is not an AWS region" in result.err


def test_unwritable_out_exits_2_naming_it(report, small, write, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    out = tmp_path / "a-file" / "report.html"  # a directory that cannot exist

    result = report("--input", write("m.json", small), "--out", str(out))

    assert result.code == 2
    assert f"{out}: --out" in result.err
    assert "cannot be written" in result.err


@pytest.mark.parametrize("flag", ["--min-retention-days", "--max-interval-hours"])
def test_thresholds_must_be_positive(report, small, write, flag) -> None:
    with pytest.raises(SystemExit) as exit_info:
        report("--input", write("m.json", small), flag, "0")

    assert exit_info.value.code == 2
