"""The audit's verdicts: the coverage and what each account holds in, report rows out. Pure.

The live state is put into the manifest's shape so that `reporting.checks` judges it exactly as
`report` judges a manifest (missing vault, plan or selection, the selection's resources and
tag, every threshold). What only a live view can see is added here: drift from the policy,
the backup role, file systems left unprotected, and recovery points older than the schedule
allows.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime

from org_backup.audit.observations import (
    AccountState,
    Condition,
    FileSystemState,
    PlanState,
    RegionState,
    RoleState,
    SelectionState,
    VaultState,
)
from org_backup.config import limits
from org_backup.config.policy import BackupPolicy, kms_key_arn
from org_backup.coverage.model import Coverage
from org_backup.manifest import (
    Account,
    Lock,
    Manifest,
    Plan,
    Region,
    Rule,
    Selection,
    Tag,
    Vault,
    build_manifest,
)
from org_backup.reporting import kinds
from org_backup.reporting.checks import account_entries, account_rows, subject, summary
from org_backup.reporting.inputs import Inputs
from org_backup.reporting.model import Finding, Report, ReportRow, Thresholds
from org_backup.reporting.provenance import report_time
from org_backup.reporting.schedule import longest_gap_hours

TAG_CONDITION = "aws:ResourceTag/"


@dataclass(frozen=True, slots=True)
class AuditRow(ReportRow):
    """A report row; a row about one file system names it in `resource_arn`."""

    resource_arn: str | None = None


def build_audit_report(
    coverage: Coverage,
    states: Mapping[str, AccountState],
    failures: Mapping[str, str],
    thresholds: Thresholds,
    now: datetime,
    source: str,
    input_sha256: Mapping[str, str] | None = None,
) -> Report:
    """Rows sorted by account, region, then file system (the account-region's own row first).

    `input_sha256`: the digests of the files the audit read (settings, `accounts/`)."""
    accounts = tuple(Manifest.model_validate(build_manifest(coverage)).accounts)
    policies = {account.account_id: account.policy for account in coverage.accounts}
    rows: list[AuditRow] = []
    for account in accounts:
        rows.extend(
            _account_rows(
                account,
                policies[account.account_id],
                states.get(account.account_id),
                failures.get(account.account_id),
                thresholds,
                now,
                coverage.partition,
            )
        )
    rows.sort(key=lambda row: (row.account_id or "", row.region or "", row.resource_arn or ""))
    inputs = Inputs((source,), (coverage.organization_id,), accounts, (), dict(input_sha256 or {}))
    merged = _by_account_region(rows)
    return Report(
        summary(inputs, thresholds, merged, generated_at=report_time(now)),
        tuple(rows),
        account_entries(accounts),
    )


def _account_rows(
    account: Account,
    policy: BackupPolicy | None,
    state: AccountState | None,
    failure: str | None,
    thresholds: Thresholds,
    now: datetime,
    partition: str,
) -> list[AuditRow]:
    who = subject(account)
    if account.status == "skipped" or policy is None:
        extra = (
            (
                Finding(
                    kinds.AUDIT_FAILED,
                    f"{who}: could not be scanned for tagged EFS file systems: {_sentence(failure)}",
                ),
            )
            if failure
            else ()
        )
        rows = [_audit_row(row, extra) for row in account_rows(account, thresholds)]
        return rows + _file_system_rows(account, None, state, now)
    if state is None:  # per_account gave a failure instead
        finding = Finding(
            kinds.AUDIT_FAILED, f"{who}: could not be audited: {_sentence(failure or '')}"
        )
        return [_bare_row(account, None, None, (finding,))]
    live = account.model_copy(
        update={
            "regions": [_as_manifest(region, policy) for region in state.regions if region.covered]
        }
    )
    drift = {
        region.region: tuple(_drift(account, region, policy, state.role, partition))
        for region in state.regions
        if region.covered
    }
    rows = [
        _audit_row(row, drift.get(row.region or "", ())) for row in account_rows(live, thresholds)
    ]
    return rows + _file_system_rows(account, policy, state, now)


def _file_system_rows(
    account: Account, policy: BackupPolicy | None, state: AccountState | None, now: datetime
) -> list[AuditRow]:
    """One row per tagged file system; `policy` is None where the account is not covered."""
    if state is None:
        return []
    return [
        _bare_row(
            account,
            region.region,
            file_system.arn,
            tuple(_file_system_findings(account, state.tag, region, file_system, policy, now)),
        )
        for region in state.regions
        for file_system in region.file_systems
    ]


def _file_system_findings(
    account: Account,
    tag: str,
    region: RegionState,
    file_system: FileSystemState,
    policy: BackupPolicy | None,
    now: datetime,
) -> Iterator[Finding]:
    where = f"{subject(account, region.region)}: "
    efs = f"EFS file system {file_system.arn}"
    if policy is None:
        yield Finding(
            kinds.FILE_SYSTEM_UNPROTECTED,
            f"{where}{efs} is tagged {tag} but unprotected: the account is skipped"
            f" ({account.skip_reason}), so it is not backed up.",
        )
        return
    if not region.covered:
        yield Finding(
            kinds.FILE_SYSTEM_UNPROTECTED,
            f"{where}{efs} is tagged {tag} but unprotected: {region.region} is not covered for"
            " this account, so it is not backed up.",
        )
        return
    if file_system.lookup_error:
        yield Finding(
            kinds.RECOVERY_POINTS_UNREADABLE,
            f"{where}the recovery points of {efs} could not be listed:"
            f" {_sentence(file_system.lookup_error)}",
        )
        return
    latest = file_system.latest_backup
    if latest is None:
        yield Finding(
            kinds.NEVER_BACKED_UP,
            f"{where}{efs} has no completed recovery point in vault {policy.vault_name}:"
            " it has not been backed up yet.",
        )
        return
    allowed = allowed_age_hours(policy)
    age = (now - latest).total_seconds() / 3600
    if age > allowed:
        yield Finding(
            kinds.BACKUP_TOO_OLD,
            f"{where}{efs}: its latest completed recovery point in vault {policy.vault_name} is"
            f" from {latest.astimezone(UTC):%Y-%m-%d %H:%M} UTC, {age:.1f} hours ago; the schedule"
            f" {policy.schedule} should have made one within {allowed:.1f} hours (longest gap"
            " between runs plus the start and completion windows).",
        )


def allowed_age_hours(policy: BackupPolicy) -> float:
    """How old the newest recovery point may be: the schedule's longest gap, plus the start
    window a job may wait and the completion window it may then run (AWS counts the latter
    from the job's start). `math.inf` for a schedule that does not keep recurring."""
    gap = longest_gap_hours(policy.schedule)
    if math.isinf(gap):
        return gap
    return gap + (policy.start_window_minutes + policy.completion_window_minutes) / 60


def _as_manifest(region: RegionState, policy: BackupPolicy) -> Region:
    """The live state of a covered region, shaped like a manifest region for `region_row`."""
    vault, plan, selection = region.vault, region.plan, region.selection
    return Region(
        region=region.region,
        vault=Vault(
            name=vault.name, arn=vault.arn, kms_key_arn=vault.kms_key_arn, lock=_lock(vault)
        )
        if vault
        else None,
        plan=Plan(
            name=plan.name,
            id=plan.id,
            arn=plan.arn,
            version=plan.version,
            rules=[
                Rule(
                    name=rule.name,
                    schedule=rule.schedule or "",
                    schedule_timezone=rule.schedule_timezone,
                    start_window_minutes=rule.start_window_minutes,
                    completion_window_minutes=rule.completion_window_minutes,
                    # kept forever: as long as AWS Backup can express
                    delete_after_days=rule.delete_after_days or limits.MAX_DAYS,
                    cold_storage_after_days=rule.cold_storage_after_days,
                )
                for rule in plan.rules
            ],
        )
        if plan
        else None,
        selection=Selection(
            name=selection.name,
            id=selection.id,
            resources=list(selection.resources),
            tag=_tag(selection, policy),
        )
        if selection
        else None,
    )


def _lock(vault: VaultState) -> Lock | None:
    if not vault.locked:
        return None
    return Lock(
        min_retention_days=vault.min_retention_days or 1,
        max_retention_days=vault.max_retention_days or limits.MAX_DAYS,
        mode="compliance" if vault.lock_date else "governance",
    )


def _tag(selection: SelectionState, policy: BackupPolicy) -> Tag | None:
    """The selection's tag condition: the one on the policy's key if any, else the first."""
    tags = [
        Tag(key=condition.key.removeprefix(TAG_CONDITION), value=condition.value)
        for condition in selection.conditions
        if condition.operator == "StringEquals" and condition.key.startswith(TAG_CONDITION)
    ]
    preferred = [tag for tag in tags if tag.key == policy.selection_tag_key]
    return (preferred or tags or [None])[0]


def _drift(
    account: Account,
    region: RegionState,
    policy: BackupPolicy,
    role: RoleState | None,
    partition: str,
) -> Iterator[Finding]:
    """What differs from the policy, beyond what the report's checks already see."""
    where = f"{subject(account, region.region)}: "
    findings = [
        *_role_findings(policy, role),
        *_vault_drift(region.vault, policy, partition, region.region, account.account_id),
        *((kinds.PLAN_DRIFT, text) for text in _plan_drift(region.plan, policy)),
        *(
            (kinds.SELECTION_DRIFT, text)
            for text in _selection_drift(region.selection, policy, role)
        ),
    ]
    return (Finding(kind, where + text) for kind, text in findings)


def _role_findings(policy: BackupPolicy, role: RoleState | None) -> Iterator[tuple[str, str]]:
    if role is None:
        yield (
            kinds.BACKUP_ROLE_UNUSABLE,
            f"IAM role {policy.backup_role_name}, which AWS Backup assumes to run the backups,"
            " does not exist, so every backup job fails.",
        )
    elif not role.trusts_backup:
        yield (
            kinds.BACKUP_ROLE_UNUSABLE,
            f"IAM role {role.name} does not trust backup.amazonaws.com, so AWS Backup cannot"
            " assume it and every backup job fails.",
        )


def _vault_drift(
    vault: VaultState | None, policy: BackupPolicy, partition: str, region: str, account_id: str
) -> Iterator[tuple[str, str]]:
    if vault is None:
        return
    expected = policy.vault_lock
    if expected is not None:
        wanted = f"{expected.min_retention_days}-{expected.max_retention_days} days"
        if not vault.locked:
            yield (
                kinds.VAULT_LOCK_MISSING,
                f"vault {vault.name} has no vault lock, but the policy locks it ({wanted}).",
            )
        elif (vault.min_retention_days or 1, vault.max_retention_days or limits.MAX_DAYS) != (
            expected.min_retention_days,
            expected.max_retention_days,
        ):
            yield (
                kinds.VAULT_DRIFT,
                f"vault {vault.name}'s lock enforces {vault.min_retention_days or 1}-"
                f"{vault.max_retention_days or limits.MAX_DAYS} days, but the policy says {wanted}.",
            )
        elif expected.mode == "compliance" and vault.lock_date is None:
            yield (
                kinds.VAULT_DRIFT,
                f"vault {vault.name}'s lock is in governance mode, so it can still be removed;"
                " the policy asks for compliance mode.",
            )
    if policy.vault_kms_key_arn:
        key = kms_key_arn(policy.vault_kms_key_arn, partition, region, account_id)
        # AWS reports the key's ARN; an alias in the policy cannot be compared without KMS.
        if ":key/" in key and vault.kms_key_arn != key:
            yield (
                kinds.VAULT_DRIFT,
                f"vault {vault.name} is encrypted with {vault.kms_key_arn or 'the default key'},"
                f" but the policy says {key}.",
            )


def _plan_drift(plan: PlanState | None, policy: BackupPolicy) -> Iterator[str]:
    if plan is None:
        return
    rule = next((rule for rule in plan.rules if rule.name == policy.rule_name), None)
    if rule is None:
        names = ", ".join(rule.name for rule in plan.rules) or "none"
        yield f"backup plan {plan.name} has no rule {policy.rule_name} (its rules: {names})."
        return
    expected: Sequence[tuple[str, object, object]] = (
        ("target vault", rule.target_vault, policy.vault_name),
        ("schedule", rule.schedule, policy.schedule),
        ("time zone", rule.schedule_timezone, policy.schedule_timezone),
        ("start window", rule.start_window_minutes, policy.start_window_minutes),
        ("completion window", rule.completion_window_minutes, policy.completion_window_minutes),
        ("delete after days", rule.delete_after_days, policy.delete_after_days),
        ("cold storage after days", rule.cold_storage_after_days, policy.cold_storage_after_days),
    )
    differences = [
        f"{what} {_shown(live)} (policy: {_shown(wanted)})"
        for what, live, wanted in expected
        if live != wanted
    ]
    if differences:
        yield (
            f"backup plan {plan.name} rule {rule.name} differs from the policy: "
            + "; ".join(differences)
            + "."
        )


def _selection_drift(
    selection: SelectionState | None, policy: BackupPolicy, role: RoleState | None
) -> Iterator[str]:
    if selection is None:
        return
    name = f"selection {selection.name}"
    wanted = f"{policy.selection_tag_key}={policy.selection_tag_value}"
    tag = _tag(selection, policy)
    others = [
        condition
        for condition in selection.conditions
        if tag is None
        or (condition.operator, condition.key, condition.value)
        != ("StringEquals", TAG_CONDITION + tag.key, tag.value)
    ]
    if tag is not None and (tag.key, tag.value) != (
        policy.selection_tag_key,
        policy.selection_tag_value,
    ):
        yield f"{name} picks file systems tagged {tag.key}={tag.value}, but the policy says {wanted}."
    if others:
        yield (
            f"{name} has further conditions ({_conditions(others)}), which can leave file"
            f" systems tagged {wanted} out."
        )
    if selection.list_of_tags:
        yield (
            f"{name} also picks every resource of any type matching"
            f" {_conditions(selection.list_of_tags)} (ListOfTags), not only EFS file systems."
        )
    if selection.not_resources:
        yield f"{name} leaves out {', '.join(selection.not_resources)} (NotResources)."
    if role is not None and selection.iam_role_arn != role.arn:
        yield f"{name} runs as {selection.iam_role_arn}, not the backup role {role.arn}."


def _conditions(conditions: Sequence[Condition]) -> str:
    return ", ".join(f"{c.operator} {c.key}={c.value}" for c in conditions)


def _sentence(reason: str) -> str:
    """AWS's reason as the end of a one-line sentence: some endpoints answer with a whole HTML
    page, which must not break a CSV cell or a Markdown list item."""
    return " ".join(reason.split()).rstrip(".") + "."


def _shown(value: object) -> str:
    return "none" if value is None else str(value)


def _audit_row(row: ReportRow, extra: Sequence[Finding] = ()) -> AuditRow:
    values = {field.name: getattr(row, field.name) for field in fields(ReportRow)}
    findings = (*row.findings, *extra)
    values.update(findings=findings, status="NON_COMPLIANT" if findings else row.status)
    return AuditRow(**values)


def _bare_row(
    account: Account, region: str | None, resource_arn: str | None, findings: tuple[Finding, ...]
) -> AuditRow:
    return AuditRow(
        account.account_id,
        account.name,
        account.ou_path,
        region,
        "NON_COMPLIANT" if findings else "COMPLIANT",
        findings=findings,
        resource_arn=resource_arn,
    )


def _by_account_region(rows: Sequence[AuditRow]) -> list[AuditRow]:
    """One row per account-region for the summary's counts: its file systems' findings count
    against it, so a region is compliant only when its backups are, too."""
    groups: dict[tuple[str | None, str | None], list[AuditRow]] = {}
    for row in rows:
        groups.setdefault((row.account_id, row.region), []).append(row)
    merged = []
    for group in groups.values():
        findings = tuple(finding for row in group for finding in row.findings)
        status = "NON_COMPLIANT" if findings else group[0].status
        merged.append(replace(group[0], status=status, findings=findings))
    return merged
