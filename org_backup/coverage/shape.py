"""The backup shape: each resource a covered account-region gets, with the values it is given,
derived once from the coverage.

The rollout registers it (`rollout/account.py` and `rollout/restore_testing.py` take their
Pulumi arguments from it), the manifest records it (`manifest_region`, which the rollout's export
and the replacement predictor both use), and the audit compares what an account holds with it
(`audit/checks.py`). Pure: nothing here talks to AWS or Pulumi.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any, Literal

from pydantic import BaseModel

from org_backup.aws_rules.arns import efs_file_systems
from org_backup.config.policy import known_kms_key_arn, vault_key_id
from org_backup.coverage.alerting import AlertsConfig, RestoreTestingConfig
from org_backup.coverage.audit_evidence import AuditFrameworksConfig
from org_backup.coverage.central import CentralCoverage, CopyTarget, copy_targets
from org_backup.coverage.framework import FrameworkShape, framework_shape
from org_backup.coverage.guardrail_documents import (
    MANAGED_TAG_KEY,
    MANAGED_TAG_VALUE,
    member_vault_policy,
)
from org_backup.coverage.guardrails import GuardrailsCoverage
from org_backup.coverage.model import AccountCoverage, Coverage
from org_backup.coverage.names import regional_resource_name
from org_backup.manifest.model import (
    ConfigRecording,
    EfsAutomaticBackups,
    Lock,
    Plan,
    Region,
    RegionAlerts,
    RegionGuardrails,
    RestoreTesting,
    Rule,
    Selection,
    Tag,
    Vault,
)

# AWS Backup restore testing plan and selection names: letters, digits and underscores, 1-50
# (botocore CreateRestoreTestingPlan/CreateRestoreTestingSelection documentation).
RESTORE_TESTING_NAME_MAX = 50
_NOT_NAME_CHARACTER = re.compile(r"[^A-Za-z0-9_]")
# The tag the guardrail SCP recognizes recovery points by (their ARNs carry ids, not our names).
RECOVERY_POINT_TAGS = {MANAGED_TAG_KEY: MANAGED_TAG_VALUE}
TAG_CONDITION_PREFIX = "aws:ResourceTag/"


def restore_testing_name(name: str) -> str:
    """A backup plan or selection name (letters, digits, '-', '_', '.') made fit for restore
    testing: every other character becomes '_', e.g. `org-backup-ai` -> `org_backup_ai`."""
    return _NOT_NAME_CHARACTER.sub("_", name)[:RESTORE_TESTING_NAME_MAX]


@dataclass(frozen=True, slots=True)
class TagCondition:
    """What a file system must carry to be selected: the key and value of one tag."""

    key: str
    value: str

    @property
    def condition_key(self) -> str:
        """The key as a selection's StringEquals condition names it: `aws:ResourceTag/<key>`."""
        return TAG_CONDITION_PREFIX + self.key


@dataclass(frozen=True, slots=True)
class LockShape:
    """Vault Lock: governance mode, or compliance mode once `changeable_for_days` pass."""

    min_retention_days: int
    max_retention_days: int
    changeable_for_days: int | None = None

    @property
    def mode(self) -> Literal["governance", "compliance"]:
        return "governance" if self.changeable_for_days is None else "compliance"


@dataclass(frozen=True, slots=True)
class VaultShape:
    name: str
    # the key as configured (a key ARN or an alias), placeholders filled; None: AWS's own key
    kms_key_id: str | None
    lock: LockShape | None
    # the access policy that keeps the account's own administrators from erasing its recovery
    # points (guardrails); None: the vault has no access policy
    access_policy: Mapping[str, Any] | None

    @property
    def kms_key_arn(self) -> str | None:
        """The key ARN when the configured key is one; None for an alias (only KMS resolves it)."""
        return known_kms_key_arn(self.kms_key_id)


@dataclass(frozen=True, slots=True)
class RuleShape:
    """One rule of the plan; its backups go to the region's vault, copies where `copy_actions` say."""

    name: str
    schedule: str
    schedule_timezone: str
    start_window_minutes: int
    completion_window_minutes: int
    delete_after_days: int
    cold_storage_after_days: int | None
    copy_actions: tuple[CopyTarget, ...]


# What a rule of the policy gives its shape as it is (its copies are resolved against the central
# account): the policy's `BackupRule` names them alike.
_RULE_VALUES = frozenset(field.name for field in fields(RuleShape)) - {"copy_actions"}


