"""`make report-screenshots`: the HTML report of a 16-row and a 4,000-row organization, as a
browser shows it (PNG screenshots, the printed PDF and what it holds, the 16 rows with what
changed since a night before) and how fast the 4,000 rows load and filter there; exits 1 when the table's layout fails a check
(`layout_problems`: opens on a non-compliant row, one line per cell but the findings, headers
in at most two lines, every map block labelled).

    python -m bench.report_pages [--out build/report-pages]

Skips with a message (exit 0) where no Chromium is installed; see bench/browser.py.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bench.browser import find_browser, page_timings, print_to_pdf, screenshot
from bench.report_sample import THRESHOLDS, sample_manifest
from org_backup.cli import main as cli

SIZES = {"16-rows": 4, "4000-rows": 1000}  # accounts; four regions each
WIDTH = 1400
A4_WIDTH = 794  # CSS pixels across an A4 page at 96 dpi
FILTER_WORD = "retention"


def write_pages(out: Path) -> dict[str, Path]:
    """Manifest and HTML report of each size, made by the CLI as a user would."""
    out.mkdir(parents=True, exist_ok=True)
    pages = {}
    for label, accounts in SIZES.items():
        manifest = out / f"manifest-{label}.json"
        manifest.write_text(json.dumps(sample_manifest(accounts)))
        page = out / f"report-{label}.html"
        code = cli(["report", "--input", str(manifest), *THRESHOLDS, "--out", str(page)])
        if code not in (0, 1):
            raise SystemExit(f"report failed with exit code {code}")
        pages[label] = page
    pages["16-rows-since"] = _page_since(out)
    return pages


def _page_since(out: Path) -> Path:
    """The 16-row report with what changed since the night before, when one account's vault had
    no lock, no retention was short, and a fifth account was still covered."""
    earlier = sample_manifest(5)
    earlier["accounts"][3]["regions"][1]["plan"]["rules"][0]["delete_after_days"] = 90
    earlier["accounts"][0]["regions"][2]["vault"]["lock"] = None
    manifest = out / "manifest-yesterday.json"
    manifest.write_text(json.dumps(earlier))
    yesterday = out / "report-yesterday.json"
    cli(["report", "--input", str(manifest), *THRESHOLDS, "--out", str(yesterday)])
    page = out / "report-16-rows-since.html"
    today = out / "manifest-16-rows.json"
    cli(
        [
            "report",
            "--input",
            str(today),
            *THRESHOLDS,
            "--since",
            str(yesterday),
            "--out",
            str(page),
        ]
    )
    return page


def _as_printed(page: Path) -> Path:
    """A copy whose print stylesheet always applies, to screenshot at a page's width: what the
    PDF holds, as an image one can look at."""
    printed = page.with_name(page.stem + "-as-printed.html")
    printed.write_text(page.read_text(encoding="utf-8").replace("@media print {", "@media all {"))
    return printed


def _table_only(page: Path) -> Path:
    """A copy showing the row table alone, to screenshot its first rows at full size."""
    table = page.with_name(page.stem + "-table.html")
    only = "<style>body > :not(section.table) { display: none; } section.table {"
    only += " content-visibility: visible; }</style></body>"
    table.write_text(page.read_text(encoding="utf-8").replace("</body>", only, 1))
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.report_pages")
    parser.add_argument("--out", type=Path, default=Path("build/report-pages"))
    args = parser.parse_args(argv)
    browser = find_browser()
    if browser is None:
        print(
            "report-screenshots: skipped, no Chromium found (tried chromium, chromium-browser,"
            " google-chrome; set CHROMIUM=/path/to/browser). On Debian: apt-get install chromium"
        )
        return 0
    pages = write_pages(args.out)
    shots = [
        screenshot(browser, pages["16-rows"], args.out / "report-16-rows.png", WIDTH, 2200),
        screenshot(browser, pages["4000-rows"], args.out / "report-4000-rows-top.png", WIDTH, 3000),
        screenshot(
            browser,
            _table_only(pages["4000-rows"]),
            args.out / "report-4000-rows-table.png",
            WIDTH,
            900,
        ),
        print_to_pdf(browser, pages["16-rows"], args.out / "report-16-rows-print.pdf"),
        screenshot(
            browser, pages["16-rows-since"], args.out / "report-16-rows-since.png", WIDTH, 1400
        ),
        screenshot(
            browser,
            _as_printed(pages["16-rows"]),
            args.out / "report-16-rows-print.png",
            A4_WIDTH,
            2400,
        ),
    ]
    timings = page_timings(browser, pages["4000-rows"], FILTER_WORD)
    small = page_timings(browser, pages["16-rows"], FILTER_WORD, runs=1)
    timings["layout_16_rows"] = small["layout"]
    (args.out / "browser-timings.json").write_text(json.dumps(timings, indent=2) + "\n")
    failed = [
        f"{label}: {problem}"
        for label, facts in (("4,000 rows", timings["layout"]), ("16 rows", small["layout"]))
        for problem in layout_problems(facts)
    ]
    for path in shots:
        print(f"wrote {path}")
    print(
        f"4,000-row page ({timings['page_mib']} MiB) in {browser}, slowest of {timings['runs']}:"
        f" loaded {timings['load_ms']} ms, table on screen {timings['scroll_ms']} ms,"
        f" filter '{FILTER_WORD}' {timings['filter_ms']} ms ({timings['shown']}),"
        f" clear {timings['clear_ms']} ms, sort {timings['sort_ms']} ms"
    )
    for problem in failed:
        print(f"report-screenshots: {problem}", file=sys.stderr)
    return 1 if failed else 0


def layout_problems(facts: dict[str, Any]) -> list[str]:
    """What a reader of the table would trip over, from the facts measured in the browser."""
    checks = [
        (
            facts["first_row_status"] == "NON_COMPLIANT",
            "the table does not open on a non-compliant row",
        ),
        (facts["most_lines_in_a_cell"] <= 1.5, "a cell other than the findings wraps"),
        (facts["most_lines_in_an_ou_path"] <= 3.5, "an OU path takes more than 3 lines"),
        (facts["most_lines_in_a_header"] <= 2.5, "a header takes more than 2 lines"),
        (
            facts["map_blocks"] > 0 and facts["map_blocks_unlabelled"] == 0,
            "a map block has no label",
        ),
    ]
    return [f"{problem} ({facts})" for ok, problem in checks if not ok]


if __name__ == "__main__":
    sys.exit(main())
