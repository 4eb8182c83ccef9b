"""The audit's verdicts: the coverage and what each account holds in, report rows out. Pure.

The live state is put into the manifest's shape so that `reporting.checks` judges it exactly as
`report` judges a manifest (missing vault, plan or selection, the selection's resources and
tag, every threshold). What only a live view can see is added here: drift from the policy,
the backup role, file systems left unprotected, and recovery points older than the schedule
allows.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import fields, replace
from datetime import UTC, datetime

from org_backup.audit.copy_checks import with_copy_findings
from org_backup.audit.freshness import most_frequent, rule_allowed_hours
from org_backup.audit.observations import (
    AccountState,
    CentralState,
    Condition,
    FileSystemState,
    PlanState,
    RegionState,
    RoleState,
    SelectionState,
    VaultState,
)
from org_backup.audit.restore_tests import restore_test_findings
from org_backup.audit.rows import AuditRow, as_sentence
from org_backup.aws_rules import limits
from org_backup.config.policy import BackupPolicy, known_kms_key_arn, vault_key_id
from org_backup.coverage.central import CentralCoverage, copy_targets
from org_backup.coverage.model import Coverage
from org_backup.manifest.model import (
    Account,
    CopyAction,
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
from org_backup.reporting.copies import CentralIndex
from org_backup.reporting.inputs import Inputs
from org_backup.reporting.model import Finding, Report, ReportRow, Thresholds
from org_backup.reporting.provenance import report_time

TAG_CONDITION = "aws:ResourceTag/"


def build_audit_report(
    coverage: Coverage,
    states: Mapping[str, AccountState],
    failures: Mapping[str, str],
    thresholds: Thresholds,
    now: datetime,
    source: str,
    central: CentralState | None = None,
    input_sha256: Mapping[str, str] | None = None,
) -> Report:
    """Rows sorted by account, region, then file system (the account-region's own row first).

    With a central account, `central` is what was read there (copies and the vault policy);
    `input_sha256`: the digests of the files the audit read (settings, `accounts/`)."""
    manifest = Manifest.model_validate(build_manifest(coverage))
    accounts = tuple(manifest.accounts)
    policies = {account.account_id: account.policy for account in coverage.accounts}
    index = CentralIndex.of([manifest.central])
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
                (coverage.central, index),
            )
        )
    if coverage.central is not None and central is not None:
        rows = with_copy_findings(rows, coverage, central, now)
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
    copies: tuple[CentralCoverage | None, CentralIndex],
) -> list[AuditRow]:
    who = subject(account)
    if account.status == "skipped" or policy is None:
        extra = (
            (
                Finding(
                    kinds.AUDIT_FAILED,
                    f"{who}: could not be scanned for tagged EFS file systems: {as_sentence(failure)}",
                ),
            )
            if failure
            else ()
        )
        rows = [_audit_row(row, extra) for row in account_rows(account, thresholds)]
        return rows + _file_system_rows(account, None, state, now, thresholds)
    if state is None:  # per_account gave a failure instead
        finding = Finding(
            kinds.AUDIT_FAILED, f"{who}: could not be audited: {as_sentence(failure or '')}"
        )
        return [_bare_row(account, None, None, (finding,))]
    live = account.model_copy(
        update={
            "regions": [_as_manifest(region, policy) for region in state.regions if region.covered]
        }
    )
    central, index = copies
    drift = {
        region.region: tuple(
            (
                *_drift(account, region, policy, state.role, partition),
                *_copy_drift(account, region, policy, central, partition),
            )
        )
        for region in state.regions
        if region.covered
    }
    rows = [
        _audit_row(row, drift.get(row.region or "", ()))
        for row in account_rows(live, thresholds, central=index)
    ]
    return rows + _file_system_rows(account, policy, state, now, thresholds)


def _file_system_rows(
    account: Account,
    policy: BackupPolicy | None,
    state: AccountState | None,
    now: datetime,
    thresholds: Thresholds,
) -> list[AuditRow]:
    """One row per tagged file system; `policy` is None where the account is not covered."""
    if state is None:
        return []
    return [
        _bare_row(
            account,
            region.region,
            file_system.arn,
            (
                *_file_system_findings(account, state.tag, region, file_system, policy, now),
                *_restore_test_sentences(account, region, file_system, policy, thresholds, now),
            ),
        )
        for region in state.regions
        for file_system in region.file_systems
    ]


def _restore_test_sentences(
    account: Account,
    region: RegionState,
    file_system: FileSystemState,
    policy: BackupPolicy | None,
    thresholds: Thresholds,
    now: datetime,
) -> Iterator[Finding]:
    """Issue 10: restore tests of the file systems of covered regions, when asked for."""
    max_age = thresholds.max_restore_test_age_days
    if max_age is None or policy is None or not region.covered:
        return
    where = f"{subject(account, region.region)}: "
    for kind, sentence in restore_test_findings(region, file_system, max_age, now):
        yield Finding(kind, where + sentence)


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
            f" {as_sentence(file_system.lookup_error)}",
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
    rule = most_frequent(policy.rules)
    allowed = rule_allowed_hours(rule)
    age = (now - latest).total_seconds() / 3600
    if age > allowed:
        yield Finding(
            kinds.BACKUP_TOO_OLD,
            f"{where}{efs}: its latest completed recovery point in vault {policy.vault_name} is"
            f" from {latest.astimezone(UTC):%Y-%m-%d %H:%M} UTC, {age:.1f} hours ago; the schedule"
            f" {rule.schedule} (rule {rule.name}) should have made one within {allowed:.1f} hours"
            " (longest gap between runs plus the start and completion windows).",
        )


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
                    copy_actions=[
                        CopyAction(
                            destination_vault_arn=action.destination_vault_arn,
                            delete_after_days=action.delete_after_days or limits.MAX_DAYS,
                            cold_storage_after_days=action.cold_storage_after_days,
                        )
                        for action in rule.copy_actions
                    ],
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
    # AWS reports the key's ARN; an alias in the policy cannot be compared without KMS.
    key = known_kms_key_arn(vault_key_id(policy, partition, region, account_id))
    if key is not None and vault.kms_key_arn != key:
        yield (
            kinds.VAULT_DRIFT,
            f"vault {vault.name} is encrypted with {vault.kms_key_arn or 'the default key'},"
            f" but the policy says {key}.",
        )


def _plan_drift(plan: PlanState | None, policy: BackupPolicy) -> Iterator[str]:
    if plan is None:
        return
    live_rules = {rule.name: rule for rule in plan.rules}
    for wanted in policy.rules:
        rule = live_rules.get(wanted.name)
        if rule is None:
            names = ", ".join(rule.name for rule in plan.rules) or "none"
            yield f"backup plan {plan.name} has no rule {wanted.name} (its rules: {names})."
            continue
        expected: Sequence[tuple[str, object, object]] = (
            ("target vault", rule.target_vault, policy.vault_name),
            ("schedule", rule.schedule, wanted.schedule),
            ("time zone", rule.schedule_timezone, wanted.schedule_timezone),
            ("start window", rule.start_window_minutes, wanted.start_window_minutes),
            ("completion window", rule.completion_window_minutes, wanted.completion_window_minutes),
            ("delete after days", rule.delete_after_days, wanted.delete_after_days),
            (
                "cold storage after days",
                rule.cold_storage_after_days,
                wanted.cold_storage_after_days,
            ),
        )
        differences = [
            f"{what} {_shown(live)} (policy: {_shown(value)})"
            for what, live, value in expected
            if live != value
        ]
        if differences:
            yield (
                f"backup plan {plan.name} rule {rule.name} differs from the policy: "
                + "; ".join(differences)
                + "."
            )


def _copy_drift(
    account: Account,
    region: RegionState,
    policy: BackupPolicy,
    central: CentralCoverage | None,
    partition: str,
) -> Iterator[Finding]:
    """Each rule's copy actions as the policy wants them (none without a central account)."""
    if region.plan is None:
        return
    where = f"{subject(account, region.region)}: "
    live = {rule.name: rule for rule in region.plan.rules}
    for rule in policy.rules:
        found = live.get(rule.name)
        if found is None:
            continue  # _plan_drift already says the rule is missing
        wanted = [
            (t.destination_vault_arn, t.delete_after_days, t.cold_storage_after_days)
            for t in copy_targets(central, partition, account.account_id, region.region, rule)
        ]
        actual = [
            (a.destination_vault_arn, a.delete_after_days, a.cold_storage_after_days)
            for a in found.copy_actions
        ]
        if sorted(wanted, key=str) != sorted(actual, key=str):
            yield Finding(
                kinds.PLAN_DRIFT,
                f"{where}backup plan {region.plan.name} rule {rule.name} copies to"
                f" {_copies(actual)}, but the policy says {_copies(wanted)}.",
            )


def _copies(actions: Sequence[tuple[str, int | None, int | None]]) -> str:
    if not actions:
        return "nowhere"
    return ", ".join(
        f"{arn} (kept {'forever' if days is None else f'{days} days'})" for arn, days, _ in actions
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
