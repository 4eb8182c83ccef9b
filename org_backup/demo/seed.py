"""Seed a demo AWS Organization into moto: nested OUs, member accounts (some suspended), EFS.

Everything goes through the AWS APIs as the session's (management) account, so the same code
seeds `mock_aws` and a moto server. File systems are created the way the rollout reaches a member
account, with sts:AssumeRole into its deploy role. moto's CloseAccount makes an account SUSPENDED
at once (Status and State): it has no PENDING_CLOSURE step and no CLOSED state.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.client import BaseClient

from org_backup.aws_rules.arns import role_arn
from org_backup.config.account_files import dump_account_file
from org_backup.demo.server import pin_account

ROOT = "Root"
DEMO_REGIONS = ("us-east-1", "eu-west-1")
"""The regions the demo rollout covers."""
UNCOVERED_REGION = "ap-southeast-2"
"""Holds a tagged file system that the demo leaves unprotected, for the audit to find."""
SELECTION_TAG_VALUE = "AIFilesystem"
"""The default selection tag is Name=AIFilesystem."""
SCRATCH = "scratch"
"""A Name tag other than the selection's: such file systems must not be backed up."""
_SESSION_NAME = "org-backup-demo-seed"
OVERRIDDEN_ACCOUNT = "ml-prod"
"""The demo account with a file in accounts/: a longer retention and an earlier schedule."""
CENTRAL_ACCOUNT = "shared-services"
"""The demo's central account: every other covered account copies its backups into its vaults."""


@dataclass(frozen=True)
class FileSystemSpec:
    region: str
    name_tag: str | None  # value of the `Name` tag; None: no tags at all


@dataclass(frozen=True)
class AccountSpec:
    name: str
    ou_path: str = ROOT
    suspended: bool = False
    file_systems: tuple[FileSystemSpec, ...] = ()


@dataclass(frozen=True)
class DemoSpec:
    """What to seed. OUs are paths from "Root"; each account's OU (and its ancestors) is made."""

    accounts: tuple[AccountSpec, ...]
    extra_ous: tuple[str, ...] = ()  # OUs to create even if no account is in them
    role_name: str = "OrganizationAccountAccessRole"
    email_domain: str = "example.com"
    selection_tag_value: str = SELECTION_TAG_VALUE

    def __post_init__(self) -> None:
        names = [account.name for account in self.accounts]
        if len(set(names)) != len(names):
            raise ValueError("account names must be unique")
        for path in (*self.extra_ous, *(account.ou_path for account in self.accounts)):
            if path != ROOT and not path.startswith(f"{ROOT}/"):
                raise ValueError(f"OU path {path!r} must start with {ROOT!r}")

    @property
    def ou_paths(self) -> list[str]:
        """Every OU below the root, parents before children."""
        paths: set[str] = set()
        for path in (*self.extra_ous, *(account.ou_path for account in self.accounts)):
            parts = path.split("/")
            paths.update("/".join(parts[:depth]) for depth in range(2, len(parts) + 1))
        return sorted(paths, key=lambda path: (path.count("/"), path))


@dataclass(frozen=True)
class SeededFileSystem:
    account_name: str
    account_id: str
    region: str
    file_system_id: str
    arn: str
    tagged: bool  # carries Name=<selection tag value>


@dataclass(frozen=True)
class SeededOrg:
    organization_id: str
    management_account_id: str
    ou_ids: dict[str, str]  # by path, "Root" included
    account_ids: dict[str, str]  # by name
    suspended: frozenset[str]  # account names
    file_systems: tuple[SeededFileSystem, ...] = ()

    def file_systems_of(
        self, account_name: str, region: str | None = None, tagged: bool | None = None
    ) -> list[SeededFileSystem]:
        return [
            fs
            for fs in self.file_systems
            if fs.account_name == account_name
            and region in (None, fs.region)
            and tagged in (None, fs.tagged)
        ]


