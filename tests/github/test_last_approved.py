"""`.github/scripts/last-approved` against a stand-in of GitHub's REST API: the nightly run gets
the commit of the newest rollout a reviewer approved for org-backup-production, never a run
that waited, was rejected or was approved for another environment; the pull-request preview
gets the newest deployment of that commit (a later nightly run) for its previous state."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / ".github" / "scripts" / "last-approved"


def run_of(run_id: int, sha: str, created: str, event: str = "push") -> dict:
    return {"id": run_id, "head_sha": sha, "head_branch": "main", "event": event,
            "created_at": created, "status": "completed"}  # fmt: skip


def approval(state: str, environment: str = "org-backup-production") -> dict:
    return {"state": state, "environments": [{"name": environment}], "user": {"login": "r"}}


ROLLOUTS = [  # newest first, as the API lists them
    run_of(40, "d" * 40, "2026-12-04T10:00:00Z"),  # waited, never approved
    run_of(30, "c" * 40, "2026-12-03T10:00:00Z"),  # rejected
    run_of(20, "b" * 40, "2026-12-02T10:00:00Z"),  # approved for another environment
    run_of(10, "a" * 40, "2026-12-01T10:00:00Z"),  # approved
]
APPROVALS = {
    40: [],
    30: [approval("rejected")],
    20: [approval("approved", "org-backup-staging")],
    10: [approval("approved")],
}
NIGHTLIES = [
    run_of(51, "e" * 40, "2026-12-05T02:17:00Z", "schedule"),
    run_of(50, "e" * 40, "2026-11-30T02:17:00Z", "schedule"),  # before the approval
]


@pytest.fixture
def github() -> Iterator[tuple[str, list[str]]]:
    requests: list[str] = []

    class Api(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = urlparse(self.path).path
            requests.append(self.path)
            assert self.headers["Authorization"] == "Bearer t0ken"
            if path == "/repos/o/r/actions/workflows/rollout.yml/runs":
                body: object = {"workflow_runs": ROLLOUTS}
            elif path == "/repos/o/r/actions/workflows/nightly.yml/runs":
                body = {"workflow_runs": NIGHTLIES}
            else:
                body = APPROVALS[int(path.split("/")[-2])]
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Api)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()


def last_approved(url: str, mode: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GITHUB_API_URL": url, "GITHUB_REPOSITORY": "o/r", "GH_TOKEN": "t0ken"}
    return subprocess.run(
        [sys.executable, str(SCRIPT), mode], env=env, capture_output=True, text=True
    )


def test_nightly_deploys_the_newest_approved_commit(github):
    url, requests = github
    done = last_approved(url, "sha")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"sha={'a' * 40}\n"
    assert any("rollout.yml/runs?branch=main&status=completed" in r and "event=push" in r
               for r in requests)  # fmt: skip


def test_the_preview_compares_with_the_newest_deployment_of_that_commit(github):
    done = last_approved(github[0], "outputs-run")
    assert done.stdout == "run_id=51\n"


def test_nothing_approved_is_an_error(github):
    APPROVALS[10] = [approval("rejected")]
    try:
        done = last_approved(github[0], "sha")
    finally:
        APPROVALS[10] = [approval("approved")]
    assert done.returncode == 1 and done.stdout == ""
    assert "no run of rollout.yml on main was approved" in done.stderr
