"""The Backup Audit Manager framework of one covered account-region, derived from its backup
shape: which controls evidence what the policy sets, and their parameters, taken from the same
values the plan, vault and selection are built from (never typed twice). Pure.

Every control is scoped by one tag, so it evaluates only what org-backup manages: the
selection tag for what is protected, `managed-by=org-backup` for the plan, the vault and the
recovery points (EFS's own automatic plan and its 35-day points would otherwise fail the
retention controls for the wrong reason). docs/audit-evidence.md explains each control.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from org_backup.aws_rules import audit_controls as controls
from org_backup.aws_rules.schedule import longest_gap_hours
from org_backup.coverage.audit_evidence import AuditFrameworksConfig
from org_backup.coverage.central import CopyTarget
from org_backup.coverage.freshness import ScheduledRule, most_frequent, rule_allowed_hours
from org_backup.coverage.guardrail_documents import MANAGED_TAG_KEY, MANAGED_TAG_VALUE
from org_backup.manifest.model import Framework, FrameworkControl

_NOT_NAME_CHARACTER = re.compile(r"[^A-Za-z0-9_]")
_ARN_ACCOUNT = 4
_ARN_REGION = 3


class PlannedRule(ScheduledRule, Protocol):
    """A rule of the backup shape (`RuleShape`): its schedule, retention and copies."""

    @property
    def delete_after_days(self) -> int: ...
    @property
    def copy_actions(self) -> tuple[CopyTarget, ...]: ...


@dataclass(frozen=True, slots=True)
class ControlShape:
    """One control: its API name, its parameters (strings, as the API takes them), and the one
    tag its scope evaluates."""

    name: str
    parameters: tuple[tuple[str, str], ...]
    scope_tag: tuple[str, str]


@dataclass(frozen=True, slots=True)
class FrameworkShape:
    name: str
    description: str
    controls: tuple[ControlShape, ...]

    @property
    def recorded_types(self) -> tuple[str, ...]:
        """What AWS Config must record in the account-region for these controls to evaluate."""
        return controls.recorded_types(control.name for control in self.controls)

    def manifest_entry(self, arn: str | None = None) -> Framework:
        return Framework(
            name=self.name,
            arn=arn,
            controls=[
                FrameworkControl(
                    name=control.name,
                    parameters=dict(control.parameters),
                    scope_tags=dict([control.scope_tag]),
                )
                for control in self.controls
            ],
            recorded_types=list(self.recorded_types),
        )


def framework_name(plan_name: str) -> str:
    """The plan's name made fit for a framework (letters, digits, underscores, starting with a
    letter): `org-backup-ai` -> `org_backup_ai`."""
    name = _NOT_NAME_CHARACTER.sub("_", plan_name)
    return (name if name[:1].isalpha() else f"org_backup_{name}")[: controls.NAME_MAX]


def framework_shape(
    *,
    account_id: str,
    region: str,
    plan_name: str,
    rules: Sequence[PlannedRule],
    selection_tag: tuple[str, str],
    lock: tuple[int, int] | None,
    guard_role_arn: str | None,
    restore_testing: bool,
    config: AuditFrameworksConfig,
) -> FrameworkShape:
    """`rules` are the region's `RuleShape`s (their schedules, windows, retention and copy
    actions); `lock` the vault lock's (min, max) retention days; `guard_role_arn` the one
    principal the guardrail vault policy lets delete recovery points (None: no such policy)."""
    managed = (MANAGED_TAG_KEY, MANAGED_TAG_VALUE)
    found: list[ControlShape] = [ControlShape(controls.PROTECTED_BY_PLAN, (), selection_tag)]
    rule = most_frequent(rules)
    frequency = _frequency(longest_gap_hours(rule.schedule))
    if frequency is not None:
        found.append(
            ControlShape(
                controls.PLAN_FREQUENCY_AND_RETENTION,
                (*frequency, ("requiredRetentionDays", str(rule.delete_after_days))),
                managed,
            )
        )
    shortest = min(r.delete_after_days for r in rules)
    found.append(
        ControlShape(
            controls.RECOVERY_POINT_RETENTION,
            (("requiredRetentionDays", str(shortest)),),
            managed,
        )
    )
    found.append(ControlShape(controls.RECOVERY_POINT_ENCRYPTED, (), managed))
    if guard_role_arn is not None:
        found.append(
            ControlShape(
                controls.MANUAL_DELETION_DISABLED, (("principalArnList", guard_role_arn),), managed
            )
        )
    if lock is not None:
        found.append(
            ControlShape(
                controls.PROTECTED_BY_VAULT_LOCK,
                (("maxRetentionDays", str(lock[1])), ("minRetentionDays", str(lock[0]))),
                selection_tag,
            )
        )
    destinations = [
        target.destination_vault_arn.split(":") for r in rules for target in r.copy_actions
    ]
    other_accounts = sorted({arn[_ARN_ACCOUNT] for arn in destinations} - {account_id})
    if other_accounts:
        found.append(
            ControlShape(
                controls.PROTECTED_BY_CROSS_ACCOUNT,
                (("crossAccountList", ",".join(other_accounts)),),
                selection_tag,
            )
        )
    other_regions = sorted({arn[_ARN_REGION] for arn in destinations} - {region})
    if other_regions:
        found.append(
            ControlShape(
                controls.PROTECTED_BY_CROSS_REGION,
                (("crossRegionList", ",".join(other_regions)),),
                selection_tag,
            )
        )
    allowed = rule_allowed_hours(rule)
    if allowed <= controls.MAX_RECOVERY_POINT_AGE_HOURS:
        found.append(
            ControlShape(
                controls.LAST_RECOVERY_POINT_CREATED,
                (
                    ("recoveryPointAgeUnit", "hours"),
                    ("recoveryPointAgeValue", str(max(math.ceil(allowed), 1))),
                ),
                selection_tag,
            )
        )
    if restore_testing:
        found.append(
            ControlShape(
                controls.RESTORE_TIME_MEETS_TARGET,
                (("maxRestoreTime", str(config.max_restore_minutes)),),
                selection_tag,
            )
        )
    return FrameworkShape(
        name=framework_name(plan_name),
        description=f"org-backup: what backup plan {plan_name} sets in {account_id} {region}",
        controls=tuple(found),
    )


def _frequency(gap_hours: float) -> tuple[tuple[str, str], tuple[str, str]] | None:
    """The plan frequency control's unit and value for a schedule's longest gap: hours up to a
    day, then days up to 31; None beyond (the control cannot express it)."""
    if gap_hours <= 24:
        value = str(max(math.ceil(gap_hours), 1))
        return ("requiredFrequencyUnit", "hours"), ("requiredFrequencyValue", value)
    days = math.ceil(gap_hours / 24)
    if days > controls.MAX_FREQUENCY_DAYS:
        return None
    return ("requiredFrequencyUnit", "days"), ("requiredFrequencyValue", str(days))
