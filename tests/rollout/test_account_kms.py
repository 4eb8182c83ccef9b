"""KMS aliases in `vault_kms_key_arn`: resolved to the key ARN in each account and region,
through that account's provider; the vault never receives an alias (which AWS would read back
as the key's ARN, so that every later update would try to replace the retained vault)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from moto import mock_aws

from org_backup.cli import main
from org_backup.config.policy import BackupPolicy
from org_backup.rollout.export import build_manifest
from org_backup.rollout.synthesize import synthesize
from tests.support.orgs import new_org
from tests.support.plans import VAULT, by_type, covered, org, policy

A, B, C, KEYS = "111122223333", "444455556666", "777788889999", "999900001111"
REGIONS = ("us-east-1", "eu-west-1")
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"

ALIAS_NAME = policy(vault_kms_key_arn="alias/org-backup")
ALIAS_ARN = policy(vault_kms_key_arn="arn:{partition}:kms:{region}:{account_id}:alias/org-backup")
CENTRAL_ALIAS = policy(vault_kms_key_arn=f"arn:{{partition}}:kms:{{region}}:{KEYS}:alias/backup")
KEY_ARN = policy(vault_kms_key_arn=f"arn:{{partition}}:kms:{{region}}:{{account_id}}:key/{KEY_ID}")
COVERAGE = org(
    covered(A, regions=REGIONS, policy=ALIAS_NAME),
    covered(B, regions=REGIONS, policy=ALIAS_ARN),
    covered(C, regions=("eu-west-1",), policy=CENTRAL_ALIAS),
    covered("222233334444", regions=("us-east-1",), policy=KEY_ARN),
)


@pytest.fixture(scope="module")
def synth() -> dict[str, Any]:
    return synthesize(COVERAGE)


def vault_keys(synth: dict[str, Any]) -> dict[str, str]:
    return {
        vault["name"]: vault["inputs"]["kmsKeyArn"] for vault in by_type(synth["resources"], VAULT)
    }


def manifest_keys(manifest: dict[str, Any]) -> dict[str, str | None]:
    return {
        f"{account['account_id']}-{region['region']}-vault": region["vault"]["kms_key_arn"]
        for account in manifest["accounts"]
        for region in account["regions"]
    }


def test_no_alias_ever_reaches_a_vault(synth):
    keys = vault_keys(synth)
    assert len(keys) == 6
    for name, key in keys.items():
        assert "alias" not in key, name
        assert re.fullmatch(r"arn:aws:kms:[a-z0-9-]+:\d{12}:key/[0-9a-f-]{36}", key), key


def test_an_alias_resolves_in_the_vaults_own_account_and_region(synth):
    keys = vault_keys(synth)
    for account in (A, B):
        for region in REGIONS:
            assert keys[f"{account}-{region}-vault"].startswith(
                f"arn:aws:kms:{region}:{account}:key/"
            )
    # One alias name, one key per account and region.
    assert len({keys[f"{account}-{region}-vault"] for account in (A, B) for region in REGIONS}) == 4


def test_an_alias_arn_of_a_central_key_account_resolves_to_that_accounts_key(synth):
    assert vault_keys(synth)[f"{C}-eu-west-1-vault"].startswith(
        f"arn:aws:kms:eu-west-1:{KEYS}:key/"
    )


def test_a_key_arn_reaches_the_vault_as_written(synth):
    assert vault_keys(synth)["222233334444-us-east-1-vault"] == (
        f"arn:aws:kms:us-east-1:222233334444:key/{KEY_ID}"
    )


def test_the_manifest_shows_the_key_arn_the_vault_was_given(synth):
    assert manifest_keys(synth) == vault_keys(synth)


def test_before_deployment_an_alias_has_no_key_arn_yet_but_a_key_arn_has():
    planned = manifest_keys(build_manifest(COVERAGE))
    assert planned[f"{A}-us-east-1-vault"] is None
    assert planned[f"{C}-eu-west-1-vault"] is None
    assert planned["222233334444-us-east-1-vault"] == (
        f"arn:aws:kms:us-east-1:222233334444:key/{KEY_ID}"
    )


@pytest.mark.parametrize(
    "template",
    [
        "alias/org-backup",
        "alias/team/ml_backup-{region}",
        "alias/aws/backup",  # AWS Backup's AWS managed key: DescribeKey resolves it too
        "arn:{partition}:kms:{region}:{account_id}:alias/org-backup",
        "arn:{partition}:kms:{region}:999900001111:alias/backup",
        "arn:{partition}:kms:{region}:{account_id}:key/mrk-1234abcd12ab34cd56ef1234567890ab",
    ],
)
def test_valid_key_templates(template):
    assert policy(vault_kms_key_arn=template).vault_kms_key_arn == template


@pytest.mark.parametrize(
    "template",
    [
        "alias/",
        "alias/my key",
        "org-backup",
        "arn:{partition}:kms:{region}:{account_id}:keyring/x",
        "arn:{partition}:s3:::bucket",
        "arn:{partition}:kms:{region}:{account_id}:alias/",
        "arn:aws:kms:eu-west-1:{account_id}:alias/x",  # a fixed region other than the vault's
        "alias/{unknown}",
    ],
)
def test_invalid_key_templates_are_refused_with_what_would_be_right(template):
    with pytest.raises(ValueError, match=r"alias name \(alias/NAME"):
        BackupPolicy.model_validate({**policy().model_dump(), "vault_kms_key_arn": template})


def test_synth_resolves_the_alias_of_a_setting_and_of_an_account_file(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "accounts").mkdir()
    monkeypatch.setenv("ORG_BACKUP_VAULT_KMS_KEY_ARN", "alias/org-backup")
    with mock_aws():
        org = new_org()
        plain, own_key = org.account("plain"), org.account("own-key")
        (tmp_path / "accounts" / "own-key.yaml").write_text(
            f'account_id: "{own_key}"\nname: own-key\nbackup:\n'
            "  vault_kms_key_arn: arn:{partition}:kms:{region}:{account_id}:alias/ml\n"
        )
        code = main(["synth", "--out", "-"])

    assert code == 0
    synth = json.loads(capsys.readouterr().out)
    keys = vault_keys(synth)
    assert keys[f"{plain}-us-east-1-vault"].startswith(f"arn:aws:kms:us-east-1:{plain}:key/")
    assert keys[f"{own_key}-us-east-1-vault"].startswith(f"arn:aws:kms:us-east-1:{own_key}:key/")
    assert manifest_keys(synth) == keys
