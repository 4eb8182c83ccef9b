"""The audit of copies: each tagged file system's latest copy in the central vault,
and the central vault's access policy, read in the central account through its deploy role.
moto has neither recovery points nor vault policies: they are canned answers, and botocore's
Stubber checks the shapes `collect_central` reads."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from org_backup.audit import collect_central as central_module
from org_backup.coverage.central import vault_access_policy
from tests.support.plans import central
from tests.support.world import EAST, NOW, AwsError, World, by_account, findings, recovery_point


def copy_of(arn: str, hours: float, status: str = "COMPLETED") -> dict[str, Any]:
    return {
        **recovery_point(NOW - timedelta(hours=hours), "org-backup-central", status),
        "ResourceArn": arn,
    }


def test_fresh_copies_and_the_deployed_policy_are_compliant(world: World, copies):
    fs = world.file_system(copies["prod"])
    copies["copies"] = [copy_of(fs, 40), copy_of(fs, 3)]

    report = world.run()

    assert findings(report) == []
    central_rows = [
        row
        for row in report.rows
        if row.account_id == copies["hub"] and row.resource_arn == copies["vault_arn"]
    ]
    assert [(row.status, row.vault_name) for row in central_rows] == [
        ("COMPLIANT", "org-backup-central")
    ]
    region, params = copies["asked"][0]
    assert region == EAST and params["BackupVaultName"] == "org-backup-central"
    # daily (32 h allowed) + 24 h for the copy job: older copies are not even read
    assert params["ByCreatedAfter"] == NOW - timedelta(hours=56)


def test_a_missing_or_stale_copy_is_a_finding_on_the_file_system(world: World, copies):
    missing, stale, failed = (world.file_system(copies["prod"]) for _ in range(3))
    copies["copies"] = [copy_of(stale, 57), copy_of(failed, 1, status="FAILED")]

    report = world.run()

    rows = {row.resource_arn: row for row in by_account(report, "ml-prod")}
    assert "has no completed copy in central vault org-backup-central" in rows[missing].findings[0]
    assert "made within the last 56.0 hours" in rows[missing].findings[0]
    assert "57.0 hours ago" in rows[stale].findings[0]
    assert "has no completed copy" in rows[failed].findings[0]
    assert report.summary.finding_count == 3


def test_the_central_accounts_own_file_systems_are_not_expected_to_copy(world: World, copies):
    world.file_system(copies["hub"])
    assert findings(world.run()) == []


@pytest.mark.parametrize(
    ("policy", "complaint"),
    [
        (None, "has no access policy, so no other account can copy into it."),
        (
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": "*", "Action": "backup:*", "Resource": "*"}
                ],
            },
            "access policy is not the one org-backup deploys",
        ),
    ],
    ids=["none", "wider"],
)
def test_the_central_vault_policy_must_be_the_one_deployed(world: World, copies, policy, complaint):
    copies["policy"] = policy

    (finding,) = findings(world.run())

    assert finding.startswith(
        f"Central account {copies['hub']} {EAST}: central vault org-backup-central"
    )
    assert complaint in finding


def test_a_missing_central_vault_is_a_finding(world: World, copies):
    world.member(copies["hub"], "backup").delete_backup_vault(BackupVaultName="org-backup-central")
    fs = world.file_system(copies["prod"])

    report = world.run()

    assert findings(report) == [
        f"Central account {copies['hub']} {EAST}: central vault org-backup-central does not"
        " exist, so every copy job into it fails."
    ]
    assert [row.status for row in report.rows if row.resource_arn == fs] == ["COMPLIANT"]


def test_a_plan_that_does_not_copy_is_drift(world: World, copies):
    other = world.org.account("ml-new", "ML")
    world.deploy(other)  # no CopyActions

    (finding,) = findings(world.run(), "ml-new")

    assert "rule daily copies to nowhere, but the policy says" in finding
    assert f"{copies['vault_arn']} (kept 90 days)" in finding


def test_an_unreachable_central_account_is_one_finding(world: World, copies):
    world.file_system(copies["prod"])

    def assume(params: dict[str, Any], _region: str) -> None:
        if f"::{copies['hub']}:" in params["RoleArn"]:
            raise AwsError("AccessDenied", "not authorized to perform sts:AssumeRole", 403)

    world.canned.on("sts", "AssumeRole", assume)

    found = findings(world.run())

    assert len(found) == 2  # the hub as a covered account, and as the central account
    assert any(
        f.startswith(f"Central account {copies['hub']}: could not be audited") for f in found
    )


def test_collect_central_reads_the_shapes_aws_answers_with(monkeypatch):
    session = boto3.Session(region_name=EAST)
    backup = session.client("backup", region_name=EAST)
    monkeypatch.setattr(central_module, "client", lambda _session, _service, _region=None: backup)
    efs = "arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/fs-0123456789abcdef0"
    vault_arn = "arn:aws:backup:us-east-1:555566667777:backup-vault:org-backup-central"
    since = NOW - timedelta(hours=56)
    with Stubber(backup) as stub:
        stub.add_response(
            "describe_backup_vault",
            {
                "BackupVaultName": "org-backup-central",
                "BackupVaultArn": vault_arn,
                "VaultType": "LOGICALLY_AIR_GAPPED_BACKUP_VAULT",
            },
            {"BackupVaultName": "org-backup-central"},
        )
        stub.add_response(
            "get_backup_vault_access_policy",
            {"Policy": json.dumps(vault_access_policy("o-exampleorg1"))},
            {"BackupVaultName": "org-backup-central"},
        )
        stub.add_response(
            "list_recovery_points_by_backup_vault",
            {
                "RecoveryPoints": [
                    {
                        "ResourceArn": efs,
                        "CreationDate": NOW - timedelta(hours=5),
                        "Status": "COMPLETED",
                    },
                    {
                        "ResourceArn": efs,
                        "CreationDate": NOW - timedelta(hours=2),
                        "Status": "AVAILABLE",
                    },
                    {
                        "ResourceArn": efs,
                        "CreationDate": NOW - timedelta(hours=1),
                        "Status": "PARTIAL",
                    },
                ]
            },
            {"BackupVaultName": "org-backup-central", "ByCreatedAfter": since},
        )
        state = central_module.collect_central(
            session, central(kind="air-gapped", regions=(EAST,)), "555566667777", since
        )
        stub.assert_no_pending_responses()
    (region,) = state.regions
    assert region.vault_type == "LOGICALLY_AIR_GAPPED_BACKUP_VAULT"
    assert region.policy == vault_access_policy("o-exampleorg1")
    assert region.latest_copies == {efs: NOW - timedelta(hours=2)}
