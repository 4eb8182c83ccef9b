"""The root `__main__.py` that `pulumi up` runs: it exports the manifest, and on bad input it
fails the update cleanly before registering anything."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi
import pytest

import org_backup.coverage.adoption
import org_backup.coverage.pipeline
import org_backup.rollout.program
import org_backup.rollout.stack_config
from org_backup.errors import AwsCallError, InputError, Problem
from org_backup.manifest.model import Manifest
from org_backup.rollout.mock_engine import run_mocked
from org_backup.rollout.stack_output import WITHOUT_STATE_WARNING
from tests.support.entry_point import run_entry_point
from tests.support.plans import covered, org, policy

STACK_CONFIG = {"regions": '["us-east-1"]'}


class Program:
    """Runs the entry point under the mocks, recording exports, logs and the plan request."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, outcome: Any):
        self._monkeypatch = monkeypatch
        self.exports: dict[str, Any] = {}
        self.logs: list[tuple[str, str]] = []
        self.load_plan_calls: list[tuple[Any, ...]] = []
        self.registered = False

        def load_rollout_coverage(*args: Any, **kwargs: Any):
            self.load_plan_calls.append(args)
            if isinstance(outcome, Exception):
                raise outcome
            return org_backup.coverage.adoption.Adoption(outcome, ())

        def register_rollout(*args: Any):
            self.registered = True
            return real_register(*args)

        real_register = org_backup.rollout.program.register_rollout
        # Adoption's own lookups are tested with moto (tests/coverage/test_adoption.py).
        monkeypatch.setattr(
            org_backup.coverage.pipeline, "load_rollout_coverage", load_rollout_coverage
        )
        monkeypatch.setattr(
            org_backup.rollout.stack_config, "stack_config_from_pulumi", lambda: STACK_CONFIG
        )
        monkeypatch.setattr(org_backup.rollout.program, "register_rollout", register_rollout)
        monkeypatch.setattr(pulumi, "export", self.exports.__setitem__)
        monkeypatch.setattr(pulumi.log, "error", lambda m, *a, **k: self.logs.append(("error", m)))
        monkeypatch.setattr(pulumi.log, "warn", lambda m, *a, **k: self.logs.append(("warn", m)))

    def run(self) -> Any:
        async def program() -> pulumi.Output[Any]:
            await run_entry_point(self._monkeypatch)
            return self.exports["org_backup"]

        manifest, _ = run_mocked(program, project="org-backup", stack="test")
        return manifest


def test_exports_the_manifest_and_warns_about_compliance_locks(monkeypatch):
    locked = policy(
        vault_lock_min_retention_days=7,
        vault_lock_max_retention_days=365,
        vault_lock_changeable_for_days=3,
    )
    program = Program(monkeypatch, org(covered("111122223333", policy=locked)))
    manifest = Manifest.model_validate(program.run())
    assert manifest.accounts[0].regions[0].vault.arn.startswith("arn:aws:backup:us-east-1:")
    assert program.load_plan_calls[0][:2] == (Path("accounts"), STACK_CONFIG)
    # No state export was named (tests/scenarios/test_nightly_up.py runs with one), then the lock.
    assert program.logs[0] == ("warn", WITHOUT_STATE_WARNING)
    assert [level for level, _ in program.logs[1:]] == ["warn"]
    assert "compliance mode" in program.logs[1][1]


def test_invalid_input_fails_the_update_before_any_resource(monkeypatch):
    problems = [
        Problem("accounts/ml.yaml", "backup.schedule", "daily", "must be cron(...)"),
        Problem("environment variable ORG_BACKUP_REGIONS", "regions", "x", "is not a region"),
    ]
    program = Program(monkeypatch, InputError(problems))
    with pytest.raises(pulumi.RunError, match="2 problem"):
        program.run()
    assert program.logs[1:] == [("error", str(problem)) for problem in problems]
    assert not program.registered
    assert not program.exports


def test_a_failed_aws_call_fails_the_update_naming_operation_and_account(monkeypatch):
    failure = AwsCallError("organizations:ListAccounts", "999999999999", "AccessDenied")
    program = Program(monkeypatch, failure)
    with pytest.raises(pulumi.RunError, match=r"organizations:ListAccounts.*999999999999"):
        program.run()
    assert not program.registered
