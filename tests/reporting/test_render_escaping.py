"""Names come from the organization, so a hostile one must stay text in every human format."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import cmarkgfm
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
    headers = re.findall(r'<th scope="col" title="([a-z_]+)"><button type="button">', page)
    assert headers[0] == "account_id" and headers[-3:] == ["findings", "copy_to", "guardrails"]
    assert len(headers) == 16
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


# A hostile manifest: not only names, but the ids and regions every format prints as well.
BREAKOUT = '"><script>alert(9)</script><img src=x onerror=alert(8)>'
LINK = "[Approve](https://x.example/approve) www.x.example ops@x.example ![i](https://x/i.png)"


@pytest.fixture
def hostile_manifest(small, write) -> str:
    account = small["accounts"][1]
    account["account_id"] = f"2222{BREAKOUT}"
    account["name"] = LINK
    account["ou_path"] = f"Root/{LINK}"
    account["regions"][0]["region"] = f"us-east-1{BREAKOUT}"
    account["regions"][0]["vault"]["name"] = BREAKOUT
    small["organization"]["id"] = f"o-{BREAKOUT}"
    return write("hostile.json", small)


def _rendered(markdown: str) -> str:
    """What GitHub shows: its own renderer (cmark-gfm), as in a job summary or a comment."""
    return cmarkgfm.github_flavored_markdown_to_html(markdown)


def test_a_hostile_manifest_stays_text_in_html(report, hostile_manifest) -> None:
    page = report("--input", hostile_manifest, "--format", "html", "--require-vault-lock").out

    assert page.count("<script>") == 1 and "<img" not in page
    assert "alert(9)</script>" not in page
    assert 'data-filter="2222&quot;&gt;&lt;script&gt;' in page  # the tile's account id
    assert not re.search(r'=\s*"[^"]*"\s*>\s*<script', page)
    tags = _tags(page)  # what a browser builds: no element or attribute came from the input
    assert [tag for tag, _ in tags if tag in ("script", "img", "a")] == ["script"]
    assert not [name for _, attrs in tags for name in attrs if name.startswith("on")]
    assert not [name for _, attrs in tags for name in attrs if name in ("src", "href")]


def _tags(page: str) -> list[tuple[str, list[str]]]:
    found: list[tuple[str, list[str]]] = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, [name for name, _ in attrs]))

    Tags().feed(page)
    return found


def test_a_hostile_manifest_stays_text_in_markdown_as_github_renders_it(
    report, hostile_manifest
) -> None:
    text = report("--input", hostile_manifest, "--require-vault-lock").out
    html = _rendered(text)

    assert "<script" not in html and "<img" not in html and "<a " not in html
    assert "&lt;script&gt;alert(9)&lt;/script&gt;" in html
    assert "[Approve](https://x.example/approve)" in html  # shown as the characters it is
    tables = [block.splitlines() for block in text.split("\n\n") if block.startswith("| ")]
    for table in tables:
        assert {line.count(" | ") for line in table} == {table[0].count(" | ")}


def test_a_hostile_manifest_stays_data_in_csv_and_json(report, hostile_manifest) -> None:
    rows = list(csv.reader(io.StringIO(report("--input", hostile_manifest, "--format", "csv").out)))
    assert {len(row) for row in rows} == {len(rows[0])}  # no cell broke out of its column
    assert any(row[0] == f"2222{BREAKOUT}" for row in rows)
    document = json.loads(report("--input", hostile_manifest, "--format", "json").out)
    assert f"us-east-1{BREAKOUT}" in {row["region"] for row in document["rows"]}


def test_shard_summary_renders_hostile_names_inert(small, write, tmp_path, capsys) -> None:
    from org_backup.cli import main

    previous = json.loads(json.dumps(small))
    small["accounts"][1]["name"] = LINK
    small["accounts"][1]["degraded"] = f"<b>{BREAKOUT}</b>"
    small["accounts"].append({**small["accounts"][1], "account_id": "777788889999"})
    synth = write("synth.json", {**small, "resources": []})
    digest = tmp_path / "preview.json"
    digest.write_text(json.dumps({"steps": [{"op": "create", "urn": "a```\n# x"}]}))
    args = ["shard-summary", "--shard", f"shard-{LINK}", "--synth", synth]
    assert main([*args, "--previous", write("prev.json", previous), "--preview", str(digest)]) == 0
    out = capsys.readouterr().out
    html = _rendered(out)

    assert "<a " not in html and "<img" not in html and "<script" not in html and "<b>" not in html
    assert "[Approve](https://x.example/approve)" in html
    assert "<h1>" not in html  # the step's newline and backticks stayed inside the listing
