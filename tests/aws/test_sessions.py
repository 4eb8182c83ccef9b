"""CloudTrail tells the commands apart: every role a command assumes gets the session name
`org-backup-<command>`, and the Pulumi providers `org-backup-deploy` (tests/rollout/test_program.py)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from moto import mock_aws

from org_backup.cli import main
from tests.support.orgs import new_org
from tests.support.world import caller_session


@pytest.fixture
def session_names(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    names: list[str] = []
    session = caller_session()

    def remember(params: dict[str, Any], **_: Any) -> None:
        names.append(params["RoleSessionName"])

    session.events.register("before-parameter-build.sts.AssumeRole", remember)
    monkeypatch.setattr(boto3, "Session", lambda *args, **kwargs: session)
    monkeypatch.setenv("ORG_BACKUP_CHECK_DEPLOY_ROLES", "true")
    return names


@pytest.mark.parametrize("command", ["discover", "audit", "synth"])
def test_each_command_names_its_role_sessions(command, session_names, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with mock_aws():
        org = new_org()
        org.account("ml-prod", "ML")
        args = [command, "--accounts-dir", str(tmp_path)]
        main([*args, "--out", "out.json"] if command != "discover" else args)
    assert session_names and set(session_names) == {f"org-backup-{command}"}
