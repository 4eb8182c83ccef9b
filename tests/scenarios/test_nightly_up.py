"""`pulumi up`'s own path (the root `__main__.py`) under the mock engine, the engine holding
the stack's last output: a refused account stays registered and degraded, and the removal guard
fails the update before any resource is registered."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pulumi
import pytest
from moto.core.authorization import enable_iam_authentication

import org_backup.rollout.program
import org_backup.rollout.stack_config
from org_backup.rollout.mock_engine import run_mocked
from org_backup.rollout.stack_output import WITHOUT_STATE_WARNING
from tests.support.entry_point import run_entry_point
from tests.support.exports import failed_update, write
from tests.support.nightly import Nightly


class Up:
    def __init__(self, nightly: Nightly, monkeypatch: pytest.MonkeyPatch):
        self.nightly = nightly
        self._monkeypatch = monkeypatch
        self.exports: dict[str, Any] = {}
        self.logs: list[tuple[str, str]] = []
        self.registered = False
        real_register = org_backup.rollout.program.register_rollout

        def register_rollout(*args: Any):
            self.registered = True
            return real_register(*args)

        monkeypatch.chdir(nightly.directory)
        monkeypatch.setattr(org_backup.rollout.stack_config, "stack_config_from_pulumi", dict)
        monkeypatch.setattr(org_backup.rollout.program, "register_rollout", register_rollout)
        monkeypatch.setattr(pulumi, "export", self.exports.__setitem__)
        monkeypatch.setattr(pulumi.log, "error", lambda m, *a, **k: self.logs.append(("error", m)))
        monkeypatch.setattr(pulumi.log, "warn", lambda m, *a, **k: self.logs.append(("warn", m)))

    def run(self, last_output: dict[str, Any] | None) -> tuple[dict[str, Any], list[dict]]:
        async def program() -> pulumi.Output[Any]:
            await run_entry_point(self._monkeypatch)
            return self.exports["org_backup"]

        outputs = {"org_backup": last_output} if last_output else {}
        return run_mocked(
            program, project="org-backup", stack="prod", stack_outputs_json=json.dumps(outputs)
        )


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
    # The drift warning, and that the guard saw no state (no export was named), nothing else.
    assert [level for level, _ in up.logs] == ["warn", "warn"]
    assert up.logs[0][1] == WITHOUT_STATE_WARNING
    assert "accounts/stray.yaml: account_id:" in up.logs[1][1]


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


# The state: `make up` names a `pulumi stack export` taken just before in ORG_BACKUP_STATE_EXPORT.


def export_for(nightly: Nightly, monkeypatch, stack: str, last: dict[str, Any]) -> Path:
    """An export of `stack` holding every account (an update that failed after entering them),
    its root output `last`; named in ORG_BACKUP_STATE_EXPORT."""
    path = Path(
        write(nightly.directory / "state.json", failed_update(nightly.accounts_dir, stack, last))
    )
    monkeypatch.setenv("ORG_BACKUP_STATE_EXPORT", str(path))
    return path


def test_up_counts_the_accounts_only_in_the_exported_state(nightly: Nightly, monkeypatch):
    dropped = sorted(nightly.org.accounts[name] for name in ("ml-dev", "ml-test", "lake"))
    monkeypatch.setenv("ORG_BACKUP_EXCLUDE_ACCOUNTS", json.dumps(dropped))
    previous = last_output(nightly)  # the last successful update: two accounts
    monkeypatch.delenv("ORG_BACKUP_EXCLUDE_ACCOUNTS")
    path = export_for(nightly, monkeypatch, "prod", previous)
    monkeypatch.setenv("ORG_BACKUP_EXCLUDE_ACCOUNTS", json.dumps(dropped))
    monkeypatch.setenv("ORG_BACKUP_MAX_ACCOUNTS_REMOVED", "2")
    up = Up(nightly, monkeypatch)

    with pytest.raises(pulumi.RunError, match="4 problem"):
        up.run(previous)

    assert not up.registered and not up.exports
    errors = [message for level, message in up.logs if level == "error"]
    assert {message.split("'")[1] for message in errors[1:]} == set(dropped)
    assert all(f"{path}: account:" in m and "found only in the state" in m for m in errors[1:])
    assert not any(level == "warn" and "STATE_EXPORT" in m for level, m in up.logs)


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("older", "is not the stack prod's last output, so this export is older"),
        ("other-stack", "is the state of stack staging, not of this run's stack prod"),
        ("manifest", "names a manifest or stack outputs, not a `pulumi stack export` file"),
        ("missing", "no such file"),
    ],
)
def test_up_refuses_an_export_it_cannot_trust(nightly: Nightly, monkeypatch, case, expected):
    previous = last_output(nightly)
    if case == "older":  # an update succeeded since: the engine holds a newer output
        export_for(nightly, monkeypatch, "prod", {**previous, "accounts": []})
    elif case == "other-stack":
        export_for(nightly, monkeypatch, "staging", previous)
    else:
        manifest = nightly.directory / "manifest.json"
        if case == "manifest":
            manifest.write_text(json.dumps(previous))
        monkeypatch.setenv("ORG_BACKUP_STATE_EXPORT", str(manifest))
    up = Up(nightly, monkeypatch)

    with pytest.raises(pulumi.RunError, match="nothing was deployed"):
        up.run(previous)

    assert not up.registered
    errors = [message for level, message in up.logs if level == "error"]
    assert len(errors) == 1 and expected in errors[0]


def test_up_stops_when_more_accounts_degrade_than_allowed(nightly: Nightly, monkeypatch):
    previous = last_output(nightly)
    nightly.refuse_deploy_role(nightly.org.accounts["lake"])
    monkeypatch.setenv("ORG_BACKUP_MAX_ACCOUNTS_DEGRADED", "0")
    up = Up(nightly, monkeypatch)

    with enable_iam_authentication(), pytest.raises(pulumi.RunError) as raised:
        up.run(previous)

    assert not up.registered and not up.exports
    assert str(raised.value).startswith("1 of 5 covered accounts are degraded")
    assert "max_accounts_degraded allows (0)" in str(raised.value)
