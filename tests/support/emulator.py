"""The two emulators for the demo tests, with fake credentials: nothing may reach real AWS.

The root conftest resets every AWS_* variable before each test, so module-wide emulators are
re-applied per test by the `emulator` fixture.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from moto import mock_aws

from org_backup.demo.server import client_environ, moto_server


@dataclass(frozen=True)
class Emulator:
    endpoint: str | None  # None: in-process mock_aws

    @property
    def name(self) -> str:
        return "mock_aws" if self.endpoint is None else "moto_server"

    def apply(self, patch: pytest.MonkeyPatch) -> None:
        for key in [key for key in os.environ if key.startswith("AWS_")]:
            patch.delenv(key)
        for key, value in client_environ(self.endpoint, base={}).items():
            patch.setenv(key, value)


@contextmanager
def _pointed_at(emulator: Emulator) -> Iterator[Emulator]:
    with pytest.MonkeyPatch.context() as patch:
        emulator.apply(patch)
        yield emulator


@pytest.fixture(scope="module", params=["mock_aws", "moto_server"])
def module_emulator(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    """One emulator for a whole module: in-process `mock_aws`, then a moto server."""
    if request.param == "mock_aws":
        with _pointed_at(Emulator(None)) as emulator, mock_aws():
            yield emulator
    else:
        with moto_server() as endpoint, _pointed_at(Emulator(endpoint)) as emulator:
            yield emulator


@pytest.fixture
def emulator(module_emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Emulator:
    module_emulator.apply(monkeypatch)
    return module_emulator


@pytest.fixture
def server_endpoint() -> Iterator[str]:
    """A fresh moto server for one test, with boto3 in this process pointed at it."""
    with moto_server() as endpoint, _pointed_at(Emulator(endpoint)):
        yield endpoint
