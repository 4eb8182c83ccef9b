"""A moto organization with AWS Backup deployed the way the rollout deploys it, and canned
answers for the calls moto lacks (backup selections, recovery points); the `world` fixture, and
`copies` (a central account the members copy into)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import botocore.loaders
import botocore.session
import pytest
from moto import mock_aws

from org_backup.audit.checks import AuditRow
from org_backup.audit.run import audit
from org_backup.coverage.central import vault_access_policy
from org_backup.reporting.kinds import Thresholds
from org_backup.reporting.model import Report
from tests.support.orgs import Org, new_org

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
EAST, WEST = "us-east-1", "eu-west-1"
EFS_WILDCARD = "arn:aws:elasticfilesystem:*:*:file-system/*"
ROLE = "OrgBackupServiceRole"
BACKUP_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "backup.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}

# One loader for every test's session: botocore then parses each service model once per run,
# not once per test (about 100 ms a model).
_LOADER = botocore.loaders.create_loader()

Answer = Callable[[dict[str, Any], str], dict[str, Any] | None]


class AwsError(Exception):
    """Raised by an answer: the call fails with this code, as AWS would answer it."""

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


class _Http:
    def __init__(self, status: int):
        self.status_code = status
        self.headers: dict[str, str] = {}


class Canned:
    """Answers chosen operations instead of moto, through botocore's events on `session`.

    Every client the audit makes comes from the caller's session, so handlers registered there
    reach the member accounts too. An answer gets the API parameters and the client's region,
    and returns the response, raises AwsError, or returns None to let moto answer.
    """

    def __init__(self, session: boto3.Session):
        self._events = session.events
        self._answers: dict[str, Answer] = {}

    def on(self, service: str, operation: str, answer: Answer) -> None:
        """Answer `operation` with `answer` from now on, replacing an earlier answer."""
        key = f"{service}.{operation}"
        if key not in self._answers:
            self._events.register(f"before-parameter-build.{key}", self._remember)
            self._events.register(f"before-call.{key}", self._reply(key))
        self._answers[key] = answer

    @staticmethod
    def _remember(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["api_params"] = dict(params)

    def _reply(self, key: str) -> Callable[..., tuple[_Http, dict[str, Any]] | None]:
        def reply(context: dict[str, Any], **_: Any) -> tuple[_Http, dict[str, Any]] | None:
            try:
                response = self._answers[key](context["api_params"], context["client_region"])
            except AwsError as error:
                return _Http(error.status), {
                    "Error": {"Code": error.code, "Message": error.message}
                }
            return None if response is None else (_Http(200), response)

        return reply


@dataclass
class Deployed:
    account_id: str
    plan_ids: dict[str, str] = field(default_factory=dict)  # by region
    role_arn: str | None = None


@dataclass
class World:
    """The organization, the caller's session, what is deployed, and the canned answers."""

    org: Org
    session: boto3.Session
    canned: Canned
    accounts_dir: Path
    deployed: dict[str, Deployed] = field(default_factory=dict)  # by plan id
    selections: dict[str, dict[str, Any] | None] = field(default_factory=dict)  # by plan id
    recovery_points: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # by ARN

    def member(self, account_id: str, service: str, region: str = EAST) -> Any:
        """A client into the member account as the rollout reaches it: its deploy role."""
        credentials = self.session.client("sts").assume_role(
            RoleArn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole",
            RoleSessionName="test-deploy",
        )["Credentials"]
        return self.session.client(
            service,
            region_name=region,
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
        )

    def deploy(
        self,
        account_id: str,
        regions: tuple[str, ...] = (EAST,),
        *,
        vault: bool = True,
        plan: bool = True,
        role: bool = True,
        **rule: Any,
    ) -> Deployed:
        """Role, vault, plan (rule fields overridable) and a selection, as `pulumi up` would."""
        deployed = Deployed(account_id)
        if role:
            created = self.member(account_id, "iam").create_role(
                RoleName=ROLE, AssumeRolePolicyDocument=json.dumps(BACKUP_TRUST)
            )
            deployed.role_arn = created["Role"]["Arn"]
        for region in regions:
            backup = self.member(account_id, "backup", region)
            if vault:
                backup.create_backup_vault(BackupVaultName="org-backup-ai")
            if plan:
                rules = {
                    "RuleName": "daily",
                    "TargetBackupVaultName": "org-backup-ai",
                    "ScheduleExpression": "cron(0 5 * * ? *)",
                    "ScheduleExpressionTimezone": "Etc/UTC",
                    "StartWindowMinutes": 120,
                    "CompletionWindowMinutes": 360,
                    "Lifecycle": {"DeleteAfterDays": 90},
                    **rule,
                }
                plan_id = backup.create_backup_plan(
                    BackupPlan={"BackupPlanName": "org-backup-ai", "Rules": [rules]}
                )["BackupPlanId"]
                deployed.plan_ids[region] = plan_id
                self.deployed[plan_id] = deployed
                self.selections[plan_id] = self.selection(f"arn:aws:iam::{account_id}:role/{ROLE}")
        return deployed

    @staticmethod
    def selection(role_arn: str, **fields: Any) -> dict[str, Any]:
        """The selection the rollout creates: EFS only, AND the tag condition."""
        return {
            "SelectionName": "ai-efs-tagged",
            "IamRoleArn": role_arn,
            "Resources": [EFS_WILDCARD],
            "Conditions": {
                "StringEquals": [
                    {"ConditionKey": "aws:ResourceTag/Name", "ConditionValue": "AIFilesystem"}
                ]
            },
            **fields,
        }

    def file_system(self, account_id: str, region: str = EAST, name: str = "AIFilesystem") -> str:
        """A tagged EFS file system, backed up an hour before NOW unless told otherwise."""
        arn = self.member(account_id, "efs", region).create_file_system(
            CreationToken=f"{account_id}-{region}-{len(self.recovery_points)}",
            Tags=[{"Key": "Name", "Value": name}],
        )["FileSystemArn"]
        self.recovery_points[arn] = [recovery_point(NOW - timedelta(hours=1))]
        return arn

    def run(self, thresholds: Thresholds | None = None, **options: Any) -> Report:
        return audit(
            self.accounts_dir,
            thresholds or Thresholds(),
            session=self.session,
            now=NOW,
            **options,
        )


