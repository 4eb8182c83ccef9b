"""Logical names of the rollout's resources, and the type token of an account's component.

They are derived from the account id and region only, so adding or removing an account never
renames (and so never replaces) another account's resources, and they stay far below any limit.
"""

from __future__ import annotations

import re

# Everything org-backup deploys into one account is registered under one component of this type.
COMPONENT_TYPE = "org-backup:index:AccountBackup"
_ACCOUNT_ID = re.compile(r"^\d{12}$")


def component_name(account_id: str) -> str:
    return account_id


def account_of_component(name: str) -> str | None:
    """The account a component name stands for (`component_name`'s inverse); None for a name
    it never gives."""
    return name if _ACCOUNT_ID.match(name) else None


def provider_name(account_id: str) -> str:
    return f"{account_id}-aws"


def account_resource_name(account_id: str, kind: str) -> str:
    """A global (IAM) resource of the account, e.g. `111122223333-backup-role`."""
    return f"{account_id}-{kind}"


def regional_resource_name(account_id: str, region: str, kind: str) -> str:
    """A regional resource, e.g. `111122223333-us-east-1-vault`."""
    return f"{account_id}-{region}-{kind}"


def organization_provider_name(account_id: str) -> str:
    """The organization-level provider of an account (management or central), distinct from
    the provider of its AccountBackup when that account is covered too."""
    return f"org-{account_id}-aws"
