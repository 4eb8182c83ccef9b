"""Every format of a small manifest, compared byte for byte with a reviewed golden file.

data/small.json holds a compliant account in two regions, an account that fails every optional
check, and accounts skipped by policy and by failure. The golden files were written once by
this code and checked by eye; after an intended format change, regenerate them with
`python -m org_backup report --input small.json <GOLDEN_ARGS> --out expected.<ext>` run in
data/, and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.reports import GOLDEN_ARGS

DATA = Path(__file__).parent / "data"
GOLDEN = {
    "csv": "expected.csv",
    "json": "expected.json",
    "markdown": "expected.md",
    "html": "expected.html",
}


def golden(name: str) -> str:
    """Bytes as stored: the CSV's CRLF line ends are part of what is compared."""
    return (DATA / name).read_bytes().decode("utf-8")


@pytest.fixture(autouse=True)
def in_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    """The summary names its inputs as given; run where `small.json` is a stable name."""
    monkeypatch.chdir(DATA)


@pytest.mark.parametrize("format_name", GOLDEN)
def test_stdout_matches_the_golden_file(report, format_name: str) -> None:
    result = report("--input", "small.json", "--format", format_name, *GOLDEN_ARGS)

    assert result.code == 1
    assert result.out == golden(GOLDEN[format_name])


@pytest.mark.parametrize("format_name", GOLDEN)
def test_out_file_gets_the_format_of_its_extension(
    report, tmp_path: Path, format_name: str
) -> None:
    out = tmp_path / GOLDEN[format_name]

    result = report("--input", "small.json", "--out", str(out), *GOLDEN_ARGS)

    assert result.code == 1
    assert result.out == ""
    assert out.read_bytes().decode("utf-8") == golden(GOLDEN[format_name])
    assert f"report: NON_COMPLIANT, 6 findings; wrote {out}" in result.err
    assert not list(tmp_path.glob("*.partial"))


def test_default_format_is_markdown(report) -> None:
    result = report("--input", "small.json", *GOLDEN_ARGS)

    assert result.out == golden("expected.md")


def test_csv_is_rfc_4180(report) -> None:
    result = report("--input", "small.json", "--format", "csv", *GOLDEN_ARGS)

    lines = result.out.split("\r\n")
    assert lines[-1] == ""
    assert all("\n" not in line for line in lines)
    assert '"ml ""dev"""' in result.out
