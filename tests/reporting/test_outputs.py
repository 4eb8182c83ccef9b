"""`-f/--format` and `-o/--out` as a user types them: several formats from one run share one
report and one timestamp; a format and a file name that disagree are refused in one line."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.support.reports import FIXED_TIME


def test_several_formats_in_one_run_share_one_timestamp(report, small, write, tmp_path: Path):
    out = tmp_path / "out"

    result = report(
        "-i", write("m.json", small), "-f", "csv,md", "-f", "html,json", "-o", f"{out}/"
    )

    assert result.code == 1  # findings
    names = sorted(path.name for path in out.iterdir())
    stamp = FIXED_TIME.replace("-", "").replace(":", "")
    organization = small["organization"]["id"]
    assert names == sorted(
        f"org-backup-report-{organization}-{stamp}.{ext}" for ext in ("csv", "md", "html", "json")
    )
    [json_file] = out.glob("*.json")
    assert json.loads(json_file.read_text())["summary"]["generated_at"] == FIXED_TIME
    [line] = result.err.splitlines()
    assert (
        line.startswith("report: NON_COMPLIANT, 2 findings; wrote ") and line.count(str(out)) == 4
    )


def test_md_is_markdown_and_one_format_to_a_directory_is_named_too(
    report, small, write, tmp_path: Path
):
    manifest = write("m.json", small)
    assert (
        report("-i", manifest, "-f", "md").out == report("-i", manifest, "--format", "markdown").out
    )
    (tmp_path / "dir").mkdir()
    assert report("-i", manifest, "-f", "md", "-o", str(tmp_path / "dir")).code == 1
    [written] = (tmp_path / "dir").iterdir()
    assert re.fullmatch(r"org-backup-report-o-\w+-\d{8}T\d{6}Z\.md", written.name)


def test_a_format_and_a_file_that_disagree_are_refused(report, small, write, tmp_path: Path):
    manifest = write("m.json", small)
    cases = {
        ("-f", "html", "-o", str(tmp_path / "x.csv")): "the extension says csv, --format says html;"
        " name it x.html or drop --format",
        ("-f", "csv,html"): "several formats need -o DIRECTORY/",
        ("-o", str(tmp_path / "report.txt")): "the extension .txt names no format",
    }
    for args, message in cases.items():
        result = report("-i", manifest, *args)
        assert result.code == 2, args
        [line] = result.err.splitlines()
        assert line.startswith("error: command line: ") and message in line, line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json"]
