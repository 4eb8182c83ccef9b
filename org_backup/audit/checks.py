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
from org_backup.audit.evidence import duplicate_findings, framework_findings, live_framework
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
from org_backup.config.policy import BackupPolicy
from org_backup.coverage.freshness import most_frequent, rule_allowed_hours
from org_backup.coverage.model import Coverage
from org_backup.coverage.shape import (
    TAG_CONDITION_PREFIX,
    PlanShape,
    RegionShape,
    SelectionShape,
    TagCondition,
    VaultShape,
    coverage_shapes,
)
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
)
from org_backup.reporting import kinds
from org_backup.reporting.checks import (
    account_entries,
    account_rows,
    file_system_subject,
    subject,
    summary,
)
from org_backup.reporting.copies import CentralIndex
from org_backup.reporting.inputs import Inputs
from org_backup.reporting.kinds import Thresholds
from org_backup.reporting.model import Finding, Report, ReportRow
from org_backup.reporting.provenance import report_time
from org_backup.rollout.export import build_manifest


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
    planned = {account.account_id: account for account in coverage.accounts}
    index = CentralIndex.of([manifest.central])
    rows: list[AuditRow] = []
    for account in accounts:
        wanted = planned[account.account_id]
        rows.extend(
            _account_rows(
                account,
                wanted.policy,
                {shape.region: shape for shape in coverage_shapes(coverage, wanted)},
                states.get(account.account_id),
                failures.get(account.account_id),
                thresholds,
                now,
                index,
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
    shapes: Mapping[str, RegionShape],
    state: AccountState | None,
    failure: str | None,
    thresholds: Thresholds,
    now: datetime,
    index: CentralIndex,
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
    covered = [region for region in state.regions if region.covered]
    tag = TagCondition(policy.selection_tag_key, policy.selection_tag_value)
    live = account.model_copy(update={"regions": [_as_manifest(region, tag) for region in covered]})
    drift = {
        region.region: (
            *_drift(account, region, shapes[region.region], policy.backup_role_name, state.role),
            *_framework_findings(account, region, shapes[region.region], thresholds),
        )
        for region in covered
    }
    rows = [
        _audit_row(row, drift.get(row.region or "", ()))
        for row in account_rows(live, thresholds, central=index)
    ]
    return rows + _file_system_rows(account, policy, state, now, thresholds)


def _framework_findings(
    account: Account, region: RegionState, shape: RegionShape, thresholds: Thresholds
) -> Iterator[Finding]:
    """The policy's frameworks judged as `--require-frameworks` would, when that flag is off
    (with it on, the report's own checks see the live framework)."""
    wanted = shape.framework is not None and not thresholds.require_frameworks
    where = f"{subject(account, region.region)}: "
    for kind, sentence in framework_findings(region, wanted):
        yield Finding(kind, where + sentence)


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
    """The restore tests of the file systems of covered regions, when asked for."""
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
    efs = file_system_subject(file_system.arn)
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
    for kind, sentence in duplicate_findings(region, file_system, policy):
        yield Finding(kind, where + sentence)
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


def _as_manifest(region: RegionState, tag: TagCondition) -> Region:
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
            tag=_tag(selection, tag),
        )
        if selection
        else None,
        framework=live_framework(region),
    )


def _lock(vault: VaultState) -> Lock | None:
    if not vault.locked:
        return None
    low, high = limits.retention_range(vault.min_retention_days, vault.max_retention_days)
    return Lock(
        min_retention_days=low,
        max_retention_days=high,
        mode="compliance" if vault.lock_date else "governance",
    )


def _tag(selection: SelectionState, wanted: TagCondition) -> Tag | None:
    """The selection's tag condition: the one on the wanted key if any, else the first."""
    tags = [
        Tag(key=condition.key.removeprefix(TAG_CONDITION_PREFIX), value=condition.value)
        for condition in selection.conditions
        if condition.operator == "StringEquals" and condition.key.startswith(TAG_CONDITION_PREFIX)
    ]
    preferred = [tag for tag in tags if tag.key == wanted.key]
    return (preferred or tags or [None])[0]


def _drift(
    account: Account,
    region: RegionState,
    shape: RegionShape,
    backup_role_name: str,
    role: RoleState | None,
) -> Iterator[Finding]:
    """What differs from the region's backup shape, beyond what the report's checks already see."""
    where = f"{subject(account, region.region)}: "
    findings = [
        *_role_findings(backup_role_name, role),
        *_vault_drift(region.vault, shape.vault),
        *((kinds.PLAN_DRIFT, text) for text in _plan_drift(region.plan, shape)),
        *(
            (kinds.SELECTION_DRIFT, text)
            for text in _selection_drift(region.selection, shape.selection, role)
        ),
        *((kinds.PLAN_DRIFT, text) for text in _copy_drift(region.plan, shape.plan)),
    ]
    return (Finding(kind, where + text) for kind, text in findings)


