"""What the guardrails protect in this organization, and where the SCP is attached. Pure.

Every shard computes the same `GuardrailsCoverage` (from settings, every `accounts/` file and
the organization); only shard 0 registers the SCP (rollout/guardrails.py), while every shard
puts the vault policy on its own accounts' vaults.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from org_backup.config.account_files import LoadedAccount
from org_backup.config.settings import Settings
from org_backup.coverage.alerting import alerts_from
from org_backup.coverage.guardrail_documents import SCP_MAX_CHARACTERS, compact, scp_document
from org_backup.errors import Problem
from org_backup.organization.discovery import OrgInventory

SCP_NAME = "org-backup-guardrails"


class GuardrailsCoverage(BaseModel):
    """The SCP (its compact document), its targets, and the deploy roles it exempts."""

    model_config = ConfigDict(frozen=True)

    scp_name: str = SCP_NAME
    document: str
    # OU or root ids: `target_ous`, or the organization's root
    targets: tuple[str, ...]
    exempt_role_names: tuple[str, ...]
    # Region of the management account's provider when there is no central account
    region: str


def scp_text(settings: Settings, files: list[LoadedAccount], partition: str) -> str:
    """The SCP of these settings: every deploy role name any account uses (settings and every
    `accounts/` file, all shards) is exempt; the vaults, roles and rules org-backup deploys
    are protected."""
    alerts = alerts_from(settings, partition)
    vaults = [settings.vault_name]
    if settings.central_account_id is not None:
        vaults.append(settings.central_vault_name)
    roles = [settings.backup_role_name]
    rules: list[str] = []
    if alerts is not None:
        roles.append(alerts.forwarder_role_name)
        rules = [alerts.forwarding_rule_name, f"{alerts.bus_name}/{alerts.central_rule_name}"]
    return compact(
        scp_document(
            partition,
            exempt_role_names(settings, files),
            vaults,
            roles,
            rules,
            frameworks=settings.audit_frameworks_enabled,
        )
    )


def exempt_role_names(settings: Settings, files: list[LoadedAccount]) -> tuple[str, ...]:
    named = {loaded.spec.deploy_role_name for loaded in files if loaded.spec.deploy_role_name}
    return tuple(sorted({settings.deploy_role_name, *named}))


def guardrail_problems(settings: Settings, files: list[LoadedAccount]) -> list[Problem]:
    """Exit 2 before any AWS call when the SCP would exceed Organizations' size limit."""
    if not settings.guardrails_enabled:
        return []
    text = scp_text(settings, files, "aws")
    if len(text) <= SCP_MAX_CHARACTERS:
        return []
    names = exempt_role_names(settings, files)
    return [
        Problem(
            "settings",
            "guardrails_enabled",
            True,
            f"the guardrail SCP would be {len(text)} characters, over the {SCP_MAX_CHARACTERS}"
            f" AWS Organizations allows in one policy; it exempts {len(names)} deploy role"
            f" names ({', '.join(names)}, from deploy_role_name and the accounts/ files):"
            " use fewer distinct deploy_role_name values",
        )
    ]


def resolve_guardrails(
    settings: Settings, files: list[LoadedAccount], inventory: OrgInventory
) -> GuardrailsCoverage | None:
    if not settings.guardrails_enabled:
        return None
    roots = sorted(
        {account.ancestor_ids[0] for account in inventory.accounts if account.ancestor_ids}
    )
    return GuardrailsCoverage(
        document=scp_text(settings, files, inventory.partition),
        targets=tuple(settings.target_ous) or tuple(roots),
        exempt_role_names=exempt_role_names(settings, files),
        region=settings.regions[0],
    )