def recovery_point(
    created: datetime, vault: str = "org-backup-ai", status: str = "COMPLETED"
) -> dict[str, Any]:
    return {
        "RecoveryPointArn": f"arn:aws:backup:us-east-1:111122223333:recovery-point:{int(created.timestamp())}",
        "CreationDate": created,
        "Status": status,
        "BackupVaultName": vault,
    }


def install_answers(world: World) -> None:
    def list_selections(params: dict[str, Any], _region: str) -> dict[str, Any]:
        selection = world.selections.get(params["BackupPlanId"])
        listed = [] if selection is None else [{"SelectionId": "sel-1", **selection}]
        return {"BackupSelectionsList": listed}

    def get_selection(params: dict[str, Any], _region: str) -> dict[str, Any]:
        selection = world.selections[params["BackupPlanId"]]
        return {
            "BackupSelection": selection,
            "SelectionId": params["SelectionId"],
            "BackupPlanId": params["BackupPlanId"],
        }

    def recovery_points(params: dict[str, Any], _region: str) -> dict[str, Any]:
        return {"RecoveryPoints": world.recovery_points.get(params["ResourceArn"], [])}

    world.canned.on("backup", "ListBackupSelections", list_selections)
    world.canned.on("backup", "GetBackupSelection", get_selection)
    world.canned.on("backup", "ListRecoveryPointsByResource", recovery_points)


def caller_session() -> boto3.Session:
    """A fresh session (own credentials, own event handlers) sharing the parsed models."""
    core = botocore.session.get_session()
    core.register_component("data_loader", _LOADER)
    return boto3.Session(botocore_session=core, region_name=EAST)


def by_account(report: Report, name: str) -> list[AuditRow]:
    return [row for row in report.rows if row.account_name == name]  # type: ignore[misc]


def findings(report: Report, name: str | None = None) -> list[str]:
    return [
        finding
        for row in report.rows
        if name is None or row.account_name == name
        for finding in row.findings
    ]


# The fixtures (a pytest plugin of the root conftest.py)
@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """An organization with two members, ml-prod and ml-dev, covered in us-east-1."""
    monkeypatch.setenv("ORG_BACKUP_REGIONS", json.dumps([EAST]))
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")  # ~1 s per test, unused here
    accounts_dir = tmp_path / "accounts"
    accounts_dir.mkdir()
    with mock_aws():
        org = new_org()
        org.account("ml-prod", "ML/Prod")
        org.account("ml-dev", "ML/Dev")
        session = caller_session()
        world = World(org, session, Canned(session), accounts_dir)
        install_answers(world)
        yield world


FLAGS = {
    "ORG_BACKUP_CENTRAL_MPA_ENABLED": "false",
    "ORG_BACKUP_CENTRAL_DELEGATED_ADMINISTRATOR_ENABLED": "false",
}


@pytest.fixture
def copies(world: World, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """ml-prod and ml-dev copy daily into the central vault of account backup-central."""
    hub = world.org.account("backup-central", "Backup")
    for name, value in {**FLAGS, "ORG_BACKUP_CENTRAL_ACCOUNT_ID": hub}.items():
        monkeypatch.setenv(name, value)
    vault_arn = f"arn:aws:backup:{EAST}:{hub}:backup-vault:org-backup-central"
    copy = [{"DestinationBackupVaultArn": vault_arn, "Lifecycle": {"DeleteAfterDays": 90}}]
    prod, dev = world.org.accounts["ml-prod"], world.org.accounts["ml-dev"]
    world.deploy(prod, CopyActions=copy)
    world.deploy(dev, CopyActions=copy)
    world.deploy(hub)
    world.member(hub, "backup").create_backup_vault(BackupVaultName="org-backup-central")
    org_id = world.session.client("organizations").describe_organization()["Organization"]["Id"]
    state: dict[str, Any] = {
        "hub": hub,
        "prod": prod,
        "vault_arn": vault_arn,
        "policy": vault_access_policy(org_id),
        "copies": [],
        "asked": [],
    }

    def policy(params: dict[str, Any], _region: str) -> dict[str, Any]:
        if state["policy"] is None:
            raise AwsError("ResourceNotFoundException", "no policy", 404)
        return {"BackupVaultName": params["BackupVaultName"], "Policy": json.dumps(state["policy"])}

    def points(params: dict[str, Any], region: str) -> dict[str, Any]:
        state["asked"].append((region, params))
        return {"RecoveryPoints": state["copies"]}

    world.canned.on("backup", "GetBackupVaultAccessPolicy", policy)
    world.canned.on("backup", "ListRecoveryPointsByBackupVault", points)
    return state