@dataclass(frozen=True, slots=True)
class PlanShape:
    name: str
    rules: tuple[RuleShape, ...]
    # tags every recovery point of the plan carries (None: none)
    recovery_point_tags: Mapping[str, str] | None


@dataclass(frozen=True, slots=True)
class SelectionShape:
    """Resources AND the tag condition: the EFS file systems that carry the tag."""

    name: str
    resources: tuple[str, ...]
    tag: TagCondition


@dataclass(frozen=True, slots=True)
class RestoreTestingShape:
    """A restore testing plan over the latest recovery point of the region's own vault, and a
    selection of the file systems that carry the tag."""

    plan_name: str
    selection_name: str
    schedule: str
    timezone: str
    selection_window_days: int
    start_window_hours: int
    validation_window_hours: int
    tag: TagCondition


@dataclass(frozen=True, slots=True)
class AutomaticBackupsShape:
    """EFS's own automatic backups: accepted, or kept off on `file_system_ids` (disable)."""

    mode: Literal["accept", "disable"]
    file_system_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AlertRuleShape:
    """The rule on the region's default bus that forwards failed jobs to the central bus."""

    rule_name: str
    bus_arn: str


@dataclass(frozen=True, slots=True)
class RegionShape:
    """Everything one covered account-region gets."""

    account_id: str
    region: str
    vault: VaultShape
    plan: PlanShape
    selection: SelectionShape
    restore_testing: RestoreTestingShape | None = None
    alert_rule: AlertRuleShape | None = None
    # the organization's guardrail SCP that applies to the account (None: none does)
    guardrail_scp: str | None = None
    # the Backup Audit Manager framework (None: audit frameworks off)
    framework: FrameworkShape | None = None
    automatic_backups: AutomaticBackupsShape | None = None  # None: left alone

    def resource_name(self, kind: str) -> str:
        """The logical name of the region's resource of `kind`, e.g. `<account>-<region>-vault`."""
        return regional_resource_name(self.account_id, self.region, kind)


class DeployedRegion(BaseModel):
    """Ids that exist only after deployment (or under the mock engine)."""

    vault_arn: str | None = None
    plan_id: str | None = None
    plan_arn: str | None = None
    plan_version: str | None = None
    selection_id: str | None = None
    # edges (KMS aliases): the key ARN the vault was given, an alias resolved by KMS.
    vault_kms_key_arn: str | None = None
    framework_arn: str | None = None
    framework_deployment_status: str | None = None


def region_shapes(
    account: AccountCoverage,
    partition: str,
    management_account_id: str,
    central: CentralCoverage | None = None,
    alerts: AlertsConfig | None = None,
    restore_testing: RestoreTestingConfig | None = None,
    guardrails: GuardrailsCoverage | None = None,
    audit_frameworks: AuditFrameworksConfig | None = None,
) -> tuple[RegionShape, ...]:
    """The shape of each of the account's regions (none for a skipped account).

    Guardrails guard member accounts only: the management account is deployed with the caller's
    own credentials, so there is no deploy role to exempt, and no SCP applies to it. Recovery
    points are tagged `managed-by` with guardrails (the SCP recognizes them by it) and with
    audit frameworks (their recovery point controls are scoped by it).
    """
    policy = account.policy
    if not account.covered or policy is None:
        return ()
    guarded = guardrails is not None and account.account_id != management_account_id
    access_policy = (
        member_vault_policy(account.deploy_role_arn)
        if guarded and account.deploy_role_arn is not None
        else None
    )
    lock = policy.vault_lock
    tag = TagCondition(policy.selection_tag_key, policy.selection_tag_value)
    testing = (
        RestoreTestingShape(
            plan_name=restore_testing_name(policy.plan_name),
            selection_name=restore_testing_name(policy.selection_name),
            schedule=restore_testing.schedule,
            timezone=restore_testing.timezone,
            selection_window_days=restore_testing.selection_window_days,
            start_window_hours=restore_testing.start_window_hours,
            validation_window_hours=restore_testing.validation_window_hours,
            tag=tag,
        )
        if restore_testing is not None
        else None
    )
    alert_rule = AlertRuleShape(alerts.forwarding_rule_name, alerts.bus_arn) if alerts else None
    shapes = []
    for region in account.regions:
        rules = tuple(
            RuleShape(
                **rule.model_dump(include=_RULE_VALUES),
                copy_actions=tuple(
                    copy_targets(central, partition, account.account_id, region, rule)
                ),
            )
            for rule in policy.rules
        )
        framework = (
            framework_shape(
                account_id=account.account_id,
                region=region,
                plan_name=policy.plan_name,
                rules=rules,
                selection_tag=(tag.key, tag.value),
                lock=(lock.min_retention_days, lock.max_retention_days) if lock else None,
                guard_role_arn=account.deploy_role_arn if access_policy is not None else None,
                restore_testing=testing is not None,
                config=audit_frameworks,
            )
            if audit_frameworks is not None
            else None
        )
        shapes.append(
            RegionShape(
                account_id=account.account_id,
                region=region,
                vault=VaultShape(
                    name=policy.vault_name,
                    kms_key_id=vault_key_id(policy, partition, region, account.account_id),
                    lock=LockShape(
                        lock.min_retention_days, lock.max_retention_days, lock.changeable_for_days
                    )
                    if lock
                    else None,
                    access_policy=access_policy,
                ),
                plan=PlanShape(
                    name=policy.plan_name,
                    rules=rules,
                    recovery_point_tags=RECOVERY_POINT_TAGS
                    if guarded or framework is not None
                    else None,
                ),
                selection=SelectionShape(
                    name=policy.selection_name,
                    resources=tuple(efs_file_systems(partition)),
                    tag=tag,
                ),
                restore_testing=testing,
                alert_rule=alert_rule,
                guardrail_scp=guardrails.scp_name if guarded and guardrails else None,
                framework=framework,
                automatic_backups=_automatic_backups(account, region),
            )
        )
    return tuple(shapes)