def _role_findings(backup_role_name: str, role: RoleState | None) -> Iterator[tuple[str, str]]:
    if role is None:
        yield (
            kinds.BACKUP_ROLE_UNUSABLE,
            f"IAM role {backup_role_name}, which AWS Backup assumes to run the backups,"
            " does not exist, so every backup job fails.",
        )
    elif not role.trusts_backup:
        yield (
            kinds.BACKUP_ROLE_UNUSABLE,
            f"IAM role {role.name} does not trust backup.amazonaws.com, so AWS Backup cannot"
            " assume it and every backup job fails.",
        )


def _vault_drift(vault: VaultState | None, wanted: VaultShape) -> Iterator[tuple[str, str]]:
    if vault is None:
        return
    expected = wanted.lock
    if expected is not None:
        enforced = limits.retention_range(vault.min_retention_days, vault.max_retention_days)
        range_wanted = f"{expected.min_retention_days}-{expected.max_retention_days} days"
        if not vault.locked:
            yield (
                kinds.VAULT_LOCK_MISSING,
                f"vault {vault.name} has no vault lock, but the policy locks it ({range_wanted}).",
            )
        elif enforced != (expected.min_retention_days, expected.max_retention_days):
            yield (
                kinds.VAULT_DRIFT,
                f"vault {vault.name}'s lock enforces {enforced[0]}-{enforced[1]} days, but the"
                f" policy says {range_wanted}.",
            )
        elif expected.mode == "compliance" and vault.lock_date is None:
            yield (
                kinds.VAULT_DRIFT,
                f"vault {vault.name}'s lock is in governance mode, so it can still be removed;"
                " the policy asks for compliance mode.",
            )
    # AWS reports the key's ARN; an alias in the policy cannot be compared without KMS.
    key = wanted.kms_key_arn
    if key is not None and vault.kms_key_arn != key:
        yield (
            kinds.VAULT_DRIFT,
            f"vault {vault.name} is encrypted with {vault.kms_key_arn or 'the default key'},"
            f" but the policy says {key}.",
        )


# The fields of a rule compared with the policy, as the sentences name them; a live rule
# (`RuleState`) and a wanted one (`RuleShape`) call them alike.
_RULE_FIELDS = (
    ("schedule", "schedule"),
    ("time zone", "schedule_timezone"),
    ("start window", "start_window_minutes"),
    ("completion window", "completion_window_minutes"),
    ("delete after days", "delete_after_days"),
    ("cold storage after days", "cold_storage_after_days"),
)


def _plan_drift(plan: PlanState | None, shape: RegionShape) -> Iterator[str]:
    if plan is None:
        return
    live_rules = {rule.name: rule for rule in plan.rules}
    for wanted in shape.plan.rules:
        rule = live_rules.get(wanted.name)
        if rule is None:
            names = ", ".join(rule.name for rule in plan.rules) or "none"
            yield f"backup plan {plan.name} has no rule {wanted.name} (its rules: {names})."
            continue
        expected: Sequence[tuple[str, object, object]] = (
            ("target vault", rule.target_vault, shape.vault.name),
            *((what, getattr(rule, field), getattr(wanted, field)) for what, field in _RULE_FIELDS),
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


def _copy_drift(plan: PlanState | None, wanted: PlanShape) -> Iterator[str]:
    """Each rule's copy actions as the policy wants them (none without a central account)."""
    if plan is None:
        return
    live = {rule.name: rule for rule in plan.rules}
    for rule in wanted.rules:
        found = live.get(rule.name)
        if found is None:
            continue  # _plan_drift already says the rule is missing
        copies = [
            (t.destination_vault_arn, t.delete_after_days, t.cold_storage_after_days)
            for t in rule.copy_actions
        ]
        actual = [
            (a.destination_vault_arn, a.delete_after_days, a.cold_storage_after_days)
            for a in found.copy_actions
        ]
        if sorted(copies, key=str) != sorted(actual, key=str):
            yield (
                f"backup plan {plan.name} rule {rule.name} copies to"
                f" {_copies(actual)}, but the policy says {_copies(copies)}."
            )


def _copies(actions: Sequence[tuple[str, int | None, int | None]]) -> str:
    if not actions:
        return "nowhere"
    return ", ".join(
        f"{arn} (kept {'forever' if days is None else f'{days} days'})" for arn, days, _ in actions
    )


def _selection_drift(
    selection: SelectionState | None, wanted: SelectionShape, role: RoleState | None
) -> Iterator[str]:
    if selection is None:
        return
    name = f"selection {selection.name}"
    wanted_tag = f"{wanted.tag.key}={wanted.tag.value}"
    tag = _tag(selection, wanted.tag)
    others = [
        condition
        for condition in selection.conditions
        if tag is None
        or (condition.operator, condition.key, condition.value)
        != ("StringEquals", TAG_CONDITION_PREFIX + tag.key, tag.value)
    ]
    if tag is not None and (tag.key, tag.value) != (wanted.tag.key, wanted.tag.value):
        yield (
            f"{name} picks file systems tagged {tag.key}={tag.value}, but the policy says"
            f" {wanted_tag}."
        )
    if others:
        yield (
            f"{name} has further conditions ({_conditions(others)}), which can leave file"
            f" systems tagged {wanted_tag} out."
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
