"""AWS Organizations discovery: the organization, every account, its state and OU path.

One walk of the OU tree: per OU one paginated listing of child OUs and one of accounts, so the
OU path of every account comes for free and no per-account call is ever made.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError

from org_backup.aws import Session, client, describe_error
from org_backup.errors import AwsCallError


@dataclass(frozen=True)
class OrgAccount:
    id: str
    name: str
    state: str
    ou_path: str
    ancestor_ids: tuple[str, ...]  # root id first, direct parent last


@dataclass(frozen=True)
class OrgInventory:
    organization_id: str
    management_account_id: str
    partition: str
    accounts: tuple[OrgAccount, ...]

    def by_id(self) -> dict[str, OrgAccount]:
        return {account.id: account for account in self.accounts}


def discover_organization(session: Session) -> OrgInventory:
    """Raise AwsCallError naming the operation when any organization-wide call fails."""
    organizations = client(session, "organizations")
    org = _call(organizations.describe_organization, "organizations:DescribeOrganization")[
        "Organization"
    ]
    management_id = org["MasterAccountId"]
    partition = org["Arn"].split(":")[1]
    accounts: list[OrgAccount] = []
    roots = _pages(organizations, "list_roots", "Roots")
    queue = deque((root["Id"], root.get("Name", "Root"), (root["Id"],)) for root in roots)
    while queue:
        parent_id, path, ancestors = queue.popleft()
        for account in _pages(organizations, "list_accounts_for_parent", "Accounts", parent_id):
            accounts.append(
                OrgAccount(
                    id=account["Id"],
                    name=account.get("Name", ""),
                    state=account.get("State") or account.get("Status", "ACTIVE"),
                    ou_path=path,
                    ancestor_ids=ancestors,
                )
            )
        for ou in _pages(
            organizations, "list_organizational_units_for_parent", "OrganizationalUnits", parent_id
        ):
            queue.append((ou["Id"], f"{path}/{ou['Name']}", (*ancestors, ou["Id"])))
    accounts.sort(key=lambda account: account.id)
    return OrgInventory(
        organization_id=org["Id"],
        management_account_id=management_id,
        partition=partition,
        accounts=tuple(accounts),
    )


def _pages(organizations, operation: str, key: str, parent_id: str | None = None) -> list[dict]:
    params = {"ParentId": parent_id} if parent_id else {}
    paginator = organizations.get_paginator(operation)
    name = "organizations:" + "".join(part.title() for part in operation.split("_"))
    items: list[dict] = []
    try:
        for page in paginator.paginate(**params):
            items.extend(page[key])
    except (ClientError, BotoCoreError) as error:
        raise AwsCallError(name, "management (caller)", describe_error(error)) from error
    return items


def _call(function, name: str, **params):
    try:
        return function(**params)
    except (ClientError, BotoCoreError) as error:
        raise AwsCallError(name, "management (caller)", describe_error(error)) from error
