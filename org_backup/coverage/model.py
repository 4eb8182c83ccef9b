"""The validated rollout plan: what every account of the organization gets, or why it is skipped.

Discovery and the `accounts/` files produce it (pure code in `resolve.py`); the Pulumi program,
`discover`, the backup shape (`shape.py`) and the manifest consume it. Nothing here talks to AWS.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from org_backup.aws_rules.arns import same_account_role
from org_backup.config.policy import BackupPolicy
from org_backup.coverage.alerting import AlertsConfig, RestoreTestingConfig
from org_backup.coverage.audit_evidence import AuditFrameworksConfig, AuditReportsConfig
from org_backup.coverage.central import CentralCoverage
from org_backup.coverage.guardrails import GuardrailsCoverage
from org_backup.errors import Problem
from org_backup.manifest.model import ConfigRecording


def reading_role(
    deploy_role_arn: str, external_id: str | None, readonly_role_name: str | None
) -> tuple[str, str | None]:
    """The role that only reads an account (audit, adoption's lookups): `readonly_role_name` in
    that account when set (no external id), else the deploy role."""
    if readonly_role_name is None:
        return deploy_role_arn, external_id
    return same_account_role(deploy_role_arn, readonly_role_name), None


class AccountCoverage(BaseModel):
    """One account: covered with a policy and regions, or skipped with a reason.

    A skipped account keeps the deploy role and policy the rollout would use, so that `audit`
    can still look inside it; its `regions` are empty and nothing is deployed to it.
    """

    model_config = ConfigDict(frozen=True)

    account_id: str
    name: str
    ou_path: str
    status: Literal["covered", "skipped"]
    skip_reason: str | None = None
    source: str | None = None
    deploy_role_arn: str | None = None
    deploy_role_external_id: str | None = None
    regions: tuple[str, ...] = ()
    regions_not_enabled: tuple[str, ...] = ()
    policy: BackupPolicy | None = None
    tags: dict[str, str] = {}
    # covered from the previous state because its lookup failed now; says why.
    degraded: str | None = None
    # the OU walk could not place it (moved during the walk, an OU answered short): why, and
    # how it was placed instead (organization/discovery.py).
    placement: str | None = None
    # region -> import id (`<name>@<region>`) of an existing vault of ours to import instead of
    # creating it, for regions that enter coverage (coverage/adoption.py).
    import_vaults: dict[str, str] = {}
    # region -> what AWS Config records there, for the audit frameworks (check_config_recording;
    # absent: not looked up).
    config_recording: dict[str, ConfigRecording] = {}
    # region -> the tagged EFS file systems whose automatic backups are kept off
    # (efs_automatic_backups = disable; coverage/efs_automatic.py)
    managed_file_systems: dict[str, tuple[str, ...]] = {}

    @property
    def covered(self) -> bool:
        return self.status == "covered"


class Coverage(BaseModel):
    """The whole organization (or one shard of it)."""

    model_config = ConfigDict(frozen=True)

    organization_id: str
    management_account_id: str
    partition: str = "aws"
    shard_index: int = 0
    shard_count: int = 1
    tags: dict[str, str] = {}
    default_enabled_regions: tuple[str, ...] = ()  # enabled in every account, no opt-in needed
    accounts: tuple[AccountCoverage, ...]
    # `accounts/` files the organization has drifted from (warnings; --strict: errors).
    file_drift: tuple[Problem, ...] = ()
    # What this run stops covering that the previous state covered (accounts within the guard,
    # and account-regions), one warning line each: deletions said before they happen.
    removed: tuple[str, ...] = ()
    # What this run replaces (state/replacements.py), one warning line each.
    replacements: tuple[str, ...] = ()
    # None when off
    alerts: AlertsConfig | None = None
    restore_testing: RestoreTestingConfig | None = None
    central: CentralCoverage | None = None  # none means no copies
    guardrails: GuardrailsCoverage | None = None  # none: guardrails off
    audit_frameworks: AuditFrameworksConfig | None = None  # none: no frameworks
    audit_reports: AuditReportsConfig | None = None  # none: no organization report plans

    @property
    def covered(self) -> list[AccountCoverage]:
        return [account for account in self.accounts if account.covered]

    @property
    def degraded(self) -> list[AccountCoverage]:
        """Covered accounts kept from the previous state because their lookup failed."""
        return [account for account in self.covered if account.degraded]

    @property
    def warnings(self) -> list[str]:
        """What a user must see before deploying: drifted `accounts/` files, accounts this run
        stops covering, resources it replaces, accounts the OU walk could not place, audit
        frameworks without reports, EFS automatic backups turned off, then irreversible vault
        locks, one line per setting."""
        by_days: dict[int, list[AccountCoverage]] = {}
        for account in self.covered:
            lock = account.policy.vault_lock if account.policy else None
            if lock is not None and lock.changeable_for_days is not None:
                by_days.setdefault(lock.changeable_for_days, []).append(account)
        messages = [f"WARNING: {problem}" for problem in self.file_drift]
        messages += [f"WARNING: {removal}" for removal in self.removed]
        messages += [f"WARNING: {replacement}" for replacement in self.replacements]
        messages += [
            f"WARNING: account {account.account_id} ({account.name}): {account.placement}"
            for account in self.accounts
            if account.placement
        ]
        if self.audit_frameworks is not None and self.audit_reports is None:
            messages.append(
                "WARNING: audit frameworks evaluate in every covered account-region, but no"
                " report plan delivers their evidence: set audit_reports_bucket"
                " (docs/audit-evidence.md)."
            )
        disabling = sum(
            len(files)
            for account in self.covered
            for files in account.managed_file_systems.values()
        )
        if disabling:
            messages.append(
                f"WARNING: EFS automatic backups are turned off for {disabling} tagged file"
                " system(s) (efs_automatic_backups = disable); org-backup never turns them back"
                " on, not even when the setting changes (docs/audit-evidence.md)."
            )
        for days, accounts in sorted(by_days.items()):
            shown = ", ".join(f"{a.account_id} ({a.name})" for a in accounts[:5])
            more = f" and {len(accounts) - 5} more" if len(accounts) > 5 else ""
            messages.append(
                f"WARNING: vault lock in compliance mode in {len(accounts)} account(s): {shown}"
                f"{more}. {days} days after deployment the lock can no longer be changed or"
                " removed, by anyone, and the vaults cannot be deleted until every recovery"
                " point expires."
            )
        return messages
