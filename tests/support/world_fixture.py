"""The `world` fixture: see world.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from moto import mock_aws

from tests.audit.world import EAST, Canned, World, caller_session, install_answers
from tests.foundation.orgs import new_org


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """An organization with two members, ml-prod and ml-dev, covered in us-east-1."""
    monkeypatch.setenv("ORG_BACKUP_REGIONS", json.dumps([EAST]))
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")  # ~1 s per test, unused here
    accounts_dir = tmp_path / "accounts"
    accounts_dir.mkdir()
    with mock_aws():
        org = new_org()
        org.account("ml-prod", "ML/Prod")
        org.account("ml-dev", "ML/Dev")
        session = caller_session()
        world = World(org, session, Canned(session), accounts_dir)
        install_answers(world)
        yield world
