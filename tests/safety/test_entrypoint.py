"""`pulumi up`'s own path (the root `__main__.py`) under the mock engine, the engine holding
the stack's last output: a refused account stays registered and degraded, and the removal guard
fails the update before any resource is registered."""

from __future__ import annotations

import json
import runpy
from pathlib import Path
from typing import Any

import pulumi
import pytest
from moto.core.authorization import enable_iam_authentication

import org_backup.config.settings
import org_backup.rollout.program
from org_backup.rollout.mock_engine import run_mocked
from tests.safety.conftest import Nightly

ENTRY_POINT = Path(__file__).resolve().parents[2] / "__main__.py"


class Up:
    def __init__(self, nightly: Nightly, monkeypatch: pytest.MonkeyPatch):
        self.nightly = nightly
        self.exports: dict[str, Any] = {}
        self.logs: list[tuple[str, str]] = []
        self.registered = False
        real_register = org_backup.rollout.program.register_rollout

        def register_rollout(coverage):
            self.registered = True
            return real_register(coverage)

        monkeypatch.chdir(nightly.directory)
        monkeypatch.setattr(org_backup.config.settings, "stack_config_from_pulumi", dict)
        monkeypatch.setattr(org_backup.rollout.program, "register_rollout", register_rollout)
        monkeypatch.setattr(pulumi, "export", self.exports.__setitem__)
        monkeypatch.setattr(pulumi.log, "error", lambda m, *a, **k: self.logs.append(("error", m)))
        monkeypatch.setattr(pulumi.log, "warn", lambda m, *a, **k: self.logs.append(("warn", m)))

    def run(self, last_output: dict[str, Any] | None) -> tuple[dict[str, Any], list[dict]]:
        def program() -> pulumi.Output[Any]:
            runpy.run_path(str(ENTRY_POINT), run_name="__main__")
            return self.exports["org_backup"]

        outputs = {"org_backup": last_output} if last_output else {}
        return run_mocked(program, project="org-backup", stack="prod", stack_outputs=outputs)


def last_output(nightly: Nightly) -> dict[str, Any]:
    """What `pulumi stack output` holds after the first successful run (ids aside)."""
    return json.loads(Path(nightly.plan("first")).read_text())


def test_up_keeps_a_refused_account_registered_and_degraded(nightly: Nightly, monkeypatch):
    previous = last_output(nightly)
    broken = nightly.org.accounts["lake"]
    nightly.refuse_deploy_role(broken)

    with_refusal = Up(nightly, monkeypatch)
    with enable_iam_authentication():
        manifest, resources = with_refusal.run(previous)

    entry = next(a for a in manifest["accounts"] if a["account_id"] == broken)
    assert entry["status"] == "covered" and "deploy role cannot be assumed" in entry["degraded"]
    assert any(r["provider"] == f"{broken}-aws" for r in resources)


def test_a_new_stack_deploys_without_previous_state_and_warns_about_drift(
    nightly: Nightly, monkeypatch
):
    nightly.write_file("stray.yaml", 'account_id: "999988887777"\n')
    up = Up(nightly, monkeypatch)

    manifest, _ = up.run(None)

    assert len([a for a in manifest["accounts"] if a["status"] == "covered"]) == 5
    [(level, message)] = up.logs  # the drift warning, and nothing else
    assert level == "warn" and "accounts/stray.yaml: account_id:" in message


def test_up_fails_before_registering_anything_when_the_guard_refuses(nightly: Nightly, monkeypatch):
    previous = last_output(nightly)
    monkeypatch.setenv("ORG_BACKUP_TARGET_OUS", json.dumps([nightly.org.ous["Data"]]))
    monkeypatch.setenv("ORG_BACKUP_MAX_ACCOUNTS_REMOVED", "2")
    up = Up(nightly, monkeypatch)

    with pytest.raises(pulumi.RunError, match="4 problem"):
        up.run(previous)

    assert not up.registered and not up.exports
    errors = [message for level, message in up.logs if level == "error"]
    assert "max_accounts_removed" in errors[0] and "pulumi up" in errors[0]
    ml = {nightly.org.accounts[name] for name in ("ml-prod", "ml-dev", "ml-test")}
    assert {message.split("'")[1] for message in errors[1:]} == ml
