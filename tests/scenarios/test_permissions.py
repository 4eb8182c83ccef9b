"""The IAM policies in the docs hold exactly the actions the commands call: every operation
botocore sends while `audit`, `discover`, `synth --offline` and the program's own lookups run
against moto is recorded by principal (tests/support/calls.py) and compared, action for
action, with the policy documents parsed from docs/audit.md and docs/operations.md."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from org_backup.cli import main
from org_backup.reporting.kinds import Thresholds
from tests.support.calls import Calls, allowed_actions, documented_policies
from tests.support.world import EAST, World

READONLY = "OrgBackupReadOnly"
OPT_IN = "ap-east-1"  # an opt-in region: looked up per account (account:ListRegions)
POLICIES = documented_policies("docs/audit.md", "docs/operations.md")
FLAGS = {
    "ORG_BACKUP_CENTRAL_MPA_ENABLED": "false",
    "ORG_BACKUP_CENTRAL_DELEGATED_ADMINISTRATOR_ENABLED": "false",
}


# Called only when the OU walk misses an account or sees one twice (recorded by the test below).
WALK_REPAIR = "PlaceAccountsTheWalkMissed"


def program_part(policy: dict[str, Any]) -> set[str]:
    """The statements for what org-backup's own code calls on a night where nothing moves;
    `Provider...` statements are what the Pulumi AWS provider calls, which no test here can
    record, and the walk's repair statement is called only when an account moves."""
    return allowed_actions(
        {
            "Statement": [
                s
                for s in policy["Statement"]
                if not s.get("Sid", "").startswith("Provider") and s.get("Sid") != WALK_REPAIR
            ]
        }
    )


def walk_repair(policy: dict[str, Any]) -> set[str]:
    return allowed_actions(
        {"Statement": [s for s in policy["Statement"] if s.get("Sid") == WALK_REPAIR]}
    )


@pytest.fixture
def recorded(world: World, monkeypatch: pytest.MonkeyPatch) -> Calls:
    """The caller's session records its calls; the commands, which make their own session,
    get that one (with the answers moto lacks)."""
    calls = Calls()
    calls.attach(world.session)
    monkeypatch.setattr(boto3, "Session", lambda *args, **kwargs: world.session)
    monkeypatch.setenv("ORG_BACKUP_READONLY_ROLE_NAME", READONLY)
    return calls


