"""HTML: one self-contained page (no external assets) with a sortable, filterable table.

Every value from the inputs goes through html.escape, in text and attributes alike; the rows
are rendered as HTML, so the script embeds no data and only reorders and hides table rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from org_backup.reporting.labels import summary_items
from org_backup.reporting.model import REPORT_COLUMNS, Report, ReportRow, cell_text

_STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1b1b1b; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
table.summary th { background: #f4f4f4; }
#rows thead th { position: sticky; top: 0; background: #e8e8e8; }
#rows thead button { all: inherit; cursor: pointer; border: 0; padding: 0; }
#rows th[aria-sort=ascending] button::after { content: " \\25B2"; }
#rows th[aria-sort=descending] button::after { content: " \\25BC"; }
tr.NON_COMPLIANT td { background: #fdecea; }
tr.SKIPPED td { color: #666; }
.status-NON_COMPLIANT { color: #b00020; font-weight: bold; }
.status-COMPLIANT { color: #1e7b34; font-weight: bold; }
#filter { width: 30rem; max-width: 100%; padding: 0.3rem; margin: 1rem 0 0.5rem; }
""".strip()

_SCRIPT = """
(function () {
  var table = document.getElementById("rows");
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var filter = document.getElementById("filter");
  var shown = document.getElementById("shown");
  filter.addEventListener("input", function () {
    var words = filter.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var count = 0;
    rows.forEach(function (row) {
      var text = row.textContent.toLowerCase();
      var hit = words.every(function (word) { return text.indexOf(word) !== -1; });
      row.hidden = !hit;
      if (hit) { count += 1; }
    });
    shown.textContent = count + " of " + rows.length + " rows";
  });
  function compare(a, b) {
    if (a !== "" && b !== "" && !isNaN(a) && !isNaN(b)) { return Number(a) - Number(b); }
    return a.localeCompare(b);
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
    rows.forEach(function (row) { body.appendChild(row); });
  });
})();
""".strip()


def render_html(report: Report, columns: Sequence[str] = REPORT_COLUMNS) -> str:
    summary = report.summary
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>org-backup compliance report</title>",
        f"<style>\n{_STYLE}\n</style></head>",
        "<body>",
        "<h1>org-backup compliance report</h1>",
        '<table class="summary"><tbody>',
    ]
    for label, value in summary_items(summary):
        status = f' class="status-{escape(value)}"' if label == "Status" else ""
        parts.append(
            f'<tr><th scope="row">{escape(label)}</th><td{status}>{escape(value)}</td></tr>'
        )
    parts.append("</tbody></table>")
    if summary.findings:
        parts.append("<h2>Findings about the inputs</h2><ul>")
        parts.extend(f"<li>{escape(finding)}</li>" for finding in summary.findings)
        parts.append("</ul>")
    parts.append(
        '<input id="filter" type="search" placeholder="Filter rows: every word must match"'
        ' aria-label="Filter rows" aria-controls="rows">'
        f' <span id="shown">{len(report.rows)} of {len(report.rows)} rows</span>'
    )
    parts.append('<table id="rows"><thead><tr>')
    parts.extend(
        f'<th scope="col"><button type="button">{escape(column)}</button></th>'
        for column in columns
    )
    parts.append("</tr></thead><tbody>")
    parts.extend(_row(row, columns) for row in report.rows)
    parts.append("</tbody></table>")
    parts.append(f"<script>\n{_SCRIPT}\n</script>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _row(row: ReportRow, columns: Sequence[str]) -> str:
    cells = "".join(
        f"<td>{'<br>'.join(escape(finding) for finding in row.findings)}</td>"
        if column == "findings"
        else f"<td>{escape(cell_text(row, column))}</td>"
        for column in columns
    )
    return f'<tr class="{escape(row.status)}">{cells}</tr>'
