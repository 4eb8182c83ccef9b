"""Each synthesized vault, lock, plan and selection as the AWS Backup request it stands for,
validated against botocore's model, so a shape AWS would reject fails here and not in `pulumi up`."""

from __future__ import annotations

import copy
import re
from collections import Counter
from typing import Any

import pytest

from org_backup.rollout.synthesize import synthesize
from tests.support.api_shapes import ApiRequest, api_requests, validation_errors
from tests.support.plans import PLAN, SELECTION, VAULT, covered, org, policy

A, B = "111122223333", "444455556666"
FULL_POLICY = policy(
    cold_storage_after_days=30,
    delete_after_days=400,
    vault_kms_key_arn="arn:{partition}:kms:{region}:{account_id}:alias/backup",
    vault_lock_min_retention_days=30,
    vault_lock_max_retention_days=3650,
    vault_lock_changeable_for_days=7,
)


@pytest.fixture(scope="module")
def resources() -> list[dict[str, Any]]:
    plan = org(
        covered(A, tags={"team": "ml"}),
        covered(B, regions=("eu-central-1",), policy=FULL_POLICY),
        tags={"cost-center": "ai"},
    )
    return synthesize(plan)["resources"]


def test_every_backup_resource_is_a_request_botocore_accepts(resources):
    requests = api_requests(resources)
    assert Counter(r.operation for r in requests) == {
        "CreateBackupVault": 3,
        "CreateBackupPlan": 3,
        "CreateBackupSelection": 3,
        "PutBackupVaultLockConfiguration": 1,
        "CreateRole": 2,  # the backup role of each account
    }
    for request in requests:
        assert validation_errors(request) == [], request


def test_requests_carry_what_the_api_needs(resources):
    requests = {r.resource: r for r in api_requests(resources)}
    vault = requests[f"{B}-eu-central-1-vault"]
    assert vault.region == "eu-central-1"
    key_arn = vault.params.pop("EncryptionKeyArn")
    # The alias of the policy, resolved through B's provider: a key ARN, never the alias.
    assert re.fullmatch(rf"arn:aws:kms:eu-central-1:{B}:key/[0-9a-f-]{{36}}", key_arn)
    assert vault.params == {
        "BackupVaultName": "org-backup-ai",
        "BackupVaultTags": {"cost-center": "ai", "managed-by": "org-backup"},
    }
    rule = requests[f"{B}-eu-central-1-plan"].params["BackupPlan"]["Rules"][0]
    assert rule["Lifecycle"] == {"DeleteAfterDays": 400, "MoveToColdStorageAfterDays": 30}
    selection = requests[f"{A}-us-east-1-selection"].params["BackupSelection"]
    assert selection["Conditions"] == {
        "StringEquals": [{"ConditionKey": "aws:ResourceTag/Name", "ConditionValue": "AIFilesystem"}]
    }
    assert "ListOfTags" not in selection
    lock = requests[f"{B}-eu-central-1-vault-lock"].params
    assert lock == {
        "BackupVaultName": "org-backup-ai",
        "MinRetentionDays": 30,
        "MaxRetentionDays": 3650,
        "ChangeableForDays": 7,
    }


def _broken(resources, type_: str, name: str, edit) -> ApiRequest:
    resource = copy.deepcopy(next(r for r in resources if r["type"] == type_ and r["name"] == name))
    edit(resource["inputs"])
    (request,) = api_requests([resource])
    return request


@pytest.mark.parametrize(
    ("type_", "name", "edit", "complaint"),
    [
        (VAULT, f"{A}-us-east-1-vault", lambda i: i.update(name="a"), "does not match"),
        (VAULT, f"{A}-us-east-1-vault", lambda i: i.pop("name"), "Missing required parameter"),
        (
            PLAN,
            f"{A}-us-east-1-plan",
            lambda i: i["rules"][0].update(startWindow="two hours"),
            "Invalid type for parameter BackupPlan.Rules[0].StartWindowMinutes",
        ),
        (
            PLAN,
            f"{A}-us-east-1-plan",
            lambda i: i["rules"][0].update(ruleName="daily backup"),
            "does not match",
        ),
        (
            SELECTION,
            f"{A}-us-east-1-selection",
            lambda i: i["conditions"][0]["stringEquals"][0].update(value=["AIFilesystem"]),
            "Invalid type for parameter BackupSelection.Conditions.StringEquals[0].ConditionValue",
        ),
        (
            SELECTION,
            f"{A}-us-east-1-selection",
            lambda i: i.update(selectionTags=[{"key": "Name", "value": "AIFilesystem"}]),
            "ConditionType",
        ),
    ],
)
def test_shapes_aws_would_reject_are_caught(resources, type_, name, edit, complaint):
    errors = validation_errors(_broken(resources, type_, name, edit))
    assert any(complaint in error for error in errors), errors