def _everything_the_audit_reads(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """A central vault with its policy and copies, restore testing, an opt-in scan region, the
    audit frameworks, and a file system EFS also backs up on its own."""
    hub = world.org.account("backup-central", "Backup")
    settings = {
        **FLAGS,
        "ORG_BACKUP_CENTRAL_ACCOUNT_ID": hub,
        "ORG_BACKUP_AUDIT_FRAMEWORKS_ENABLED": "true",
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    prod = world.org.accounts["ml-prod"]
    world.deploy(prod)
    world.deploy(world.org.accounts["ml-dev"])
    world.member(hub, "backup").create_backup_vault(BackupVaultName="org-backup-central")
    world.file_system(prod)
    world.member(prod, "efs", EAST).create_file_system(
        CreationToken="console",
        Backup=True,
        Tags=[
            {"Key": "Name", "Value": "AIFilesystem"},
            {"Key": "aws:elasticfilesystem:default-backup", "Value": "enabled"},
        ],
    )
    answers = {
        "GetRestoreTestingPlan": lambda params, _r: {
            "RestoreTestingPlan": {
                "RestoreTestingPlanName": params["RestoreTestingPlanName"],
                "RestoreTestingPlanArn": f"arn:aws:backup:{EAST}:{prod}:restore-testing-plan:x",
            }
        },
        "ListRestoreJobsByProtectedResource": lambda _p, _r: {"RestoreJobs": []},
        "GetBackupVaultAccessPolicy": lambda params, _r: {
            "BackupVaultName": params["BackupVaultName"],
            "Policy": json.dumps({}),
        },
        "ListRecoveryPointsByBackupVault": lambda _p, _r: {"RecoveryPoints": []},
        "DescribeFramework": lambda params, _r: {"FrameworkName": params["FrameworkName"]},
    }
    for operation, answer in answers.items():
        world.canned.on("backup", operation, answer)


def test_the_audit_policies_are_exactly_what_the_audit_calls(
    world: World, recorded: Calls, monkeypatch: pytest.MonkeyPatch
):
    _everything_the_audit_reads(world, monkeypatch)
    recorded.reset()  # the setup deployed through the deploy role; the audit must not

    world.run(Thresholds(max_restore_test_age_days=7), scan_regions=[EAST, OPT_IN])

    assert set(recorded.by_principal) == {"caller", READONLY}  # no deploy role is assumed
    assert recorded.by_principal["caller"] == program_part(POLICIES["audit-caller"])
    member = recorded.by_principal[READONLY]
    assert member <= allowed_actions(POLICIES["readonly-member"])
    # the rest of the read-only role is the program's adoption lookup (test below)
    assert allowed_actions(POLICIES["readonly-member"]) - member == set()


def _regions_as_aws_answers(world: World) -> None:
    """account:ListRegions as AWS answers it with trusted access for AWS Account Management
    (moto does not implement it): the opt-in region enabled everywhere."""
    regions = [{"RegionName": r, "RegionOptStatus": "ENABLED"} for r in (EAST, OPT_IN)]
    world.canned.on("account", "ListRegions", lambda _p, _r: {"Regions": regions})


def test_the_pull_request_policy_is_exactly_what_discover_and_offline_synth_call(
    world: World, recorded: Calls, monkeypatch: pytest.MonkeyPatch, tmp_path
):
    _regions_as_aws_answers(world)
    monkeypatch.setenv("ORG_BACKUP_REGIONS", json.dumps([EAST, OPT_IN]))
    monkeypatch.chdir(tmp_path)
    assert main(["discover", "--strict", "--accounts-dir", str(world.accounts_dir)]) == 0
    assert (
        main(["synth", "--offline", "--accounts-dir", str(world.accounts_dir), "--out", "s.json"])
        == 0
    )

    assert set(recorded.by_principal) == {"caller"}  # no role in any member account
    assert recorded.by_principal["caller"] == program_part(POLICIES["pull-request"])


def test_the_deploy_policy_holds_what_the_program_itself_calls(
    world: World, recorded: Calls, monkeypatch: pytest.MonkeyPatch, tmp_path
):
    _regions_as_aws_answers(world)
    monkeypatch.setenv("ORG_BACKUP_REGIONS", json.dumps([EAST, OPT_IN]))
    monkeypatch.chdir(tmp_path)
    # a new stack: every covered account-region enters, and is looked up for a vault to adopt
    assert main(["synth", "--accounts-dir", str(world.accounts_dir), "--out", "s.json"]) == 0

    assert set(recorded.by_principal) == {"caller", READONLY}
    assert recorded.by_principal["caller"] == program_part(POLICIES["deploy-caller"])
    assert recorded.by_principal[READONLY] == {"backup:DescribeBackupVault"}
    assert recorded.by_principal[READONLY] <= allowed_actions(POLICIES["readonly-member"])


def test_placing_an_account_the_walk_missed_uses_only_the_walk_repair_statement(
    world: World, recorded: Calls, monkeypatch: pytest.MonkeyPatch, capsys
):
    """An account no OU listing returns (it moved while the walk ran) is placed by ListParents,
    climbing to a known OU with DescribeOrganizationalUnit: what every policy's walk-repair
    statement allows, and nothing else beyond a quiet night's calls."""
    moved = world.org.accounts["ml-dev"]
    world.canned.on(
        "organizations",
        "ListAccountsForParent",
        lambda params, _r: {"Accounts": []} if params["ParentId"] != world.org.root_id else None,
    )
    assert main(["discover", "--accounts-dir", str(world.accounts_dir)]) == 0
    assert moved in capsys.readouterr().out

    called = recorded.by_principal["caller"]
    for name in ("pull-request", "deploy-caller", "audit-caller"):
        repair = walk_repair(POLICIES[name])
        assert repair == {"organizations:ListParents", "organizations:DescribeOrganizationalUnit"}
        assert called <= allowed_actions(POLICIES[name]) | repair, name
    assert "organizations:ListParents" in called


def test_the_programs_config_and_efs_lookups_stay_within_the_read_only_role(
    world: World, recorded: Calls, monkeypatch: pytest.MonkeyPatch, tmp_path
):
    """With check_config_recording and efs_automatic_backups = disable, the program reads AWS
    Config and the tagged file systems through the read-only role, nothing else."""
    for name, value in {
        "ORG_BACKUP_AUDIT_FRAMEWORKS_ENABLED": "true",
        "ORG_BACKUP_CHECK_CONFIG_RECORDING": "true",
        "ORG_BACKUP_EFS_AUTOMATIC_BACKUPS": "disable",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    assert main(["synth", "--accounts-dir", str(world.accounts_dir), "--out", "s.json"]) == 0

    assert recorded.by_principal["caller"] <= program_part(POLICIES["deploy-caller"])
    assert recorded.by_principal[READONLY] == {
        "backup:DescribeBackupVault",
        "config:DescribeConfigurationRecorderStatus",
        "config:DescribeConfigurationRecorders",
        "tag:GetResources",
    }
    assert recorded.by_principal[READONLY] <= allowed_actions(POLICIES["readonly-member"])
