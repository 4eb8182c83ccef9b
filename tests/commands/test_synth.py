"""`python -m org_backup synth`: its arguments, what it writes, and what it tells the user."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws

from org_backup.commands import synth
from org_backup.coverage.adoption import Adoption
from org_backup.errors import InputError
from org_backup.manifest.model import Manifest
from tests.support.commands import run_synth
from tests.support.orgs import new_org
from tests.support.plans import covered, org, policy, skipped

A, B = "111122223333", "444455556666"
LOCKED = policy(
    vault_lock_min_retention_days=7,
    vault_lock_max_retention_days=365,
    vault_lock_changeable_for_days=3,
)
PLAN = org(covered(A), covered(B, regions=("eu-west-1",), policy=LOCKED), skipped("777788889999"))


@pytest.fixture
def load_coverage(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Discovery (and adoption's lookups, tested with moto in tests/coverage/test_adoption.py) replaced by
    PLAN; records what synth passed."""
    calls: list[dict[str, Any]] = []

    def fake(accounts_dir, stack_config, session, previous, **kwargs):
        calls.append({"accounts_dir": accounts_dir, "stack_config": stack_config, **kwargs})
        return Adoption(PLAN, ())

    monkeypatch.setattr(synth, "load_rollout_coverage", fake)
    return calls


def test_writes_manifest_and_resources_to_build_by_default(load_coverage, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run_synth() == 0
    document = json.loads((tmp_path / "build" / "manifest.json").read_text())
    Manifest.model_validate(document)
    assert len(document["resources"]) == 11 + 9
    assert {"type", "name", "provider", "inputs"} <= set(document["resources"][0])
    assert load_coverage[0]["accounts_dir"] == Path("accounts")
    assert load_coverage[0]["stack_config"] == {}


def test_out_dash_prints_the_json_on_stdout_and_writes_no_file(
    load_coverage, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    assert run_synth("--out", "-", "--accounts-dir", "elsewhere") == 0
    assert json.loads(capsys.readouterr().out)["schema_version"] == 1
    assert not (tmp_path / "build").exists()
    assert load_coverage[0]["accounts_dir"] == Path("elsewhere")


def test_summary_lists_accounts_regions_counts_totals_and_lock_warnings(
    load_coverage, tmp_path, capsys
):
    run_synth("--out", str(tmp_path / "m.json"), "-v")
    err = capsys.readouterr().err
    assert f"{A} acct-3333: us-east-1, eu-west-1 (11 resources)" in err
    assert f"{B} acct-6666: eu-west-1 (9 resources)" in err
    assert "2 accounts covered (1 skipped), 3 account-regions, 20 resources" in err
    assert "WARNING: vault lock in compliance mode in 1 account(s): " + B in err


def test_stack_settings_come_from_the_stack_file(load_coverage, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Pulumi.prod.yaml").write_text(
        "config:\n"
        "  aws:region: us-east-1\n"
        "  org-backup:regions: '[\"eu-west-1\"]'\n"
        "  org-backup:delete_after_days: 120\n"
    )
    run_synth("--stack", "prod")
    assert load_coverage[0]["stack_config"] == {
        "regions": '["eu-west-1"]',
        "delete_after_days": 120,
    }
    assert load_coverage[0]["stack_source"] == "Pulumi.prod.yaml"


def test_a_missing_stack_file_is_an_input_error_and_nothing_is_written(
    load_coverage, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as raised:
        run_synth("--stack", "nope")
    assert "Pulumi.nope.yaml" in str(raised.value)
    assert not load_coverage
    assert not (tmp_path / "build").exists()


def test_an_unwritable_out_is_an_input_error_naming_it(load_coverage, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(InputError) as raised:
        run_synth("--out", str(blocker / "manifest.json"))
    assert "--out" in str(raised.value)


def test_end_to_end_against_a_moto_organization(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "accounts").mkdir()
    (tmp_path / "Pulumi.dev.yaml").write_text(
        'config:\n  org-backup:regions: \'["us-east-1", "eu-west-1"]\'\n'
    )
    with mock_aws():
        organization = new_org()
        member = organization.account("ml-prod", "ML/Prod")
        assert run_synth("--stack", "dev") == 0
    document = json.loads((tmp_path / "build" / "manifest.json").read_text())
    accounts = {a["account_id"]: a for a in document["accounts"]}
    assert accounts[member]["status"] == "covered"
    assert [r["region"] for r in accounts[member]["regions"]] == ["us-east-1", "eu-west-1"]
    vaults = [r for r in document["resources"] if r["type"] == "aws:backup/vault:Vault"]
    assert {v["inputs"]["region"] for v in vaults if v["provider"] == f"{member}-aws"} == {
        "us-east-1",
        "eu-west-1",
    }
