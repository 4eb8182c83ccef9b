"""The demo organization, seeded into in-process moto and into the moto server alike."""

from __future__ import annotations

import re
from dataclasses import dataclass

import boto3
import pytest
import yaml
from botocore.client import BaseClient

from org_backup.demo.seed import (
    DEMO_REGIONS,
    OVERRIDDEN_ACCOUNT,
    ROOT,
    UNCOVERED_REGION,
    AccountSpec,
    DemoSpec,
    SeededOrg,
    demo_spec,
    scaled_spec,
    seed_organization,
    write_demo_accounts_dir,
)
from tests.support.emulator import Emulator

EFS_TYPE = "elasticfilesystem:file-system"
ACCOUNT_FILE_KEYS = {
    "account_id",
    "name",
    "enabled",
    "regions",
    "deploy_role_name",
    "deploy_role_external_id",
    "tags",
    "backup",
}


@dataclass(frozen=True)
class World:
    session: boto3.Session
    spec: DemoSpec
    seeded: SeededOrg


@pytest.fixture(scope="module")
def seeded_world(module_emulator: Emulator) -> World:
    session = boto3.Session()
    spec = demo_spec()
    return World(session, spec, seed_organization(session, spec))


@pytest.fixture
def world(seeded_world: World, emulator: Emulator) -> World:
    """The module's organization, with boto3 pointed back at its emulator for this test."""
    return seeded_world


