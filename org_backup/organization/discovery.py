"""AWS Organizations discovery: the organization, every account, its state and OU path.

One walk of the OU tree: per OU one paginated listing of child OUs and one of accounts, so the
OU path of every account comes for free. The walk is not a snapshot: an account moved from an OU
not yet listed into one already listed is in neither listing, one moved the other way is in
both, and an OU may answer short. So the walk is checked against the organization's flat
account list (`ListAccounts`, paginated) in the same run: an account listed there but not
found once by the walk is placed by `ListParents` (its parent, then theirs up to an OU the walk
knows), or, when that fails, keeps its OU from the previous state. With nothing moved, the
check costs the flat listing's pages and nothing per account.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from org_backup.aws.answers import MalformedAnswer
from org_backup.aws.sessions import Session, client, describe_error
from org_backup.errors import AwsCallError

UNKNOWN_OU = "(unknown)"
# Organizations nests OUs at most five deep under the root.
_MAX_DEPTH = 6


@dataclass(frozen=True)
class OrgAccount:
    id: str
    name: str
    state: str
    ou_path: str
    ancestor_ids: tuple[str, ...]  # root id first, direct parent last
    # Set when the walk could not place the account: why, and how it was placed instead.
    placement: str | None = None
    ou_known: bool = True  # False: neither the walk, ListParents nor a previous state placed it


@dataclass(frozen=True)
class OrgInventory:
    organization_id: str
    management_account_id: str
    partition: str
    accounts: tuple[OrgAccount, ...]

    def by_id(self) -> dict[str, OrgAccount]:
        return {account.id: account for account in self.accounts}


def discover_organization(
    session: Session, previous_ous: Mapping[str, str] | None = None
) -> OrgInventory:
    """Raise AwsCallError naming the operation when any organization-wide call fails.

    `previous_ous` (account id -> OU path, from the previous state) places an account that the
    walk missed when ListParents cannot.
    """
    organizations = client(session, "organizations")
    org = _call(organizations.describe_organization, "organizations:DescribeOrganization")[
        "Organization"
    ]
    walk = _walk(organizations)
    listed = {
        account["Id"]: account for account in _pages(organizations, "list_accounts", "Accounts")
    }
    accounts = [
        _account(organizations, walk, account_id, listed, previous_ous or {})
        for account_id in sorted({*walk.found, *listed})
    ]
    return OrgInventory(
        organization_id=org["Id"],
        management_account_id=org["MasterAccountId"],
        partition=org["Arn"].split(":")[1],
        accounts=tuple(accounts),
    )


@dataclass
class _Walk:
    """What the walk saw: every OU (and root) by id with its path and ancestors, and every
    account listing, by account id, with the parent that listed it."""

    ous: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    found: dict[str, list[tuple[dict[str, Any], str]]] = field(default_factory=dict)

    def ancestors_of(self, path: str) -> tuple[str, ...] | None:
        return next((ids for known, ids in self.ous.values() if known == path), None)


def _walk(organizations: Any) -> _Walk:
    walk = _Walk()
    queue: deque[str] = deque()
    for root in _pages(organizations, "list_roots", "Roots"):
        walk.ous[root["Id"]] = (root.get("Name") or "Root", (root["Id"],))
        queue.append(root["Id"])
    while queue:
        parent_id = queue.popleft()
        path, ancestors = walk.ous[parent_id]
        for account in _pages(organizations, "list_accounts_for_parent", "Accounts", parent_id):
            walk.found.setdefault(account["Id"], []).append((account, parent_id))
        for ou in _pages(
            organizations, "list_organizational_units_for_parent", "OrganizationalUnits", parent_id
        ):
            walk.ous[ou["Id"]] = (f"{path}/{ou['Name']}", (*ancestors, ou["Id"]))
            queue.append(ou["Id"])
    return walk


def _account(
    organizations: Any,
    walk: _Walk,
    account_id: str,
    listed: Mapping[str, dict[str, Any]],
    previous_ous: Mapping[str, str],
) -> OrgAccount:
    """One account, placed by the walk when it listed it exactly once, else by ListParents."""
    seen = walk.found.get(account_id, [])
    record = listed.get(account_id) or seen[0][0]  # the flat list is the later answer
    parents = sorted({parent_id for _, parent_id in seen})

    def made(path: str, ancestors: tuple[str, ...] | None, placement: str | None) -> OrgAccount:
        return OrgAccount(
            id=account_id,
            name=record.get("Name", ""),
            state=record.get("State") or record["Status"],
            ou_path=path,
            ancestor_ids=ancestors or (),
            placement=placement,
            ou_known=ancestors is not None,
        )

    if len(parents) == 1:
        return made(*walk.ous[parents[0]], None)
    why = (
        f"listed under {len(parents)} OUs during the walk"
        f" ({', '.join(walk.ous[parent][0] for parent in parents)})"
        if parents
        else "not in its OU's listing during the walk"
    )
    try:
        path, ancestors = _locate(organizations, account_id, walk)
    except (ClientError, BotoCoreError) as error:
        failed = f"{why}; organizations:ListParents failed ({describe_error(error)})"
        previous = previous_ous.get(account_id)
        if previous is None:
            return made(UNKNOWN_OU, None, f"{failed} and no previous state places it")
        kept = f"{failed}, so it keeps its OU from the previous state"
        return made(previous, walk.ancestors_of(previous), kept)
    return made(path, ancestors, f"{why}; placed by organizations:ListParents")


def _locate(organizations: Any, child_id: str, walk: _Walk) -> tuple[str, tuple[str, ...]]:
    """The child's path by ListParents, up to the first OU the walk knows; OUs it did not
    know are named by DescribeOrganizationalUnit and remembered for the next account."""
    unknown: list[str] = []
    current = child_id
    for _ in range(_MAX_DEPTH):
        parents = organizations.list_parents(ChildId=current)["Parents"]
        if len(parents) != 1:
            raise MalformedAnswer("organizations:ListParents", f"{len(parents)} parents")
        current = parents[0]["Id"]
        if current in walk.ous:
            break
        unknown.append(current)
    else:
        raise MalformedAnswer("organizations:ListParents", "a chain of parents with no root")
    path, ancestors = walk.ous[current]
    for ou_id in reversed(unknown):
        described = organizations.describe_organizational_unit(OrganizationalUnitId=ou_id)
        path, ancestors = f"{path}/{described['OrganizationalUnit']['Name']}", (*ancestors, ou_id)
        walk.ous[ou_id] = (path, ancestors)
    return path, ancestors


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
