"""The `org-backup` command as a user runs it, in its own process: installed on the venv's PATH
and usable from any directory, and stopped by Ctrl-C in one line with exit 130, its pending work
cancelled and no file half-written. The interrupt is made at the HTTP edge: a proxy in front of a
moto server holds every per-account request open, as a slow AWS would."""

from __future__ import annotations

import contextlib
import http.client
import os
import pty
import signal
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import boto3
import pytest

from org_backup.demo.server import client_environ, moto_server

ROOT = Path(__file__).parents[2]
COMMAND = Path(sys.executable).parent / "org-backup"


def test_the_console_script_works_from_any_directory(tmp_path: Path):
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    shown = subprocess.run([COMMAND, "-V"], cwd=tmp_path, capture_output=True, text=True)
    assert shown.returncode == 0
    assert shown.stdout.startswith(f"org-backup {version} (pulumi ")

    manifest = ROOT / "tests" / "reporting" / "data" / "small.json"
    run = subprocess.run(
        [COMMAND, "report", "-i", str(manifest), "-f", "csv"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=client_environ(None),
    )
    assert run.returncode == 1  # findings
    assert run.stdout.startswith("account_id,account_name,")


class _Holding(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.upstream = urlsplit(upstream)
        self.held = 0
        self.lock = threading.Lock()
        self.release = threading.Event()


class _Handler(BaseHTTPRequestHandler):
    """Forwards to moto, except `account:ListRegions` for a member account: held open."""

    server: _Holding

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.startswith("/listRegions") and b"AccountId" in body:
            with self.server.lock:
                self.server.held += 1
            self.server.release.wait(30)
            return
        connection = http.client.HTTPConnection(self.server.upstream.netloc, timeout=30)
        connection.request("POST", self.path, body, dict(self.headers))
        answer = connection.getresponse()
        data = answer.read()
        self.send_response(answer.status)
        for key, value in answer.getheaders():
            if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def held_organization() -> Iterator[tuple[_Holding, dict[str, str]]]:
    with moto_server() as endpoint:
        environ = client_environ(endpoint)
        session = boto3.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
        )
        client = session.client("organizations", endpoint_url=endpoint)
        client.create_organization(FeatureSet="ALL")
        for number in range(12):
            client.create_account(Email=f"a{number}@example.com", AccountName=f"a{number}")
        proxy = _Holding(endpoint)
        threading.Thread(target=proxy.serve_forever, daemon=True).start()
        try:
            yield proxy, {**environ, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{proxy.server_port}"}
        finally:
            proxy.release.set()
            proxy.shutdown()


def _discover_held(proxy: _Holding, environ: dict[str, str], cwd: Path, out: Path, held: int):
    """`discover -o out` started, and waiting for AWS with `held` requests held in all."""
    child = subprocess.Popen(
        [COMMAND, "discover", "-q", "-f", "json", "-o", str(out)],
        cwd=cwd,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while proxy.held < held and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proxy.held == held, child.poll()
    return child


def test_an_interrupt_is_one_line_exit_130_and_nothing_written(held_organization, tmp_path: Path):
    proxy, environ = held_organization
    (tmp_path / "accounts").mkdir()
    out = tmp_path / "out.json"
    out.write_text("old")
    environ = {
        **environ,
        # An opt-in region: every member account's regions are looked up, three at a time.
        "ORG_BACKUP_REGIONS": '["us-east-1", "ap-east-1"]',
        "ORG_BACKUP_MAX_WORKERS": "3",
    }
    child = _discover_held(proxy, environ, tmp_path, out, 3)
    sent = time.monotonic()
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=10)

    assert child.returncode == 130
    assert time.monotonic() - sent < 2
    assert err == "org-backup discover: interrupted; nothing was written\n"
    assert out.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["accounts", "out.json"]
    time.sleep(0.3)
    assert proxy.held == 3  # no queued account was started after the signal

    # SIGTERM (a cancelled CI job) stops it the same way, with 143.
    child = _discover_held(proxy, environ, tmp_path, out, 6)
    child.send_signal(signal.SIGTERM)
    _, err = child.communicate(timeout=10)
    assert child.returncode == 143
    assert err == "org-backup discover: interrupted; nothing was written\n"
    assert out.read_text() == "old"


def test_synth_shows_its_registration_progress_on_a_terminal(held_organization, tmp_path: Path):
    proxy, environ = held_organization
    (tmp_path / "accounts").mkdir()
    terminal, child_side = pty.openpty()
    child = subprocess.Popen(
        [COMMAND, "synth", "--offline", "-o", str(tmp_path / "m.json")],
        cwd=tmp_path,
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=child_side,
    )
    os.close(child_side)
    seen = b""
    with contextlib.suppress(OSError):  # EIO once the child has closed the terminal
        while chunk := os.read(terminal, 4096):
            seen += chunk
    os.close(terminal)
    assert child.wait(timeout=30) == 0
    assert b"\rsynth: registering: 12/12 accounts" in seen
    assert proxy.held == 0
