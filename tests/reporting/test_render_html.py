"""The HTML report people read from the top: what its static markup (before any script runs)
holds above the row table, and what stays folded away."""

from __future__ import annotations

import re
from dataclasses import fields, replace
from html.parser import HTMLParser

import pytest

from tests.support.reports import GOLDEN_ARGS

CHECKS = GOLDEN_ARGS  # every optional check on, as for the golden files


class Tables(HTMLParser):
    """Every table's rows as cell texts, by the id of the heading above it; scripts ignored."""

    def __init__(self) -> None:
        super().__init__()
        self.heading: str | None = None
        self.tables: dict[str, list[list[str]]] = {}
        self.order: list[str] = []
        self._cells: list[str] | None = None
        self._text: list[str] | None = None
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._in_script = True
        elif tag == "h2":
            self.heading = dict(attrs).get("id") or ""
            self.order.append(self.heading)
        elif tag == "tr":
            self._cells = []
        elif tag in ("td", "th") and self._cells is not None:
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False
        elif tag in ("td", "th") and self._cells is not None and self._text is not None:
            self._cells.append(" ".join("".join(self._text).split()))
            self._text = None
        elif tag == "tr" and self._cells is not None:
            self.tables.setdefault(self.heading or "summary", []).append(self._cells)
            self._cells = None

    def handle_data(self, data: str) -> None:
        if self._text is not None and not self._in_script:
            self._text.append(data)


@pytest.fixture
def page(report, small, write) -> str:
    return report("--input", write("m.json", small), "--format", "html", *CHECKS).out


def parsed(page: str) -> Tables:
    tables = Tables()
    tables.feed(page[: page.index("<script>")])  # static markup only
    return tables


def test_the_ou_rollup_counts_nested_ous_into_their_parents(page) -> None:
    rollup = parsed(page).tables["by-ou"]

    assert rollup[0] == ["OU", "Accounts covered", "Account-regions compliant", "%", "Compliant"]
    assert [row[:4] for row in rollup[1:]] == [
        ["Root", "2 of 5", "2 of 5", "40%"],
        ["Data", "0 of 1", "0 of 1", "0%"],
        ["ML", "2 of 2", "2 of 4", "50%"],
        ["Dev", "1 of 1", "0 of 2", "0%"],
        ["Prod", "1 of 1", "2 of 2", "100%"],
        ["Sandbox", "0 of 1", "0 of 0", "n/a"],
    ]
    # a bar per OU, drawn with a width in the markup, and the full path on hover
    assert page.count('<span class="bar" role="img"') == 5
    assert '<span style="width:50%"></span>' in page
    assert 'title="Root/ML/Dev"' in page


def test_findings_are_grouped_by_kind_with_counts(report, small, write) -> None:
    small["accounts"][0]["regions"][0]["plan"]["rules"][0]["delete_after_days"] = 7
    page = report("--input", write("m.json", small), "--format", "html", *CHECKS).out

    kinds = parsed(page).tables["by-kind"]

    assert kinds[0] == ["Kind", "Findings", "Account-regions"]
    assert kinds[1] == ["retention below minimum", "2", "2"]
    assert sorted(row[0] for row in kinds[2:]) == [
        "required region missing",
        "schedule interval too long",
        "selection not EFS-only",
        "skipped by failure",
        "vault lock missing",
    ]
    assert "<summary>retention below minimum: 2</summary>" in page


def test_the_overview_comes_before_the_row_table(page) -> None:
    order = parsed(page).order

    assert order == ["by-ou", "by-kind", "map", "details"]


def test_the_heatmap_has_a_tile_per_account_and_a_square_per_region(page) -> None:
    tiles = re.findall(
        r'<span class="tile( failed)?" title="([^"]*)" data-filter="(\d+)">(.*?)</span>', page
    )

    assert len(tiles) == 5
    by_id = {account: (failed, squares) for failed, _, account, squares in tiles}
    # regions in order eu-west-1, us-east-1: ml-prod compliant in both, ml "dev" failing in
    # both (eu-west-1 is required but not covered)
    assert by_id["111122223333"] == ("", "<i class=C></i><i class=C></i>")
    assert by_id["222233334444"] == ("", "<i class=N></i><i class=N></i>")
    assert by_id["444455556666"][0] == " failed"  # skipped because its role was refused
    assert by_id["333344445555"] == ("", "<i class=S></i><i class=S></i>")


def test_noisy_columns_are_folded_away_until_asked_for(page) -> None:
    headers = re.findall(r'<th scope="col"><button type="button">([a-z_]+)</button></th>', page)
    noisy = ("vault_name", "plan_id", "plan_version", "selection")
    positions = [headers.index(name) + 1 for name in noisy]

    assert positions == [6, 7, 8, 13]
    hidden = ", ".join(f"#rows tr > :nth-child({n})" for n in positions)
    assert f"{hidden} {{ display: none; }}" in page
    for n in positions:
        assert f"#noisy:checked ~ #rows tr > :nth-child({n})" in page
    assert '<input id="noisy" type="checkbox"' in page
    assert "show vault_name, plan_id, plan_version, selection" in page


def test_the_page_prints(page) -> None:
    """A print stylesheet: no controls, colours kept, headers not stuck over rows."""
    print_css = page[page.index("@media print") : page.index("</style>")]

    assert ".controls" in print_css and "print-color-adjust: exact" in print_css


def test_the_audit_columns_fold_the_same_columns(small, write) -> None:
    """Audit adds resource_arn after region: the folded positions follow the names."""
    from org_backup.audit.checks import AuditRow
    from org_backup.reporting.checks import build_report
    from org_backup.reporting.inputs import read_inputs
    from org_backup.reporting.kinds import Thresholds
    from org_backup.reporting.model import AUDIT_COLUMNS, ReportRow
    from org_backup.reporting.render_html import render_html

    report = build_report(read_inputs([write("m.json", small)]), Thresholds())
    rows = tuple(
        AuditRow(**{field.name: getattr(row, field.name) for field in fields(ReportRow)})
        for row in report.rows
    )

    html = render_html(replace(report, rows=rows), AUDIT_COLUMNS)

    hidden = "#rows tr > :nth-child(7), #rows tr > :nth-child(8), #rows tr > :nth-child(9)"
    assert f"{hidden}, #rows tr > :nth-child(14) {{ display: none; }}" in html
