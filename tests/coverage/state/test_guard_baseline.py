"""The guard's baseline is the state: with a `pulumi stack export` as the previous state, every
account (and account-region) whose resources the state holds counts as covered before, whatever
the root stack's `org_backup` output says. The exports are the engine's format, built from what
the mock engine recorded when the real program registered the accounts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.exports import failed_update, resources_of, state_move, write
from tests.support.nightly import Nightly

DROPPED = ("ml-dev", "ml-test", "lake")


def exclude(monkeypatch: pytest.MonkeyPatch, nightly: Nightly, *names: str) -> list[str]:
    ids = sorted(nightly.org.accounts[name] for name in names)
    monkeypatch.setenv("ORG_BACKUP_EXCLUDE_ACCOUNTS", json.dumps(ids))
    return ids


def output_of(run_document: dict[str, Any]) -> dict[str, Any]:
    """The stack's `org_backup` output after a successful update: synth's manifest."""
    return {key: value for key, value in run_document.items() if key != "resources"}


@pytest.fixture
def entered_in_a_failed_update(nightly: Nightly, monkeypatch) -> tuple[Path, Path, list[str]]:
    """Two accounts covered by the last successful update; three more entered in an update that
    failed: they are in the state, not in the output. Returns the export, the stack output
    (`pulumi stack output --json`) and the ids of the three."""
    dropped = exclude(monkeypatch, nightly, *DROPPED)
    first = nightly.synth("first")
    assert first.code == 0, first.err
    outputs = nightly.directory / "outputs.json"
    outputs.write_text(json.dumps({"org_backup": output_of(first.document)}))
    monkeypatch.delenv("ORG_BACKUP_EXCLUDE_ACCOUNTS")
    export = failed_update(nightly.accounts_dir, "prod", output_of(first.document))
    return Path(write(nightly.directory / "state.json", export)), outputs, dropped


def test_accounts_only_in_the_state_are_warned_by_id_within_the_limit_and_refused_over_it(
    nightly: Nightly, monkeypatch, entered_in_a_failed_update
):
    export, outputs, dropped = entered_in_a_failed_update
    exclude(monkeypatch, nightly, *DROPPED)  # the same wrong exclusion, the next night

    within = nightly.synth("second", "--previous", str(export))

    assert within.code == 0, within.err
    for account_id in dropped:
        line = next(line for line in within.err.splitlines() if account_id in line)
        assert f"found only in the state of {export}" in line
        assert "(skipped: excluded): its backup plan, selection and role will be deleted" in line
    # The stack output alone never saw them: its guard says nothing (what the state fixes).
    blind = nightly.discover("--previous", str(outputs))
    assert blind.code == 0 and "is no longer covered" not in blind.err

    monkeypatch.setenv("ORG_BACKUP_MAX_ACCOUNTS_REMOVED", "2")
    refused = nightly.synth("third", "--previous", str(export))

    assert refused.code == 2
    assert "would stop covering 3 accounts" in refused.err
    for account_id in dropped:
        line = next(line for line in refused.err.splitlines() if f"'{account_id}'" in line)
        assert line.startswith(f"error: {export}: account: '{account_id}': (")
        assert "skipped: excluded; found only in the state" in line


def test_an_interrupted_first_update_leaves_no_output_and_the_state_still_counts(
    nightly: Nightly, monkeypatch
):
    export = write(
        nightly.directory / "state.json", failed_update(nightly.accounts_dir, "prod", None)
    )
    gone = nightly.org.accounts["warehouse"]
    nightly.org.client.remove_account_from_organization(AccountId=gone)
    monkeypatch.setenv("ORG_BACKUP_MAX_ACCOUNTS_REMOVED", "0")

    run = nightly.discover("--previous", export)

    assert run.code == 2
    line = next(line for line in run.err.splitlines() if f"'{gone}'" in line)
    assert "(name unknown) no longer an account of organization" in line
    assert "found only in the state" in line


def test_a_failing_account_known_only_to_the_state_is_kept_in_its_state_regions(
    nightly: Nightly, monkeypatch
):
    """Degraded, not deleted: its regions come from the state, its provider's region first."""
    monkeypatch.setenv("ORG_BACKUP_REGIONS", '["us-east-1", "eu-west-1"]')
    export = write(
        nightly.directory / "state.json", failed_update(nightly.accounts_dir, "prod", None)
    )
    broken = nightly.org.accounts["ml-dev"]
    monkeypatch.setenv("ORG_BACKUP_REGIONS", '["eu-west-1"]')
    nightly.refuse_deploy_role(broken)

    run = nightly.discover("--json", "--previous", export)

    assert run.code == 0, run.err
    entry = run.account(broken)
    assert entry["status"] == "covered" and "deploy role cannot be assumed" in entry["degraded"]
    assert [region["region"] for region in entry["regions"]] == ["us-east-1", "eu-west-1"]
    healthy = nightly.org.accounts["lake"]
    line = next(line for line in run.err.splitlines() if healthy in line)
    assert "no longer covered in us-east-1" in line
    assert "found only in the state, not in its output" in line


def test_a_region_only_in_the_state_is_warned_about_before_its_deletion(
    nightly: Nightly, monkeypatch
):
    first = nightly.synth("first")  # every account in us-east-1: the last output
    monkeypatch.setenv("ORG_BACKUP_REGIONS", '["us-east-1", "eu-west-1"]')
    export = write(
        nightly.directory / "state.json",
        failed_update(nightly.accounts_dir, "prod", output_of(first.document)),
    )
    monkeypatch.setenv("ORG_BACKUP_REGIONS", '["us-east-1"]')

    run = nightly.discover("--previous", export)

    assert run.code == 0
    account = nightly.org.accounts["ml-prod"]
    line = next(line for line in run.err.splitlines() if account in line)
    assert "is no longer covered in eu-west-1" in line
    assert "found only in the state, not in its output" in line


def test_an_account_moved_out_of_the_state_is_not_counted(nightly: Nightly, monkeypatch):
    """`pulumi state move` took its resources to another stack: nothing of it is left here to
    delete, even though this stack's output still lists it."""
    first = nightly.synth("first")
    export = failed_update(nightly.accounts_dir, "prod", output_of(first.document))
    moved = nightly.org.accounts["lake"]
    component = resources_of(export, moved)[0]["urn"]
    export, _ = state_move(export, None, [component], "shard-1")
    path = write(nightly.directory / "state.json", export)
    exclude(monkeypatch, nightly, "lake")
    monkeypatch.setenv("ORG_BACKUP_MAX_ACCOUNTS_REMOVED", "0")

    run = nightly.discover("--previous", path)

    assert run.code == 0, run.err
    assert moved not in run.err


@pytest.mark.parametrize("command", ["discover", "synth"])
def test_an_export_of_another_stack_is_refused(nightly: Nightly, monkeypatch, command: str):
    export = write(
        nightly.directory / "state.json", failed_update(nightly.accounts_dir, "staging", None)
    )
    monkeypatch.chdir(nightly.directory)
    (nightly.directory / "Pulumi.prod.yaml").write_text("config: {}\n")

    run = nightly.cli(command, "--stack", "prod", "--previous", export)

    assert run.code == 2
    assert "is the state of stack staging, not of this run's stack prod" in run.err
