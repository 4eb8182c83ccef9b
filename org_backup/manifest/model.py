"""The manifest (CONTRACT.md, schema_version 1): the models that read and write it.

Readers accept fields that later versions add; the rollout writes it (`rollout/export.py`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

SCHEMA_VERSION = 1


class _Open(BaseModel):
    """Readers accept fields added by later versions (CONTRACT.md: fields may be added)."""

    model_config = ConfigDict(extra="allow")


class Organization(_Open):
    id: str
    management_account_id: str


class Shard(_Open):
    index: int = 0
    count: int = 1


class Lock(_Open):
    min_retention_days: int
    max_retention_days: int
    changeable_for_days: int | None = None
    mode: Literal["governance", "compliance"] = "governance"


class Vault(_Open):
    name: str
    arn: str | None = None
    kms_key_arn: str | None = None
    # the key as configured (a key ARN or an alias), placeholders filled; null: AWS's own key.
    kms_key_id: str | None = None
    lock: Lock | None = None


class CopyAction(_Open):
    destination_vault_arn: str
    delete_after_days: int
    cold_storage_after_days: int | None = None


class Rule(_Open):
    name: str
    schedule: str
    schedule_timezone: str = "Etc/UTC"
    start_window_minutes: int
    completion_window_minutes: int
    delete_after_days: int
    cold_storage_after_days: int | None = None
    copy_actions: list[CopyAction] = []  # absent in older manifests


class Plan(_Open):
    name: str
    id: str | None = None
    arn: str | None = None
    version: str | None = None
    rules: list[Rule]


class Tag(_Open):
    key: str
    value: str


class Selection(_Open):
    name: str
    id: str | None = None
    resources: list[str]
    tag: Tag | None = None


class RegionAlerts(_Open):
    """The account-region's forwarding rule and the central bus it targets."""

    rule_name: str
    bus_arn: str


class RestoreTesting(_Open):
    plan_name: str
    selection_name: str
    schedule: str


class CentralAlerts(_Open):
    """The central bus and topic (created by shard 0, in the central account)."""

    bus_arn: str
    topic_arn: str
    region: str
    muted_accounts: list[str] = []  # forwarded, but no email


class RegionGuardrails(_Open):
    """What protects the account-region's backups from the account's own administrators."""

    # the vault's access policy denies deleting recovery points and unprotecting the vault
    vault_policy: bool
    # the organization SCP that applies to the account (null: none does)
    scp: str | None = None


class Guardrails(_Open):
    """The guardrail SCP (created and attached by shard 0) and the deploy roles it exempts."""

    scp_name: str
    targets: list[str]
    exempt_role_names: list[str]


class FrameworkControl(_Open):
    """One Backup Audit Manager control: its API name, parameters and the tag it evaluates."""

    name: str
    parameters: dict[str, str] = {}
    scope_tags: dict[str, str] = {}


class ConfigRecording(_Open):
    """Whether AWS Config records, in the account-region, what the framework's controls need."""

    recorder: str | None = None  # the customer managed recorder's name; null: none
    recording: bool = False
    missing_types: list[str] = []  # needed, but not recorded
    error: str | None = None  # the lookup failed: the operation, region and AWS's reason

    @property
    def records_all(self) -> bool:
        return self.error is None and self.recording and not self.missing_types

    @property
    def problem(self) -> str | None:
        """What keeps the controls from evaluating, as a sentence part; None: nothing."""
        if self.error:
            return f"could not be checked: {self.error.rstrip('.')}"
        if self.recorder is None:
            return "there is no configuration recorder"
        if not self.recording:
            return f"configuration recorder {self.recorder} is not recording"
        if self.missing_types:
            return f"configuration recorder {self.recorder} does not record " + ", ".join(
                self.missing_types
            )
        return None


class Framework(_Open):
    """The account-region's Backup Audit Manager framework."""

    name: str
    arn: str | None = None
    # as AWS reports them: COMPLETED or FAILED, ...; ACTIVE, PARTIALLY_ACTIVE, INACTIVE or
    # UNAVAILABLE (botocore DescribeFramework). Null: not known (before deployment).
    deployment_status: str | None = None
    status: str | None = None
    controls: list[FrameworkControl] = []
    recorded_types: list[str] = []  # what AWS Config must record for the controls
    config: ConfigRecording | None = None  # null: not looked up


class EfsAutomaticBackups(_Open):
    """What org-backup does about EFS's own automatic backups of the account's tagged file
    systems: `accept` them, or `disable` them on `managed_file_systems`."""

    mode: Literal["leave", "accept", "disable"]
    managed_file_systems: list[str] = []


class Region(_Open):
    region: str
    vault: Vault | None = None
    plan: Plan | None = None
    selection: Selection | None = None
    alerts: RegionAlerts | None = None
    restore_testing: RestoreTesting | None = None
    guardrails: RegionGuardrails | None = None  # null: unguarded (guardrails off, or older)
    framework: Framework | None = None  # null: audit frameworks off (or older)
    efs_automatic_backups: EfsAutomaticBackups | None = None  # null: left alone (or older)


class Account(_Open):
    account_id: str
    name: str
    ou_path: str
    status: Literal["covered", "skipped"]
    skip_reason: str | None = None
    source: str | None = None
    deploy_role_arn: str | None = None
    backup_role_arn: str | None = None
    regions: list[Region] = []
    regions_not_enabled: list[str] = []
    # why a covered account is kept from the previous state; null when healthy.
    degraded: str | None = None
    # why and how it was placed when the OU walk could not place it; null when it could.
    placement: str | None = None


class CentralRegion(_Open):
    region: str
    vault_arn: str | None = None


class Central(_Open):
    """Where copies go: the central account's vault in each region that copies land in."""

    account_id: str
    vault_name: str
    kind: Literal["standard", "air-gapped"] = "standard"
    # the air-gapped vault's retention, or the standard vault's lock (null: no lock)
    min_retention_days: int | None = None
    max_retention_days: int | None = None
    regions: list[CentralRegion] = []
    # an air-gapped vault's AWS RAM principals ("organization" or account ids); null: not
    # recorded (manifests before it was, whose default shared with the organization)
    shared_with: list[str] | None = None


class ReportPlan(_Open):
    name: str
    template: str
    arn: str | None = None  # known to shard 0 only, after deployment


class AuditReports(_Open):
    """The organization's Backup Audit Manager report plans (shard 0, management account)."""

    bucket: str
    prefix: str
    region: str
    organization_units: list[str] = []  # empty: the whole organization (ROOT)
    report_plans: list[ReportPlan] = []


class Manifest(_Open):
    schema_version: Literal[1]
    organization: Organization
    shard: Shard = Shard()
    alerts: CentralAlerts | None = None
    central: Central | None = None
    guardrails: Guardrails | None = None
    audit_reports: AuditReports | None = None
    accounts: list[Account]
