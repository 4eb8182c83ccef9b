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

    assert kinds[0] == ["Kind", "Findings", "Account-regions", "Rows"]
    assert kinds[1][1:] == ["2", "2", "show rows"]
    assert kinds[1][0].startswith("retention below minimum")
    assert "Account 111122223333 (ml-prod) us-east-1: retention 7 days" in kinds[1][0]
    assert sorted(row[0].split("Account ")[0] for row in kinds[2:]) == [
        "required region missing",
        "schedule interval too long",
        "selection not EFS-only",
        "skipped by failure",
        "vault lock missing",
    ]
    # the count once, in the table: the examples fold under the kind's own cell
    assert page.count("<summary>retention below minimum</summary>") == 1
    assert "retention below minimum: 2" not in page


def test_the_overview_comes_before_the_row_table(page) -> None:
    order = parsed(page).order

    assert order == ["by-ou", "by-kind", "map", "details"]


def test_the_map_labels_each_ou_and_names_the_accounts_with_findings(page) -> None:
    tiles = re.findall(
        r'<span class="tile( failed)?" title="([^"]*)" data-filter="(\d+)">(.*?)</span>', page
    )

    assert len(tiles) == 5
    by_id = {account: (failed, squares) for failed, _, account, squares in tiles}
    # regions in order eu-west-1, us-east-1: ml-prod compliant in both, ml "dev" failing in
    # both (eu-west-1 is required but not covered); only accounts with a finding are named
    assert by_id["111122223333"] == ("", "<i class=C></i><i class=C></i>")
    assert by_id["222233334444"] == ("", "<b>ml &quot;dev&quot;</b><i class=N></i><i class=N></i>")
    assert by_id["444455556666"][0] == " failed"  # skipped because its role was refused
    assert by_id["333344445555"] == ("", "<i class=S></i><i class=S></i>")
    labels = re.findall(
        r'<div class="block"><h3><strong>([^<]*)</strong> &mdash; ([^<]*)</h3>', page
    )
    assert labels == [
        ("Root", "1 account: 1 skipped"),
        ("Root/Data", "1 account: 1 with findings"),
        ("Root/ML/Dev", "1 account: 1 with findings"),
        ("Root/ML/Prod", "1 account: 1 compliant"),
        ("Root/Sandbox", "1 account: 1 skipped"),
    ]
    # the accounts without a finding folded under one line of their block
    assert page.count('<details><summary>every account</summary><div class="tiles dense">') == 3


def test_noisy_columns_are_folded_away_until_asked_for(page) -> None:
    headers = re.findall(r'<th scope="col" title="([a-z_]+)">', page)
    noisy = ("vault_name", "plan_id", "plan_version", "cold_storage_after_days", "selection")
    positions = [headers.index(name) + 1 for name in (*noisy, "copy_to")]

    assert positions == [6, 7, 8, 11, 13, 15]
    hidden = ", ".join(f"#rows tr > :nth-child({n})" for n in positions)
    assert f"{hidden} {{ display: none; }}" in page
    for n in positions:
        assert f"#noisy:checked ~ #rows tr > :nth-child({n})" in page
    assert '<input id="noisy" type="checkbox"' in page
    assert "show Vault, Plan id, Plan version, Cold after (d), Selection, Copies to" in page


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

    hidden = ", ".join(f"#rows tr > :nth-child({n})" for n in (7, 8, 9, 12, 14, 16))
    assert f"{hidden} {{ display: none; }}" in html


def table_rows(page: str) -> list[str]:
    """Each row of the row table as markup, in page order."""
    body = page[page.index('<table id="rows"') :]
    return re.findall(r"<tr class=.*?</tr>", body[body.index("<tbody>") :])


def test_the_table_opens_on_what_is_wrong(page) -> None:
    statuses = [re.match(r'<tr class="(\w+)"', row).group(1) for row in table_rows(page)]  # type: ignore[union-attr]

    # non-compliant first (the skipped-by-failure account is one), then compliant, then skipped
    assert statuses == ["NON_COMPLIANT"] * 3 + ["COMPLIANT"] * 2 + ["SKIPPED"] * 2
    # and the status control starts on them, with the counts of each
    radios = re.findall(
        r'<input type="radio" name="status" value="(\w*)"( checked)?> ([^<]*)<', page
    )
    assert radios == [
        ("NON_COMPLIANT", " checked", "Non-compliant (3)"),
        ("COMPLIANT", "", "Compliant (2)"),
        ("SKIPPED", "", "Skipped (2)"),
        ("", "", "All (7)"),
    ]


def test_a_compliant_report_opens_on_every_row(report, small, write) -> None:
    compliant = {**small, "accounts": small["accounts"][:1]}
    page = report("--input", write("m.json", compliant), "--format", "html").out

    assert '<input type="radio" name="status" value="" checked> All (2)' in page


def test_cells_stay_one_line_and_findings_do_not_repeat_the_row(report, small, write) -> None:
    vault = "arn:aws:backup:eu-west-1:999988887777:backup-vault:org-backup-central"
    rule = small["accounts"][1]["regions"][0]["plan"]["rules"][0]
    rule["copy_actions"] = [{"destination_vault_arn": vault, "delete_after_days": 90}]
    page = report("--input", write("m.json", small), "--format", "html", *CHECKS).out
    rows = "".join(table_rows(page))

    # a copy ARN shown short, whole in its title; an OU path breaks at its slashes only
    assert f'<td title="{vault}">org-backup-central (999988887777, eu-west-1)</td>' in rows
    assert '<td class="ou">Root/<wbr>ML/<wbr>Dev</td>' in rows
    # a finding's cell says the kind and what is wrong; account and region are the row's cells
    cells = re.findall(r'<td class="f">(.*?)</td>', rows)
    assert "<b>vault lock missing</b>: " in "".join(cells)
    assert not re.search(r">[^<]*Account \d{12} \(", "".join(cells))
    assert re.search(r'<div title="Account 222233334444 \(ml &quot;dev&quot;\) us-east-1: ', rows)
    # headers people read, the CSV name in the title
    assert (
        '<th scope="col" title="delete_after_days"><button type="button">Delete after (d)' in page
    )


def test_the_summary_says_compliant_account_regions_once(page) -> None:
    summary = parsed(page).tables["summary"]
    labels = [row[0] for row in summary]

    assert ["Account-regions compliant", "2 of 5 (40%)"] in summary
    assert "Compliant account-regions" not in labels


def test_an_audit_finding_leaves_the_file_system_to_its_own_cell(small, write) -> None:
    from org_backup.audit.checks import AuditRow
    from org_backup.reporting.checks import build_report
    from org_backup.reporting.inputs import read_inputs
    from org_backup.reporting.kinds import Thresholds
    from org_backup.reporting.model import AUDIT_COLUMNS, Finding
    from org_backup.reporting.render_html import render_html

    report = build_report(read_inputs([write("m.json", small)]), Thresholds())
    arn = "arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/fs-0123"
    text = f"Account 111122223333 (ml-prod) us-east-1: EFS file system {arn}: its latest is old."
    row = AuditRow(
        "111122223333",
        "ml-prod",
        "Root/ML/Prod",
        "us-east-1",
        "NON_COMPLIANT",
        findings=(Finding("latest backup too old", text),),
        resource_arn=arn,
    )

    html = render_html(replace(report, rows=(row,)), AUDIT_COLUMNS)

    assert f'<td title="{arn}">fs-0123</td>' in html
    assert "<b>latest backup too old</b>: its latest is old.</div>" in html
