"""HTML: one self-contained page (no external script, style, font or image) a central team reads
from the top: the summary, what changed, compliance per OU, findings by kind, the accounts with
findings at a glance per OU, then the detailed table, opening on what is wrong (a status
control, sortable, filterable, one line per value, noisy columns folded).

Everything above the table is static markup: it reads (and prints) with scripts off. Every value
from the inputs goes through html.escape, in text and attributes alike; table cells are also
made spreadsheet-safe, as Excel opens HTML tables. The script embeds no data: it only filters,
sorts and hides rows, turns a click on a kind or an account into a filter, and a click on a cut
value into the whole value.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from html import escape

from org_backup.reporting.checks import file_system_subject, subject_of
from org_backup.reporting.labels import ChangeItem, change_sections, summary_items
from org_backup.reporting.model import (
    REPORT_COLUMNS,
    AccountChange,
    Changes,
    Finding,
    GoneFinding,
    Report,
    ReportRow,
    cell_text,
    spreadsheet_safe,
)
from org_backup.reporting.rollup import AccountTile, findings_by_kind, heatmap, ou_rollup

# Column headers people read; the CSV/JSON name stays in each header's title
LABELS = {
    "account_id": "Account",
    "account_name": "Name",
    "ou_path": "OU path",
    "region": "Region",
    "resource_arn": "File system",
    "status": "Status",
    "vault_name": "Vault",
    "plan_id": "Plan id",
    "plan_version": "Plan version",
    "schedule": "Schedule",
    "delete_after_days": "Delete after (d)",
    "cold_storage_after_days": "Cold after (d)",
    "vault_lock": "Vault lock",
    "selection": "Selection",
    "findings": "Findings",
    "copy_to": "Copies to",
    "guardrails": "Guardrails",
}
# The table opens on what is wrong: rows in this order of status, then by OU path, account, region
STATUS_ORDER = {"NON_COMPLIANT": 0, "COMPLIANT": 1, "SKIPPED": 2}
STATUS_CHOICES = (
    ("NON_COMPLIANT", "Non-compliant"),
    ("COMPLIANT", "Compliant"),
    ("SKIPPED", "Skipped"),
)
# Cells holding ARNs, shown by their last part (the full ARN in the title)
ARN_COLUMNS = ("copy_to", "resource_arn")

# Folded away until asked for: opaque ids, and what is the same on nearly every row (a selection
# or vault that differs from the policy is a finding anyway)
NOISY_COLUMNS = (
    "vault_name",
    "plan_id",
    "plan_version",
    "cold_storage_after_days",
    "selection",
    "copy_to",
)
# Left off the printed page too, so that the findings keep room on A4 (every row is still there)
UNPRINTED_COLUMNS = ("guardrails",)
EXAMPLES_PER_KIND = 20
# Fixed column widths (em of the table's 13px font): the browser lays out 4,000 rows without measuring every cell, and
# the findings column takes the rest. Columns not named here get DEFAULT_WIDTH.
WIDTHS = {
    "account_id": 8.5,
    "account_name": 7.5,
    "ou_path": 11,
    "region": 8,
    "resource_arn": 10,
    "status": 8.8,
    "vault_name": 8,
    "plan_id": 17,
    "plan_version": 12,
    "schedule": 8.5,
    "delete_after_days": 5,
    "cold_storage_after_days": 5,
    "vault_lock": 8,
    "selection": 10.5,
    "copy_to": 12,
    "guardrails": 7.5,
}
DEFAULT_WIDTH = 8
FINDINGS_MIN_WIDTH = 24
# With scripts on, only this many matching rows are on screen until "show all" is clicked:
# the browser then lays out (and re-lays out on every filter and sort) those alone.
ROWS_ON_SCREEN = 500

_STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1b1b1b; }
h1 { margin: 0 0 0.5rem; } h2 { margin: 1.5rem 0 0.5rem; font-size: 1.2rem; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.45rem; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
table.summary th, table.grid thead th { background: #f4f4f4; }
table.summary td { overflow-wrap: anywhere; }
.plan { background: #fff4d6; border: 1px solid #d9a400; padding: 0.4rem 0.7rem; max-width: 60rem; }
.status-NON_COMPLIANT { color: #b00020; font-weight: bold; }
.status-COMPLIANT { color: #1e7b34; font-weight: bold; }
.bar { width: 12rem; height: 0.8rem; background: #e7b4b4; display: inline-block; }
.bar > span { display: block; height: 100%; background: #3c9a55; }
.bar.none { background: #ddd; }
.ou1 { padding-left: 1.2rem; } .ou2 { padding-left: 2.4rem; } .ou3 { padding-left: 3.6rem; }
.ou4 { padding-left: 4.8rem; } .ou5 { padding-left: 6rem; }
button.link { all: unset; cursor: pointer; color: #0645ad; text-decoration: underline; }
details { margin: 0.2rem 0; } details ul { margin: 0.2rem 0 0.5rem; }
.legend i, .tile i { display: inline-block; width: 0.7rem; height: 0.7rem; margin-right: 1px; }
.legend i { vertical-align: middle; margin: 0 0.2rem 0 0.8rem; }
.block { margin: 0.5rem 0 0.8rem; }
.block h3 { font-size: 13px; font-weight: normal; margin: 0 0 0.2rem; }
.block h3 strong { font-weight: 600; }
.tiles { display: flex; flex-wrap: wrap; gap: 4px; }
.tile { display: inline-flex; align-items: center; gap: 1px; padding: 1px 4px 1px 2px;
  border: 1px solid #ddd; border-radius: 3px; cursor: pointer; font-size: 12px; }
.tile b { font-weight: normal; margin-right: 4px; }
.tiles.dense .tile { padding: 1px; border-color: transparent; }
.tile i { width: 0.75rem; height: 0.75rem; }
fieldset.status { display: inline; border: 0; padding: 0; margin: 0 1rem 0 0; }
fieldset.status label { margin-right: 0.8rem; white-space: nowrap; }
.tile.failed { border-color: #b00020; }
i.C { background: #3c9a55; } i.N { background: #c62828; } i.S, i.X { background: #cfcfcf; }
i.X { background: repeating-linear-gradient(45deg, #eee 0 2px, #bbb 2px 4px); }
#filter { width: 30rem; max-width: 100%; padding: 0.3rem; margin: 0.5rem 0; }
section.table { content-visibility: auto; contain-intrinsic-size: auto 100000px; }
#rows { width: 100%; table-layout: fixed; font-size: 13px; }
#rows thead th { position: sticky; top: 0; background: #e8e8e8; vertical-align: bottom;
  overflow-wrap: normal; word-break: normal; hyphens: manual; }
#rows thead button { all: inherit; cursor: pointer; border: 0; padding: 0; }
#rows th[aria-sort=ascending] button::after { content: " \\25B2"; }
#rows th[aria-sort=descending] button::after { content: " \\25BC"; }
#rows td, #rows th { padding: 0.2rem 0.25rem; }
#rows td { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
#rows td.f { white-space: normal; overflow-wrap: break-word; }
#rows td.ou { white-space: normal; overflow-wrap: normal; }
#rows td.open { white-space: normal; overflow-wrap: anywhere; }
#rows td.f b { font-weight: 600; }
#rows tr.NON_COMPLIANT td { background: #fdecea; }
#rows tr.SKIPPED td { color: #666; }
#rows tr.more { display: none; }
#printed { display: none; }
@media print {
  body { margin: 0; font-size: 10px; }
  .controls, #rows thead button::after { display: none; }
  #printed:not([hidden]) { display: block; }
  #rows thead th { position: static; }
  #rows tr.more:not([hidden]) { display: table-row; }
  #rows { min-width: 0 !important; font-size: 8.5px; }
  tr, .tile, details { break-inside: avoid; }
  .bar, .bar > span, i, #rows tr.NON_COMPLIANT td, .plan {
    -webkit-print-color-adjust: exact; print-color-adjust: exact;
  }
}
""".strip()