def _automatic_backups(account: AccountCoverage, region: str) -> AutomaticBackupsShape | None:
    assert account.policy is not None
    mode = account.policy.efs_automatic_backups
    if mode == "leave":
        return None
    if mode == "accept":
        return AutomaticBackupsShape("accept")
    return AutomaticBackupsShape("disable", account.managed_file_systems.get(region, ()))


def coverage_shapes(coverage: Coverage, account: AccountCoverage) -> tuple[RegionShape, ...]:
    """`region_shapes` of one account of `coverage`, with the organization's settings."""
    return region_shapes(
        account,
        coverage.partition,
        coverage.management_account_id,
        coverage.central,
        coverage.alerts,
        coverage.restore_testing,
        coverage.guardrails,
        coverage.audit_frameworks,
    )


def manifest_region(
    shape: RegionShape,
    deployed: DeployedRegion | None = None,
    config: ConfigRecording | None = None,
) -> Region:
    """The region's manifest entry: the shape, with the ids `deployed` resolved to (nulls
    before deployment), and what AWS Config was found to record there (`config`, None: not
    looked up)."""
    ids = deployed or DeployedRegion()
    vault, plan, selection = shape.vault, shape.plan, shape.selection
    lock = vault.lock
    testing, alert_rule = shape.restore_testing, shape.alert_rule
    return Region(
        region=shape.region,
        vault=Vault(
            name=vault.name,
            arn=ids.vault_arn,
            # Before deployment an alias has no key ARN yet: only KMS can tell.
            kms_key_arn=ids.vault_kms_key_arn or vault.kms_key_arn,
            kms_key_id=vault.kms_key_id,
            lock=Lock(**asdict(lock), mode=lock.mode) if lock else None,
        ),
        plan=Plan(
            name=plan.name,
            id=ids.plan_id,
            arn=ids.plan_arn,
            version=ids.plan_version,
            rules=[Rule(**asdict(rule)) for rule in plan.rules],
        ),
        selection=Selection(
            name=selection.name,
            id=ids.selection_id,
            resources=list(selection.resources),
            tag=Tag(key=selection.tag.key, value=selection.tag.value),
        ),
        alerts=RegionAlerts(rule_name=alert_rule.rule_name, bus_arn=alert_rule.bus_arn)
        if alert_rule
        else None,
        restore_testing=RestoreTesting(
            plan_name=testing.plan_name,
            selection_name=testing.selection_name,
            schedule=testing.schedule,
        )
        if testing
        else None,
        guardrails=RegionGuardrails(vault_policy=True, scp=shape.guardrail_scp)
        if shape.guardrail_scp
        else None,
        framework=shape.framework.manifest_entry(ids.framework_arn).model_copy(
            update={"config": config, "deployment_status": ids.framework_deployment_status}
        )
        if shape.framework
        else None,
        efs_automatic_backups=EfsAutomaticBackups(
            mode=shape.automatic_backups.mode,
            managed_file_systems=list(shape.automatic_backups.file_system_ids),
        )
        if shape.automatic_backups
        else None,
    )
