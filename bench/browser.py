"""The HTML report in a real browser: screenshots, and load and filter times measured inside the
page. Needs a Chromium (Debian's `chromium`; `CHROMIUM=/path` to choose one); `find_browser`
returns None where there is none, and callers skip with a message.

The timings come from a copy of the page with one more script. Each figure runs from an action
to the first frame after it (requestAnimationFrame, then a task), so layout and paint are in
it: `load_ms` from navigation start to the first frame after the load event; `scroll_ms`
bringing the row table on screen; `filter_ms` typing a word into the filter (an `input` event,
as a user's typing fires); `clear_ms` emptying it; `sort_ms` clicking a column header.
The browser runs headless with no action flag, so it keeps running with real frames and a real
clock; the page posts its figures to a one-shot HTTP server on 127.0.0.1, then the browser is
stopped. The machine's load average is recorded beside them: on a shared machine it explains
most of the spread.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run")
TIMEOUT = 120

_PROBE = """
<script>
(function () {
  var out = {};
  function frame(then) {  // after the browser has laid out and painted the change
    requestAnimationFrame(function () { setTimeout(then, 0); });
  }
  function step(name, action, then) {
    var start = performance.now();
    action();
    frame(function () { out[name] = performance.now() - start; then(); });
  }
  var filter = document.getElementById("filter");
  function type(text) {
    return function () { filter.value = text; filter.dispatchEvent(new Event("input")); };
  }
  function lines(node) {  // how many lines of text a cell's content takes
    var range = document.createRange();
    range.selectNodeContents(node);
    var height = range.getBoundingClientRect().height;
    return height / parseFloat(getComputedStyle(node).lineHeight);
  }
  function layout() {  // what a reader of the table sees first, measured as laid out
    var visible = Array.prototype.filter.call(
      document.querySelectorAll("#rows tbody tr"), function (row) {
        return !row.hidden && row.offsetHeight > 0;
      }).slice(0, 50);
    var columns = Array.prototype.map.call(
      document.querySelectorAll("#rows thead th"), function (th) { return th.title; });
    var most = { cell: 0, ou_path: 0 };
    visible.forEach(function (row) {
      Array.prototype.forEach.call(row.cells, function (cell, index) {
        if (columns[index] === "findings" || !cell.textContent) { return; }
        var key = columns[index] === "ou_path" ? "ou_path" : "cell";
        most[key] = Math.max(most[key], lines(cell));
      });
    });
    var header = 0;
    Array.prototype.forEach.call(document.querySelectorAll("#rows thead th"), function (th) {
      if (th.offsetWidth) { header = Math.max(header, lines(th.firstElementChild || th)); }
    });
    var blocks = document.querySelectorAll(".map .block");
    return {
      first_row_status: visible.length ? visible[0].className : null,
      most_lines_in_a_cell: Math.round(most.cell * 10) / 10,
      most_lines_in_an_ou_path: Math.round(most.ou_path * 10) / 10,
      most_lines_in_a_header: Math.round(header * 10) / 10,
      map_blocks: blocks.length,
      map_blocks_unlabelled: Array.prototype.filter.call(blocks, function (block) {
        var label = block.querySelector("h3");
        return !label || !label.textContent.trim();
      }).length
    };
  }
  window.addEventListener("load", function () {
    frame(function () {
      out.load_ms = performance.now();
      step("scroll_ms", function () { filter.scrollIntoView(); }, function () {
        out.layout = layout();
        step("filter_ms", type("%(word)s"), function () {
          out.shown = document.getElementById("shown").textContent;
          step("clear_ms", type(""), function () {
            step("sort_ms", function () {
              document.querySelector("#rows thead th:nth-child(2)").click();
            }, function () {
              out.rows = document.querySelectorAll("#rows tbody tr").length;
              fetch("http://127.0.0.1:%(port)d/", {
                method: "POST", mode: "no-cors", body: JSON.stringify(out)
              });
            });
          });
        });
      });
    });
  });
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
    """Load, scroll, filter, clear and sort times in the browser, the slowest of `runs`, and
    the table's layout as first shown (`layout`: the first row's status, the most lines any
    cell but the findings, any OU path and any header takes, the map's blocks and how many
    have no label)."""
    html = page.read_text(encoding="utf-8")
    samples = []
    with tempfile.TemporaryDirectory(prefix="org-backup-page-") as scratch:
        for _ in range(runs):
            with _Collector() as collector:
                copy = Path(scratch) / page.name
                probe = _PROBE % {"word": word, "port": collector.port}
                copy.write_text(html.replace("</body>", probe + "</body>", 1), encoding="utf-8")
                samples.append(collector.wait_for(browser, copy))
    keys = ("load_ms", "scroll_ms", "filter_ms", "clear_ms", "sort_ms")
    figures: dict[str, Any] = {key: round(max(s[key] for s in samples)) for key in keys}
    figures.update(runs=runs, rows=samples[0]["rows"], filter_word=word, shown=samples[0]["shown"])
    figures["layout"] = samples[0]["layout"]
    figures["page_mib"] = round(len(html.encode("utf-8")) / 2**20, 2)
    figures["load_average"] = round(os.getloadavg()[0], 1)
    return figures


class _Collector:
    """A one-shot HTTP server on 127.0.0.1 that the probe posts its figures to."""

    def __enter__(self) -> _Collector:
        received: list[bytes] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                received.append(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return

        self.received = received
        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, browser: str, page: Path) -> dict[str, Any]:
        """Open the page in a headless browser of its own and wait for the figures."""
        # Chromium's helper processes can still write the profile as the browser exits.
        with tempfile.TemporaryDirectory(
            prefix="org-backup-profile-", ignore_cleanup_errors=True
        ) as profile:
            process = subprocess.Popen(
                [
                    browser,
                    *FLAGS,
                    f"--user-data-dir={profile}",
                    "--window-size=1400,1000",
                    page.as_uri(),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # its own process group: stopped with its helpers
            )
            try:
                deadline = time.monotonic() + TIMEOUT
                while not self.received and time.monotonic() < deadline:
                    if process.poll() is not None:
                        raise RuntimeError(f"{browser} exited {process.returncode} early")
                    time.sleep(0.05)
            finally:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        if not self.received:
            raise RuntimeError(f"{browser} did not report the page's timings in {TIMEOUT} s")
        return json.loads(self.received[0])


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