def demo_spec() -> DemoSpec:
    """The organization of `make preview`: every case discovery, synth and audit must handle."""
    east, west = DEMO_REGIONS
    ai, untagged = SELECTION_TAG_VALUE, None
    return DemoSpec(
        accounts=(
            AccountSpec("shared-services"),
            AccountSpec(
                "ml-prod",
                "Root/ML/Prod",
                file_systems=(
                    FileSystemSpec(east, ai),
                    FileSystemSpec(west, ai),
                    FileSystemSpec(east, untagged),
                ),
            ),
            AccountSpec(
                "ml-inference",
                "Root/ML/Prod/Inference",
                file_systems=(FileSystemSpec(east, ai), FileSystemSpec(UNCOVERED_REGION, ai)),
            ),
            AccountSpec(
                "ml-dev",
                "Root/ML/Dev",
                file_systems=(FileSystemSpec(west, ai), FileSystemSpec(west, SCRATCH)),
            ),
            AccountSpec(
                "data-lake",
                "Root/Data",
                file_systems=(
                    FileSystemSpec(east, ai),
                    FileSystemSpec(west, ai),
                    FileSystemSpec(east, SCRATCH),
                ),
            ),
            AccountSpec("analytics", "Root/Data", file_systems=(FileSystemSpec(east, SCRATCH),)),
            AccountSpec("sandbox-1", "Root/Sandbox"),
            AccountSpec(
                "old-project",
                "Root/Sandbox",
                suspended=True,
                file_systems=(FileSystemSpec(east, ai),),  # left behind by a closed account
            ),
        ),
        extra_ous=("Root/Data/Archive",),
    )


def scaled_spec(
    account_count: int = 1000,
    ou_count: int = 20,
    *,
    suspended_count: int = 10,
    file_systems_every: int = 0,
) -> DemoSpec:
    """A benchmark organization: accounts round-robin over `ou_count` OUs, half of them nested.

    Every `file_systems_every`-th account (none if 0) gets a tagged file system in each demo
    region; moto spends ~25 ms on the first file system of an account and region.
    """
    ous = [
        f"{ROOT}/unit-{i:02d}" if i % 2 == 0 else f"{ROOT}/unit-{i - 1:02d}/unit-{i:02d}"
        for i in range(ou_count)
    ]
    suspended_step = account_count // suspended_count if suspended_count else 0
    file_systems = tuple(FileSystemSpec(region, SELECTION_TAG_VALUE) for region in DEMO_REGIONS)
    return DemoSpec(
        accounts=tuple(
            AccountSpec(
                f"account-{i:04d}",
                ous[i % ou_count],
                suspended=_every(i, suspended_step),
                file_systems=file_systems if _every(i, file_systems_every) else (),
            )
            for i in range(account_count)
        ),
        extra_ous=tuple(ous),
    )


def _every(index: int, step: int) -> bool:
    return step > 0 and index % step == step - 1


def seed_organization(session: boto3.Session, spec: DemoSpec) -> SeededOrg:
    """Create `spec` in the emulator `session` points at, as its (management) account.

    The emulator must hold no organization yet. Management calls are pinned to their account
    (see `pin_account`); member calls rely on their assumed-role keys alone. Suspended accounts
    are closed last, after their file systems exist.
    """
    sts, org = session.client("sts"), session.client("organizations")
    identity = sts.get_caller_identity()
    management_id, partition = identity["Account"], identity["Arn"].split(":")[1]
    pin_account(sts, management_id)
    pin_account(org, management_id)
    organization = org.create_organization(FeatureSet="ALL")["Organization"]
    ou_ids = {ROOT: org.list_roots()["Roots"][0]["Id"]}
    for path in spec.ou_paths:
        parent, _, name = path.rpartition("/")
        created = org.create_organizational_unit(ParentId=ou_ids[parent], Name=name)
        ou_ids[path] = created["OrganizationalUnit"]["Id"]

    account_ids: dict[str, str] = {}
    for account in spec.accounts:
        status = org.create_account(
            AccountName=account.name,
            Email=f"{account.name}@{spec.email_domain}",
            RoleName=spec.role_name,
        )["CreateAccountStatus"]
        if status["State"] != "SUCCEEDED":  # moto creates accounts synchronously
            raise RuntimeError(f"create_account {account.name}: {status}")
        account_ids[account.name] = status["AccountId"]
        if account.ou_path != ROOT:
            org.move_account(
                AccountId=status["AccountId"],
                SourceParentId=ou_ids[ROOT],
                DestinationParentId=ou_ids[account.ou_path],
            )

    file_systems = _create_file_systems(sts, session, spec, account_ids, partition)
    suspended = frozenset(account.name for account in spec.accounts if account.suspended)
    for name in sorted(suspended):
        org.close_account(AccountId=account_ids[name])
    return SeededOrg(
        organization_id=organization["Id"],
        management_account_id=management_id,
        ou_ids=ou_ids,
        account_ids=account_ids,
        suspended=suspended,
        file_systems=file_systems,
    )


