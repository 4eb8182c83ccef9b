"""Replacements predicted before `pulumi up`, against the previous state: a retained vault or lock
is never replaced by surprise (exit 2 with what would happen and the safe way), and every other
replacement is a warning a reviewer sees in synth's output."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws

from org_backup.cli import main
from org_backup.coverage.audit_evidence import AuditFrameworksConfig
from org_backup.coverage.model import Coverage
from org_backup.coverage.state.previous import PreviousState, read_previous
from org_backup.coverage.state.recorded_inputs import manifest_inputs
from org_backup.coverage.state.replacements import RETAINED_TYPES, check_replacements
from org_backup.errors import InputError
from org_backup.manifest.model import Manifest
from org_backup.rollout.export import build_manifest
from org_backup.rollout.synthesize import synthesize
from tests.support.exports import stack_export, write
from tests.support.orgs import Org, new_org
from tests.support.plans import CENTRAL_ID, central, covered, org, policy

A = "111122223333"
KEY = "arn:{partition}:kms:{region}:{account_id}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
NEW_KEY = "arn:{partition}:kms:{region}:{account_id}:key/5678abcd-12ab-34cd-56ef-1234567890ab"
LOCK = {"vault_lock_min_retention_days": 7, "vault_lock_max_retention_days": 365}


def air_gapped(**fields: Any):
    return central(
        kind="air-gapped", **{"min_retention_days": 7, "max_retention_days": 3650, **fields}
    )


def state(coverage: Coverage) -> PreviousState:
    return PreviousState("previous.json", Manifest.model_validate(build_manifest(coverage)))


def before_and_after(before: Coverage, after: Coverage, allowed=()) -> list[str]:
    return check_replacements(state(before), after, list(allowed))


def test_nothing_changed_nothing_replaced():
    coverage = org(covered(A, policy=policy(vault_kms_key_arn=KEY, **LOCK)), central=air_gapped())
    assert before_and_after(coverage, coverage) == []


def test_a_member_vaults_new_key_is_refused_with_the_safe_way():
    with pytest.raises(InputError) as raised:
        before_and_after(
            org(covered(A, policy=policy(vault_kms_key_arn=KEY))),
            org(covered(A, policy=policy(vault_kms_key_arn=NEW_KEY))),
            allowed=[f"{A}-us-east-1-vault"],  # allowing cannot help: the name is taken
        )
    first, second = (str(problem) for problem in raised.value.problems)
    assert first.startswith(f"resource {A}-eu-west-1-vault (aws:backup/vault:Vault): ")
    assert "vault_kms_key_arn" in first and "1234abcd" in first and "5678abcd" in first
    assert "a new vault cannot take the name the old one keeps" in second
    assert "give the vault a new name as well (vault_name)" in second
    assert f"ORG_BACKUP_ALLOW_REPLACEMENTS='[\"{A}-us-east-1-vault\"]'" in second


def test_a_changed_air_gapped_retention_is_refused():
    with pytest.raises(InputError) as raised:
        before_and_after(
            org(covered(A), central=air_gapped()),
            org(covered(A), central=air_gapped(max_retention_days=365)),
        )
    problems = [str(problem) for problem in raised.value.problems]
    assert len(problems) == 2  # the central vault of each region
    assert problems[0].startswith(
        f"resource {CENTRAL_ID}-eu-west-1-central-vault"
        " (aws:backup/logicallyAirGappedVault:LogicallyAirGappedVault):"
        " central_vault_max_retention_days: 'maxRetentionDays 3650 -> 365':"
    )
    assert "the update would fail in that account-region" in problems[0]


def test_another_central_vault_kind_needs_a_new_name_and_an_allowance():
    standard = org(covered(A, regions=("us-east-1",)), central=central(regions=("us-east-1",)))
    name = f"{CENTRAL_ID}-us-east-1-central-vault"
    with pytest.raises(InputError) as raised:
        before_and_after(standard, org(covered(A), central=air_gapped(regions=("us-east-1",))))
    (problem,) = raised.value.problems
    assert problem.field == "central_vault_kind" and "(central_vault_name)" in problem.message

    renamed = org(covered(A), central=air_gapped(regions=("us-east-1",), vault_name="central-lag"))
    (line,) = before_and_after(standard, renamed, allowed=[name])
    assert line.startswith(f"replace (allowed by allow_replacements): resource {name}")


def test_a_new_vault_name_replaces_only_when_allowed():
    before = org(covered(A, regions=("us-east-1",), policy=policy(**LOCK)))
    after = org(covered(A, regions=("us-east-1",), policy=policy(vault_name="ai-vault-v2", **LOCK)))
    with pytest.raises(InputError) as raised:
        before_and_after(before, after)
    vault, lock = raised.value.problems
    assert "forgets the old one, which stays in the account" in vault.message
    assert "leaves the old one in place" in lock.message

    lines = before_and_after(
        before, after, allowed=[f"{A}-us-east-1-vault", f"{A}-us-east-1-vault-lock"]
    )
    assert lines == [
        f"replace (allowed by allow_replacements): resource {A}-us-east-1-vault"
        ' (aws:backup/vault:Vault): name "org-backup-ai" -> "ai-vault-v2". Pulumi creates the'
        " new one, then forgets the old one (retained)",
        f"replace (allowed by allow_replacements): resource {A}-us-east-1-vault-lock"
        " (aws:backup/vaultLockConfiguration:VaultLockConfiguration): backupVaultName"
        ' "org-backup-ai" -> "ai-vault-v2". Pulumi creates the new one, then forgets the old one'
        " (retained)",
    ]


def test_a_plain_replacement_is_a_warning_line():
    lines = before_and_after(
        org(covered(A, regions=("us-east-1",))),
        org(covered(A, regions=("us-east-1",), policy=policy(selection_tag_value="AIData"))),
    )
    (line,) = lines
    assert line.startswith(
        f"replace: resource {A}-us-east-1-selection (aws:backup/selection:Selection): conditions "
    )
    assert '"AIFilesystem"' in line and '"AIData"' in line
    assert line.endswith("Pulumi creates the new one, then deletes the old one")


def test_a_new_plan_name_replaces_the_audit_framework_too():
    frameworks = {"audit_frameworks": AuditFrameworksConfig()}
    lines = before_and_after(
        org(covered(A, regions=("us-east-1",)), **frameworks),
        org(covered(A, regions=("us-east-1",), policy=policy(plan_name="ai-v2")), **frameworks),
    )
    assert any(
        line.startswith(f"replace: resource {A}-us-east-1-framework") and "ai_v2" in line
        for line in lines
    )


def test_a_kms_alias_is_not_compared_offline():
    before = org(covered(A, policy=policy(vault_kms_key_arn=KEY)))
    after = org(covered(A, policy=policy(vault_kms_key_arn="alias/org-backup")))
    assert before_and_after(before, after) == []


def test_an_older_manifest_without_the_central_retention_predicts_nothing_for_it():
    document = build_manifest(org(covered(A), central=air_gapped()))
    for field in ("min_retention_days", "max_retention_days"):
        del document["central"][field]
    previous = PreviousState("old.json", Manifest.model_validate(document))
    resources = manifest_inputs(previous.manifest)
    vault = f"{CENTRAL_ID}-us-east-1-central-vault"
    assert "maxRetentionDays" not in resources[vault].inputs
    assert resources[vault].inputs["name"] == "org-backup-central"
    after = org(covered(A), central=air_gapped(max_retention_days=365))
    assert check_replacements(previous, after, []) == []


def test_the_retained_types_are_those_the_program_retains():
    resources = synthesize(
        org(covered(A, policy=policy(**LOCK)), central=central(min_retention_days=7))
    )["resources"]
    retained = {r["type"] for r in resources if r["retain_on_delete"]}
    assert retained | {"aws:backup/logicallyAirGappedVault:LogicallyAirGappedVault"} == set(
        RETAINED_TYPES
    )
    assert not {r["type"] for r in resources if not r["retain_on_delete"]} & RETAINED_TYPES


# End to end: synth --previous against a moto organization, with the settings a user changes.

BASE_ENV = {
    "ORG_BACKUP_REGIONS": '["us-east-1", "eu-west-1"]',
    "ORG_BACKUP_VAULT_KMS_KEY_ARN": KEY,
    "ORG_BACKUP_CENTRAL_VAULT_KIND": "air-gapped",
    "ORG_BACKUP_CENTRAL_VAULT_MIN_RETENTION_DAYS": "7",
    "ORG_BACKUP_CENTRAL_VAULT_MAX_RETENTION_DAYS": "3650",
    "ORG_BACKUP_CENTRAL_MPA_ENABLED": "false",
    "ORG_BACKUP_CENTRAL_DELEGATED_ADMINISTRATOR_ENABLED": "false",
}


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Org, Path]]:
    """A first synth of the organization, whose manifest is the previous state."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "accounts").mkdir()
    for name, value in BASE_ENV.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        organization = new_org()
        organization.account("ml-prod", "ML")
        vaults = organization.account("backups", "Security")
        monkeypatch.setenv("ORG_BACKUP_CENTRAL_ACCOUNT_ID", vaults)
        assert main(["synth", "--out", "previous.json"]) == 0
        yield organization, tmp_path / "previous.json"