def member_client(session: boto3.Session, account_id: str, service: str, region: str) -> BaseClient:
    """A client acting as `account_id` through sts:AssumeRole, as the rollout reaches it."""
    credentials = session.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole",
        RoleSessionName="org-backup-test",
    )["Credentials"]
    return session.client(
        service,
        region_name=region,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def ou_tree(org: BaseClient, root_id: str) -> dict[str, str]:
    """OU ids by path, walked from the root the way discovery walks it."""
    tree, pending = {ROOT: root_id}, [(ROOT, root_id)]
    paginator = org.get_paginator("list_organizational_units_for_parent")
    while pending:
        path, parent_id = pending.pop()
        for page in paginator.paginate(ParentId=parent_id):
            for ou in page["OrganizationalUnits"]:
                tree[f"{path}/{ou['Name']}"] = ou["Id"]
                pending.append((f"{path}/{ou['Name']}", ou["Id"]))
    return tree


def accounts_by_ou(org: BaseClient, ou_ids: dict[str, str]) -> dict[str, set[str]]:
    paginator = org.get_paginator("list_accounts_for_parent")
    return {
        path: {
            account["Name"]
            for page in paginator.paginate(ParentId=ou_id)
            for account in page["Accounts"]
        }
        for path, ou_id in ou_ids.items()
    }


def test_the_organization_has_all_features_and_the_seeded_management_account(world: World):
    organization = world.session.client("organizations").describe_organization()["Organization"]
    assert organization["FeatureSet"] == "ALL"
    assert organization["Id"] == world.seeded.organization_id
    assert organization["MasterAccountId"] == world.seeded.management_account_id
    caller = world.session.client("sts").get_caller_identity()["Account"]
    assert caller == world.seeded.management_account_id


def test_the_ou_tree_is_nested_as_specified(world: World):
    org = world.session.client("organizations")
    tree = ou_tree(org, org.list_roots()["Roots"][0]["Id"])
    assert tree == world.seeded.ou_ids
    assert set(tree) == {ROOT, *world.spec.ou_paths}
    assert max(path.count("/") for path in tree) >= 3  # Root/ML/Prod/Inference


def test_each_account_sits_in_its_ou(world: World):
    members = accounts_by_ou(world.session.client("organizations"), world.seeded.ou_ids)
    for account in world.spec.accounts:
        assert account.name in members[account.ou_path]
    placed = [name for names in members.values() for name in names]
    assert sorted(placed) == sorted([*world.seeded.account_ids, "master"])


def test_the_suspended_account_is_suspended_in_state_and_status(world: World):
    listed = [
        account
        for page in world.session.client("organizations").get_paginator("list_accounts").paginate()
        for account in page["Accounts"]
    ]
    by_id = {account["Id"]: account for account in listed}
    assert len(world.seeded.account_ids) >= 6
    assert world.seeded.suspended
    for name, account_id in world.seeded.account_ids.items():
        expected = "SUSPENDED" if name in world.seeded.suspended else "ACTIVE"
        assert (by_id[account_id]["State"], by_id[account_id]["Status"]) == (expected, expected)


def test_account_ids_are_distinct_12_digit_strings(world: World):
    ids = [world.seeded.management_account_id, *world.seeded.account_ids.values()]
    assert all(re.fullmatch(r"\d{12}", account_id) for account_id in ids)
    assert len(set(ids)) == len(ids)


def test_each_file_system_is_visible_only_in_its_own_account(world: World):
    seeded = world.seeded
    regions = {fs.region for fs in seeded.file_systems}
    assert regions == {*DEMO_REGIONS, UNCOVERED_REGION}
    for name, account_id in seeded.account_ids.items():
        for region in regions:
            efs = member_client(world.session, account_id, "efs", region)
            seen = {fs["FileSystemArn"] for fs in efs.describe_file_systems()["FileSystems"]}
            assert seen == {fs.arn for fs in seeded.file_systems_of(name, region)}
    for region in regions:
        efs = world.session.client("efs", region_name=region)
        assert efs.describe_file_systems()["FileSystems"] == []


def test_assumed_role_credentials_act_as_the_member_account(world: World):
    for account_id in world.seeded.account_ids.values():
        sts = member_client(world.session, account_id, "sts", "us-east-1")
        assert sts.get_caller_identity()["Account"] == account_id


def test_tagged_file_systems_are_found_by_tag_in_their_account(world: World):
    seeded = world.seeded
    for name, account_id in seeded.account_ids.items():
        for region in {*DEMO_REGIONS, UNCOVERED_REGION}:
            tagging = member_client(world.session, account_id, "resourcegroupstaggingapi", region)
            found = {
                resource["ResourceARN"]
                for page in tagging.get_paginator("get_resources").paginate(
                    ResourceTypeFilters=[EFS_TYPE],
                    TagFilters=[{"Key": "Name", "Values": [world.spec.selection_tag_value]}],
                )
                for resource in page["ResourceTagMappingList"]
            }
            assert found == {fs.arn for fs in seeded.file_systems_of(name, region, tagged=True)}


def test_the_demo_has_the_cases_the_rollout_must_handle(world: World):
    seeded = world.seeded
    tagged = [fs for fs in seeded.file_systems if fs.tagged]
    assert any(fs.region == UNCOVERED_REGION for fs in tagged)
    assert {fs.region for fs in tagged} >= set(DEMO_REGIONS)
    assert any(not fs.tagged for fs in seeded.file_systems)
    assert any(not seeded.file_systems_of(name) for name in seeded.account_ids)
    assert any(seeded.file_systems_of(name, tagged=True) for name in seeded.suspended)


def test_the_accounts_dir_holds_one_valid_override(world: World, tmp_path):
    accounts_dir = tmp_path / "accounts"
    write_demo_accounts_dir(accounts_dir, world.seeded)
    [path] = accounts_dir.iterdir()
    text = path.read_text(encoding="utf-8")
    override = yaml.safe_load(text)
    assert set(override) <= ACCOUNT_FILE_KEYS
    assert override["account_id"] == world.seeded.account_ids[override["name"]]
    assert f'account_id: "{override["account_id"]}"' in text
    assert path.name == f"{OVERRIDDEN_ACCOUNT}.yaml" == f"{override['name']}.yaml"
    assert set(override["regions"]) <= set(DEMO_REGIONS)
    assert set(override["backup"]) == {"delete_after_days", "schedule"}


def test_scaled_spec_spreads_accounts_over_nested_ous():
    spec = scaled_spec(1000, 20, suspended_count=10, file_systems_every=100)
    assert len(spec.accounts) == 1000
    assert len(spec.ou_paths) == 20
    assert any(path.count("/") == 2 for path in spec.ou_paths)
    assert sum(account.suspended for account in spec.accounts) == 10
    assert sum(bool(account.file_systems) for account in spec.accounts) == 10
    assert {account.ou_path for account in spec.accounts} == set(spec.ou_paths)


@pytest.mark.parametrize(
    "accounts, ous",
    [
        ((AccountSpec("a"), AccountSpec("a")), ()),
        ((AccountSpec("a", "ML/Prod"),), ()),
        ((), ("Sandbox",)),
    ],
)
def test_demo_spec_rejects_duplicate_names_and_paths_outside_root(accounts, ous):
    with pytest.raises(ValueError):
        DemoSpec(accounts=accounts, extra_ous=ous)