def _create_file_systems(
    sts: BaseClient,
    session: boto3.Session,
    spec: DemoSpec,
    account_ids: dict[str, str],
    partition: str,
) -> tuple[SeededFileSystem, ...]:
    created: list[SeededFileSystem] = []
    for account in spec.accounts:
        if not account.file_systems:
            continue
        account_id = account_ids[account.name]
        credentials = sts.assume_role(
            RoleArn=role_arn(partition, account_id, spec.role_name),
            RoleSessionName=_SESSION_NAME,
        )["Credentials"]
        clients = {}
        for index, fs in enumerate(account.file_systems):
            if fs.region not in clients:
                clients[fs.region] = session.client(
                    "efs",
                    region_name=fs.region,
                    aws_access_key_id=credentials["AccessKeyId"],
                    aws_secret_access_key=credentials["SecretAccessKey"],
                    aws_session_token=credentials["SessionToken"],
                )
            tags = [] if fs.name_tag is None else [{"Key": "Name", "Value": fs.name_tag}]
            response = clients[fs.region].create_file_system(
                CreationToken=f"{account.name}-{index}", Tags=tags
            )
            created.append(
                SeededFileSystem(
                    account_name=account.name,
                    account_id=account_id,
                    region=fs.region,
                    file_system_id=response["FileSystemId"],
                    arn=response["FileSystemArn"],
                    tagged=fs.name_tag == spec.selection_tag_value,
                )
            )
    return tuple(created)


def write_demo_accounts_dir(path: Path | str, seeded: SeededOrg) -> None:
    """Write the demo's `--accounts-dir` at `path`: one override file, for OVERRIDDEN_ACCOUNT."""
    _write_account_files(Path(path), seeded, {OVERRIDDEN_ACCOUNT: _OVERRIDES[OVERRIDDEN_ACCOUNT]})


def write_demo_problem_files(path: Path | str, seeded: SeededOrg) -> None:
    """The accounts/ files of `make demo`: the override above plus two reviewed-looking files
    that weaken coverage, for the report to find (SHORT_RETENTION_ACCOUNT keeps backups 14
    days; ONE_REGION_ACCOUNT covers eu-west-1 only)."""
    _write_account_files(Path(path), seeded, _OVERRIDES)


SHORT_RETENTION_ACCOUNT = "data-lake"
ONE_REGION_ACCOUNT = "ml-dev"
_OVERRIDES: dict[str, dict[str, object]] = {
    OVERRIDDEN_ACCOUNT: {
        "regions": list(DEMO_REGIONS),
        "backup": {"delete_after_days": 365, "schedule": "cron(0 3 * * ? *)"},
    },
    SHORT_RETENTION_ACCOUNT: {"backup": {"delete_after_days": 14}},
    ONE_REGION_ACCOUNT: {"regions": [DEMO_REGIONS[1]]},
}


def _write_account_files(
    directory: Path, seeded: SeededOrg, overrides: dict[str, dict[str, object]]
) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, fields in overrides.items():
        document = {"account_id": seeded.account_ids[name], "name": name, **fields}
        (directory / f"{name}.yaml").write_text(dump_account_file(document), encoding="utf-8")


def demo_settings(seeded: SeededOrg) -> dict[str, str]:
    """The demo's settings beyond the defaults, as `ORG_BACKUP_*` variables: copies into the
    central account, with AWS Backup's other global settings kept off (as moto has them)."""
    return {
        "ORG_BACKUP_CENTRAL_ACCOUNT_ID": seeded.account_ids[CENTRAL_ACCOUNT],
        "ORG_BACKUP_CENTRAL_MPA_ENABLED": "false",
        "ORG_BACKUP_CENTRAL_DELEGATED_ADMINISTRATOR_ENABLED": "false",
    }
