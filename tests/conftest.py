"""Fake credentials and a clean environment for every test: nothing can reach real AWS."""

from __future__ import annotations

import os

import pytest

from tests.support.faults import Edge

# The shared fixtures: report runs, the nightly organization, the audit's world, the emulators.
pytest_plugins = [
    "tests.support.reports",
    "tests.support.nightly",
    "tests.support.world",
    "tests.support.emulator",
]

FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("ORG_BACKUP_", "AWS_", "PULUMI_")):
            monkeypatch.delenv(name)
    for name, value in FAKE_ENV.items():
        monkeypatch.setenv(name, value)


@pytest.fixture(autouse=True)
def _no_real_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """A request that would leave for real AWS fails the test at once, instead of retrying for
    half a minute against an unreachable endpoint (moto intercepts before this point; a moto
    server is on 127.0.0.1)."""
    from botocore.httpsession import URLLib3Session

    real_send = URLLib3Session.send

    def send(self, request):
        if "amazonaws.com" in request.url:
            raise AssertionError(f"a test tried to reach real AWS: {request.url}")
        return real_send(self, request)

    monkeypatch.setattr(URLLib3Session, "send", send)


@pytest.fixture
def edge(monkeypatch: pytest.MonkeyPatch) -> Edge:
    """Faults injected at the HTTP edge, in front of moto (see tests/support/faults.py)."""
    return Edge(monkeypatch)