@pytest.mark.parametrize(
    ("setting", "value", "input_name"),
    [
        ("ORG_BACKUP_CENTRAL_VAULT_MAX_RETENTION_DAYS", "365", "maxRetentionDays 3650 -> 365"),
        ("ORG_BACKUP_VAULT_KMS_KEY_ARN", NEW_KEY, "kmsKeyArn"),
    ],
    ids=["air-gapped-retention", "member-vault-key"],
)
def test_synth_previous_exits_2_explaining_the_replacement(
    world, monkeypatch, capsys, setting, value, input_name
):
    _, previous = world
    monkeypatch.setenv(setting, value)
    capsys.readouterr()

    assert main(["synth", "--previous", str(previous), "--out", "next.json"]) == 2

    err = capsys.readouterr().err
    assert input_name in err and "would replace this retained vault" in err
    assert "nothing was written" in err
    assert not Path("next.json").exists()


def test_synth_previous_lists_a_plain_replacement(world, monkeypatch, capsys):
    _, previous = world
    monkeypatch.setenv("ORG_BACKUP_SELECTION_TAG_VALUE", "AIData")
    capsys.readouterr()

    assert main(["synth", "--previous", str(previous), "--out", "next.json"]) == 0

    replaced = [line for line in capsys.readouterr().err.splitlines() if "replace:" in line]
    assert len(replaced) == 4  # the selection of each member account-region
    assert all(line.startswith("WARNING: replace: resource ") for line in replaced)
    assert json.loads(Path("next.json").read_text())["schema_version"] == 1