_SCRIPT = """
(function () {
  var table = document.getElementById("rows");
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var more = document.getElementById("more");
  var printed = document.getElementById("printed");
  var paged = rows.length > %(limit)d;
  var count = rows.length;
  function page() {  // only the first rows on screen: the browser lays out those alone
    var index = 0;
    rows.forEach(function (row) {
      if (row.hidden) { return; }
      var beyond = paged && index >= %(limit)d;
      if (row.classList.contains("more") !== beyond) { row.classList.toggle("more", beyond); }
      index += 1;
    });
    var cut = paged && count > %(limit)d;
    more.hidden = !cut;
    more.textContent = "show all " + count;
    shown.textContent = count + " of " + rows.length + " rows" +
      (cut ? ", the first %(limit)d on screen" : "");
    printed.hidden = count === rows.length;  // a printed page says what it leaves out
    printed.textContent = "Printed: the " + count + " of " + rows.length + " rows that match" +
      " the status and words chosen above the table; choose All and clear the words for every row.";
  }
  more.addEventListener("click", function () { paged = false; page(); });
  var texts = null;
  var filter = document.getElementById("filter");
  var shown = document.getElementById("shown");
  var choices = document.getElementById("status");
  choices.hidden = false;  // with scripts off every row shows, so no status to choose
  function chosen() {
    var checked = choices.querySelector("input:checked");
    return checked ? checked.value : "";
  }
  function apply() {
    var status = chosen();
    var words = filter.value.toLowerCase().split(/\\s+/).filter(Boolean);
    if (texts === null && words.length) {
      texts = new Map();
      rows.forEach(function (row) {
        texts.set(row, (row.textContent + " " + (row.getAttribute("data-k") || "")).toLowerCase());
      });
    }
    count = 0;
    rows.forEach(function (row) {
      var text = words.length ? texts.get(row) : "";
      var hit = (status === "" || row.classList.contains(status)) &&
        words.every(function (word) { return text.indexOf(word) !== -1; });
      if (row.hidden === hit) { row.hidden = !hit; }
      if (hit) { count += 1; }
    });
    page();
  }
  filter.addEventListener("input", apply);
  choices.addEventListener("change", apply);
  document.addEventListener("click", function (event) {
    var cell = event.target.closest("#rows td");
    if (cell && cell.scrollWidth > cell.clientWidth + 1 || cell && cell.classList.contains("open")) {
      cell.classList.toggle("open");  // a cut value shown whole, and back
      return;
    }
    var target = event.target.closest("[data-filter]");
    if (!target) { return; }
    filter.value = target.getAttribute("data-filter");
    choices.querySelector("input[value='']").checked = true;  // the kind or account in every status
    apply();
    filter.scrollIntoView();
  });
  var collator = new Intl.Collator(undefined, { numeric: true });
  function compare(a, b) {
    if (a !== "" && b !== "" && !isNaN(a) && !isNaN(b)) { return Number(a) - Number(b); }
    return collator.compare(a, b);
  }
  table.tHead.addEventListener("click", function (event) {
    var header = event.target.closest("th");
    if (!header) { return; }
    var column = header.cellIndex;
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(header.parentNode.cells, function (cell) {
      cell.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var keyed = rows.map(function (row) { return [row.cells[column].textContent, row]; });
    keyed.sort(function (x, y) { return ascending ? compare(x[0], y[0]) : compare(y[0], x[0]); });
    rows = keyed.map(function (pair) { return pair[1]; });
    var fragment = document.createDocumentFragment();
    rows.forEach(function (row) { fragment.appendChild(row); });
    body.appendChild(fragment);
    page();
  });
  apply();
})();
""".strip()


