"""Build small organizations in moto for discovery tests."""

from __future__ import annotations

from dataclasses import dataclass, field

import boto3
from moto.core import DEFAULT_ACCOUNT_ID
from moto.organizations.models import organizations_backends


@dataclass
class Org:
    client: object
    root_id: str
    management_id: str
    ous: dict[str, str] = field(default_factory=dict)  # path -> id
    accounts: dict[str, str] = field(default_factory=dict)  # name -> id

    def ou(self, path: str) -> str:
        """Create every missing OU on `path` ("ML/Prod") and return the last one's id."""
        parent, walked = self.root_id, []
        for name in path.split("/"):
            walked.append(name)
            key = "/".join(walked)
            if key not in self.ous:
                created = self.client.create_organizational_unit(ParentId=parent, Name=name)
                self.ous[key] = created["OrganizationalUnit"]["Id"]
            parent = self.ous[key]
        return parent

    def account(self, name: str, ou_path: str | None = None) -> str:
        status = self.client.create_account(Email=f"{name}@example.com", AccountName=name)
        account_id = status["CreateAccountStatus"]["AccountId"]
        if ou_path:
            self.client.move_account(
                AccountId=account_id,
                SourceParentId=self.root_id,
                DestinationParentId=self.ou(ou_path),
            )
        self.accounts[name] = account_id
        return account_id

    def set_state(self, account_id: str, state: str) -> None:
        """moto only closes to SUSPENDED; other states are set on its backend."""
        backend = organizations_backends[DEFAULT_ACCOUNT_ID]["aws"]
        account = backend.get_account_by_id(account_id)
        account.state = account.status = state


def new_org() -> Org:
    client = boto3.client("organizations", region_name="us-east-1")
    organization = client.create_organization(FeatureSet="ALL")["Organization"]
    root_id = client.list_roots()["Roots"][0]["Id"]
    return Org(client=client, root_id=root_id, management_id=organization["MasterAccountId"])