def exported(coverage: Coverage, tmp_path: Path) -> PreviousState:
    """The previous state as `pulumi stack export` of an update that registered `coverage`."""
    export = stack_export(coverage, "synth", {"org_backup": build_manifest(coverage)})
    return read_previous(write(tmp_path / "state.json", export))


def test_with_an_export_the_inputs_the_engine_sent_are_the_previous_side(tmp_path: Path):
    before = org(covered(A, policy=policy(vault_kms_key_arn=KEY, **LOCK)), central=air_gapped())
    previous = exported(before, tmp_path)
    assert previous.state is not None
    assert check_replacements(previous, before, []) == []  # the state's own inputs: no change
    with pytest.raises(InputError) as raised:
        check_replacements(
            previous,
            org(covered(A, policy=policy(vault_kms_key_arn=NEW_KEY, **LOCK)), central=air_gapped()),
            [],
        )
    assert "state.json" in str(raised.value.problems[-1])
    assert "vault_kms_key_arn" in str(raised.value.problems[0])


def test_an_account_only_the_state_holds_is_compared_too(tmp_path: Path):
    """A failed update keeps the old output; the state already holds the new account's vault."""
    entered = org(covered(A, policy=policy(vault_kms_key_arn=KEY)))
    export = stack_export(entered, "synth", root_outputs=None)  # no successful update yet

    previous = read_previous(write(tmp_path / "state.json", export))
    assert previous.manifest is None
    with pytest.raises(InputError):
        check_replacements(previous, org(covered(A, policy=policy(vault_kms_key_arn=NEW_KEY))), [])