def render_html(report: Report, columns: Sequence[str] = REPORT_COLUMNS) -> str:
    summary = report.summary
    title = "org-backup compliance report" + (" (plan)" if summary.planned else "")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>",
        f"<style>\n{_STYLE}\n{_column_style(columns)}\n</style></head>",
        "<body>",
        f"<h1>{title}</h1>",
    ]
    if summary.planned:
        parts.append(
            '<p class="plan"><strong>This is a plan, not a deployment.</strong> It was judged'
            " with <code>--planned</code>: on its policy alone. Nothing here shows that the"
            " vaults, plans and selections exist in AWS; report on the stack outputs after"
            " <code>pulumi up</code> for that.</p>"
        )
    parts.append('<table class="summary"><tbody>')
    for label, value in summary_items(summary):
        status = f' class="status-{escape(value)}"' if label == "Status" else ""
        parts.append(
            f'<tr><th scope="row">{escape(label)}</th><td{status}>{escape(value)}</td></tr>'
        )
    parts.append("</tbody></table>")
    if summary.findings:
        parts.append("<h2>Findings about the inputs</h2><ul>")
        parts.extend(f"<li>{escape(finding.text)}</li>" for finding in summary.findings)
        parts.append("</ul>")
    if report.changes is not None:
        parts.extend(_changes(report.changes))
    parts.extend(_rollup(report))
    parts.extend(_kinds(report))
    parts.extend(_heatmap(report))
    parts.extend(_table(report, columns))
    parts.append(f"<script>\n{_SCRIPT % {'limit': ROWS_ON_SCREEN}}\n</script>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _column_style(columns: Sequence[str]) -> str:
    """Column widths by position (a fixed layout: the browser need not measure 4,000 rows),
    the noisy columns hidden until the box above the table is ticked (CSS only), and the
    columns left off the printed page."""
    rules = [
        f"#rows tr > :nth-child({n}) {{ width: {_width(column):g}em; }}"
        for n, column in enumerate(columns, 1)
        if column != "findings"
    ]
    positions = [columns.index(name) + 1 for name in NOISY_COLUMNS if name in columns]
    if positions:
        cells = ", ".join(f"#rows tr > :nth-child({n})" for n in positions)
        shown = ", ".join(f"#noisy:checked ~ #rows tr > :nth-child({n})" for n in positions)
        rules += [f"{cells} {{ display: none; }}", f"{shown} {{ display: table-cell; }}"]
    unprinted = [columns.index(name) + 1 for name in UNPRINTED_COLUMNS if name in columns]
    if unprinted:
        cells = ", ".join(f"#rows tr > :nth-child({n})" for n in unprinted)
        rules.append(f"@media print {{ {cells} {{ display: none; }} }}")
    return "\n".join(rules)


def _changes(changes: Changes) -> list[str]:
    """The same lists as Markdown's section, each item one line of escaped text/markup."""
    parts = [
        f"<h2>What changed since {escape(changes.since)}</h2>",
        f"<p>Compared with {escape(changes.since_input)}.</p>",
    ]
    for heading, note, items in change_sections(changes):
        parts.append(f"<h3>{escape(heading)}: {len(items)}</h3>")
        if note and items:
            parts.append(f"<p>{escape(note)}</p>")
        parts.append(
            "<ul>" + "".join(f"<li>{_change_item(item)}</li>" for item in items) + "</ul>"
            if items
            else "<p>None.</p>"
        )
    return parts


def _change_item(item: ChangeItem) -> str:
    if isinstance(item, AccountChange):
        return (
            f"{escape(item.account_id)} ({escape(item.account_name)}, {escape(item.ou_path)}):"
            f" {escape(item.was)} &rarr; {escape(item.now)}"
        )
    where = " ".join(part for part in (item.account_id, item.region, item.resource_arn) if part)
    text = (
        f"{escape(where or 'inputs')}: <strong>{escape(item.finding)}</strong>:"
        f" {escape(item.detail)}"
    )
    return f"{text} ({escape(item.reason)})" if isinstance(item, GoneFinding) else text


def _rollup(report: Report) -> list[str]:
    lines = ou_rollup(report)
    if not lines:
        return []
    parts = [
        '<h2 id="by-ou">Compliance by OU</h2>',
        "<p>Each OU counts everything under it. Bar: account-regions compliant"
        " (green) of those judged.</p>",
        '<table class="grid rollup"><thead><tr><th>OU</th><th class="n">Accounts covered</th>'
        '<th class="n">Account-regions compliant</th><th class="n">%</th><th>Compliant</th>'
        "</tr></thead><tbody>",
    ]
    for line in lines:
        percent = line.percent
        bar = (
            '<span class="bar none" role="img" aria-label="nothing judged"></span>'
            if percent is None
            else f'<span class="bar" role="img" aria-label="{percent:g}% compliant">'
            f'<span style="width:{percent:g}%"></span></span>'
        )
        name = line.path.rsplit("/", 1)[-1] if line.depth else line.path
        parts.append(
            f'<tr><td class="ou{min(line.depth, 5)}" title="{escape(line.path)}">{escape(name)}</td>'
            f'<td class="n">{line.accounts_covered} of {line.accounts}</td>'
            f'<td class="n">{line.compliant} of {line.judged}</td>'
            f'<td class="n">{"n/a" if percent is None else f"{percent:g}%"}</td>'
            f"<td>{bar}</td></tr>"
        )
    parts.append("</tbody></table>")
    return parts


def _kinds(report: Report) -> list[str]:
    """One table: each kind's count, its first sentences folded under it, and a way to its rows."""
    kinds = findings_by_kind(report.rows, EXAMPLES_PER_KIND)
    parts = ['<h2 id="by-kind">Findings by kind</h2>']
    if not kinds:
        return [*parts, "<p>None: every covered account-region passed every check.</p>"]
    parts.append(
        '<table class="grid kinds"><thead><tr><th>Kind</th><th class="n">Findings</th>'
        '<th class="n">Account-regions</th><th>Rows</th></tr></thead><tbody>'
    )
    for kind in kinds:
        more = kind.findings - len(kind.examples)
        parts.append(
            f"<tr><td><details><summary>{escape(kind.kind)}</summary><ul>"
            + "".join(f"<li>{escape(text)}</li>" for text in kind.examples)
            + "</ul>"
            + (f"<p>and {more:,} more in the table below.</p>" if more else "")
            + f'</details></td><td class="n">{kind.findings:,}</td>'
            f'<td class="n">{kind.places:,}</td><td><button type="button" class="link"'
            f' data-filter="{escape(kind.kind)}">show rows</button></td></tr>'
        )
    parts.append("</tbody></table>")
    return parts


def _heatmap(report: Report) -> list[str]:
    """Per OU, its label and counts on a line of their own, then a named tile for each account
    with a finding; the accounts with none folded under one line."""
    regions, by_ou = heatmap(report)
    if not by_ou:
        return []
    parts = [
        '<h2 id="map">Account-regions at a glance</h2>',
        '<p class="legend">Per OU, one tile per account with a finding, one square per region,'
        f" left to right: <strong>{escape(', '.join(regions))}</strong>.<br><i class=C></i>"
        "compliant <i class=N></i>non-compliant <i class=S></i>account skipped <i class=X></i>"
        "region not covered; a red frame: a finding about the whole account. Click a tile to"
        " filter the table below.</p>",
        '<div class="map">',
    ]
    for path, tiles in by_ou.items():
        wrong = [tile for tile in tiles if _has_finding(tile)]
        fine = [tile for tile in tiles if not _has_finding(tile)]
        skipped = sum(not tile.covered for tile in fine)
        counts = [
            f"{count:,} {label}"
            for count, label in (
                (len(fine) - skipped, "compliant"),
                (len(wrong), "with findings"),
                (skipped, "skipped"),
            )
            if count
        ]
        accounts = f"{len(tiles):,} account{'s' if len(tiles) != 1 else ''}"
        parts.append(
            f'<div class="block"><h3><strong>{escape(path)}</strong> &mdash; {accounts}:'
            f" {', '.join(counts)}</h3>"
        )
        if wrong:
            parts.append('<div class="tiles">')
            parts.extend(_tile(tile, regions, named=True) for tile in wrong)
            parts.append("</div>")
        if fine:
            label = f"{len(fine):,} without findings" if wrong else "every account"
            parts.append(f'<details><summary>{label}</summary><div class="tiles dense">')
            parts.extend(_tile(tile, regions, named=False) for tile in fine)
            parts.append("</div></details>")
        parts.append("</div>")
    parts.append("</div>")
    return parts


def _has_finding(tile: AccountTile) -> bool:
    return tile.account_failed or "NON_COMPLIANT" in tile.regions.values()


def _tile(tile: AccountTile, regions: Sequence[str], *, named: bool) -> str:
    squares = "".join(
        f"<i class={(tile.regions.get(region) or ('X' if tile.covered else 'S'))[0]}></i>"
        for region in regions
    )
    failed = " failed" if tile.account_failed else ""
    label = escape(f"{tile.name} ({tile.account_id})")
    name = f"<b>{escape(tile.name)}</b>" if named else ""
    return (
        f'<span class="tile{failed}" title="{label}" data-filter="{escape(tile.account_id)}">'
        f"{name}{squares}</span>"
    )


def _table(report: Report, columns: Sequence[str]) -> list[str]:
    """The row table, in a section the browser lays out only once it is scrolled into view
    (content-visibility), so that the overview above it shows at once. Rows come in the order
    of STATUS_ORDER, and a status control shows the non-compliant ones first where any is."""
    count = len(report.rows)
    folded = ", ".join(LABELS.get(name, name) for name in NOISY_COLUMNS if name in columns)
    visible = [column for column in columns if column not in NOISY_COLUMNS]
    least = sum(_width(column) for column in visible if column != "findings")
    statuses = Counter(row.status for row in report.rows)
    default = "NON_COMPLIANT" if statuses["NON_COMPLIANT"] else ""
    choices = [
        *((value, f"{label} ({statuses[value]:,})") for value, label in STATUS_CHOICES),
        ("", f"All ({count:,})"),
    ]
    radios = "".join(
        f'<label><input type="radio" name="status" value="{value}"'
        f"{' checked' if value == default else ''}> {escape(text)}</label>"
        for value, text in choices
    )
    parts = [
        '<h2 id="details">Every row</h2>',
        '<section class="table">',
        f'<div class="controls"><fieldset class="status" id="status" hidden><legend hidden>Status'
        f"</legend>{radios}</fieldset>"
        '<input id="filter" type="search"'
        ' placeholder="Filter rows: every word must match"'
        ' aria-label="Filter rows" aria-controls="rows">'
        f' <span id="shown">{count} of {count} rows</span>'
        ' <button type="button" id="more" hidden></button></div>',
        '<p id="printed" hidden></p>',
    ]
    if folded:
        parts.append(
            f'<input id="noisy" type="checkbox" class="controls"> <label for="noisy"'
            f' class="controls">show {escape(folded)}</label>'
        )
    parts.append(f'<table id="rows" style="min-width:{least + FINDINGS_MIN_WIDTH:g}em"><thead><tr>')
    parts.extend(
        f'<th scope="col" title="{escape(column)}"><button type="button">'
        f"{escape(LABELS.get(column, column))}</button></th>"
        for column in columns
    )
    parts.append("</tr></thead><tbody>")
    parts.extend(_row(row, columns) for row in _ordered(report.rows))
    parts.append("</tbody></table></section>")
    return parts


def _ordered(rows: Sequence[ReportRow]) -> list[ReportRow]:
    """What is wrong first; the inputs' own row first of all; then OU path, account, region."""
    return sorted(
        rows,
        key=lambda row: (
            STATUS_ORDER[row.status],
            row.account_id is not None,
            row.ou_path or "",
            row.account_id or "",
            row.region or "",
        ),
    )


def _width(column: str) -> float:
    return WIDTHS.get(column, DEFAULT_WIDTH)


def _row(row: ReportRow, columns: Sequence[str]) -> str:
    cells = "".join(_cell(row, column) for column in columns)
    kinds = "|".join(dict.fromkeys(finding.kind for finding in row.findings))
    data = f' data-k="{escape(kinds)}"' if kinds else ""
    return f'<tr class="{escape(row.status)}"{data}>{cells}</tr>'


def _cell(row: ReportRow, column: str) -> str:
    """Findings as kind and detail (the sentence less the account and region the row's own
    cells show; the whole sentence in the title); OU paths breakable at each "/" only; ARNs
    by their short form (the ARN in the title); every other value on one line, a long one cut
    (a click shows it whole)."""
    if column == "findings":
        return (
            '<td class="f">' + "".join(_finding(row, finding) for finding in row.findings) + "</td>"
        )
    text = spreadsheet_safe(cell_text(row, column))
    if not text:
        return "<td></td>"
    if column == "ou_path":
        return '<td class="ou">' + "/<wbr>".join(escape(part) for part in text.split("/")) + "</td>"
    if column not in ARN_COLUMNS:
        return f"<td>{escape(text)}</td>"
    shown = " | ".join(_short_arn(arn, row.region) for arn in text.split(" | "))
    return f'<td title="{escape(text)}">{escape(shown)}</td>'


def _finding(row: ReportRow, finding: Finding) -> str:
    text = finding.text
    for region in dict.fromkeys((row.region, None)):
        prefix = f"{subject_of(row.account_id, row.account_name, region)}: "
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    resource = getattr(row, "resource_arn", None)  # an audit row's file system
    if resource and text.startswith(named := file_system_subject(resource)):
        rest = text[len(named) :]  # the row's File system cell names it
        text = rest[2:] if rest.startswith(": ") else "it" + rest
    detail = escape(spreadsheet_safe(text))
    return f'<div title="{escape(finding.text)}"><b>{escape(finding.kind)}</b>: {detail}</div>'


def _short_arn(arn: str, row_region: str | None) -> str:
    """`org-backup-central (111122223333)` for a vault ARN (its region too when it is not the
    row's), the resource id for any other ARN."""
    parts = arn.split(":")
    if len(parts) < 6 or parts[0] != "arn":
        return arn
    region, account, resource = parts[3], parts[4], ":".join(parts[5:])
    if resource.startswith("backup-vault:"):
        where = account if region in ("", row_region) else f"{account}, {region}"
        return f"{resource.split(':', 1)[1]} ({where})"
    return resource.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
