"""CloudTrail tells the commands apart: every role a command assumes gets the session name
`org-backup-<command>`, and the Pulumi providers `org-backup-deploy` (tests/rollout/test_program.py)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from moto import mock_aws

from org_backup.aws.sessions import sibling_session
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


def _keys(session: boto3.Session) -> tuple[str, str, str | None]:
    frozen = session.get_credentials().get_frozen_credentials()
    return frozen.access_key, frozen.secret_key, frozen.token


@pytest.mark.parametrize("source", ["explicit", "env", "profile"])
def test_a_sibling_session_acts_as_the_same_caller_in_the_same_region(
    source, tmp_path, monkeypatch
):
    """The vault lookups run on a sibling of the caller's session, so that discovery's loaded
    models can go: it must sign as the very same caller, wherever the keys came from."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    credentials = tmp_path / "credentials"
    credentials.write_text(
        "[audit]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = profile-secret\n"
    )
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    if source == "explicit":
        session = boto3.Session("AKIAEXPLICIT", "explicit-secret", "token", region_name="eu-west-1")
    elif source == "env":
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAENV")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
        monkeypatch.setenv("AWS_PROFILE", "audit")  # the environment's keys still come first
        session = boto3.Session(region_name="eu-west-1")
    else:
        session = boto3.Session(profile_name="audit", region_name="eu-west-1")

    sibling = sibling_session(session)

    assert sibling is not session
    assert _keys(sibling) == _keys(session)
    assert sibling.get_credentials() is session.get_credentials()  # nothing resolved again
    assert sibling.region_name == "eu-west-1"
    assert sibling.profile_name == ("audit" if source != "explicit" else "default")


def test_a_sibling_session_of_a_caller_with_no_config_file_is_made(tmp_path, monkeypatch):
    """On a runner whose keys come from its instance or container role, no config file names
    a profile; the sibling must not name one either, or botocore refuses to make it."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    session = boto3.Session(region_name="eu-west-1")

    sibling = sibling_session(session)

    assert sibling.region_name == "eu-west-1"
    assert sibling.get_credentials() is None  # the same chain, which finds nothing here
