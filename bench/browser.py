"""The HTML report in a real browser: screenshots, and load and filter times measured inside the
page. Needs a Chromium (Debian's `chromium`; `CHROMIUM=/path` to choose one); `find_browser`
returns None where there is none, and callers skip with a message.

The timings come from a copy of the page with one more script at the end of <body>: when it
runs, the parser has built the whole table (`parsed_ms`, from navigation start); it then forces
the first layout (`layout_ms`), types a word into the filter as a user would (an `input` event)
and forces layout again (`filter_ms`), clears it (`clear_ms`), and sorts a column by clicking
its header (`sort_ms`), the table scrolled into view for all three. The figures are written
into the DOM, which `--dump-dom` prints. The machine's load average is recorded beside them:
on a shared machine it explains most of the spread.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run")
TIMEOUT = 120

_PROBE = """
<script>
(function () {
  var out = {};
  out.parsed_ms = performance.now();
  var t = performance.now();
  document.body.offsetHeight;
  out.layout_ms = performance.now() - t;
  var filter = document.getElementById("filter");
  filter.scrollIntoView();  // the table on screen, as when a user types: it must be laid out
  function type(text) {
    var start = performance.now();
    filter.value = text;
    filter.dispatchEvent(new Event("input"));
    document.body.offsetHeight;
    return performance.now() - start;
  }
  out.filter_ms = type("%(word)s");
  out.shown = document.getElementById("shown").textContent;
  out.clear_ms = type("");
  var header = document.querySelector("#rows thead th:nth-child(2)");
  t = performance.now();
  header.click();
  document.body.offsetHeight;
  out.sort_ms = performance.now() - t;
  out.rows = document.querySelectorAll("#rows tbody tr").length;
  var pre = document.createElement("pre");
  pre.id = "org-backup-timing";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>
"""


def find_browser() -> str | None:
    chosen = os.environ.get("CHROMIUM")
    if chosen:
        return chosen if shutil.which(chosen) else None
    return next((path for name in CANDIDATES if (path := shutil.which(name))), None)


def screenshot(browser: str, page: Path, out: Path, width: int, height: int) -> Path:
    """A PNG of the page's first `height` pixels at `width` (what a reader sees, scrolled)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    _run(
        browser,
        f"--screenshot={out.resolve()}",
        f"--window-size={width},{height}",
        page.resolve().as_uri(),
    )
    if not out.is_file():
        raise RuntimeError(f"{browser} wrote no screenshot to {out}")
    return out


def print_to_pdf(browser: str, page: Path, out: Path) -> Path:
    """The page as printed (print stylesheet, A4 by default)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    _run(
        browser,
        f"--print-to-pdf={out.resolve()}",
        "--no-pdf-header-footer",
        page.resolve().as_uri(),
    )
    return out


def page_timings(browser: str, page: Path, word: str, runs: int = 3) -> dict[str, Any]:
    """Load, layout, filter, clear and sort times in the browser, the slowest of `runs`."""
    html = page.read_text(encoding="utf-8")
    probed = html.replace("</body>", _PROBE % {"word": word} + "</body>", 1)
    samples = []
    with tempfile.TemporaryDirectory(prefix="org-backup-page-") as scratch:
        copy = Path(scratch) / page.name
        copy.write_text(probed, encoding="utf-8")
        for _ in range(runs):
            dom = _run(browser, "--dump-dom", copy.as_uri())
            found = re.search(r'<pre id="org-backup-timing">(.*?)</pre>', dom, re.S)
            if not found:
                raise RuntimeError(f"{browser} --dump-dom did not run the timing script")
            samples.append(json.loads(found.group(1).replace("&quot;", '"')))
    keys = ("parsed_ms", "layout_ms", "filter_ms", "clear_ms", "sort_ms")
    figures: dict[str, Any] = {key: round(max(s[key] for s in samples)) for key in keys}
    figures.update(runs=runs, rows=samples[0]["rows"], filter_word=word, shown=samples[0]["shown"])
    figures["page_mib"] = round(len(html.encode("utf-8")) / 2**20, 2)
    figures["load_average"] = round(os.getloadavg()[0], 1)
    return figures


def _run(browser: str, *args: str) -> str:
    done = subprocess.run(
        [browser, *FLAGS, *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{browser} exited {done.returncode}: {done.stderr.strip()[-500:]}")
    return done.stdout
