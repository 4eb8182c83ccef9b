"""The compliance checks: merged inputs and the user's thresholds in, rows and a summary out.

Pure: no files, no AWS (the clock only when no time is given). Each finding has a kind (see
`kinds`) and a full sentence naming the account and region, so a row can be read on its own in
any format. A check is a generator of (kind, sentence) pairs; `region_row` adds the subject.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Sequence

from org_backup.aws_rules.arns import efs_file_systems
from org_backup.aws_rules.partitions import partition_of_region
from org_backup.aws_rules.schedule import longest_gap_hours
from org_backup.manifest.model import (
    Account,
    Lock,
    Plan,
    Region,
    Rule,
    Selection,
    Vault,
)
from org_backup.manifest.skip_reasons import POLICY_SKIP_REASONS
from org_backup.reporting import kinds
from org_backup.reporting.alerting_checks import alerting_findings
from org_backup.reporting.copies import NO_CENTRAL, CentralIndex, copy_findings, copy_to
from org_backup.reporting.guardrails import UNGUARDED, describe_guardrails, guardrail_findings
from org_backup.reporting.inputs import Inputs
from org_backup.reporting.model import (
    AccountEntry,
    Finding,
    Report,
    ReportRow,
    Status,
    Summary,
    Thresholds,
)
from org_backup.reporting.provenance import report_time


def subject(account: Account, region: str | None = None) -> str:
    """How every finding (report's and audit's) names its account, and region if any."""
    where = f" {region}" if region else ""
    return f"Account {account.account_id} ({account.name}){where}"


def build_report(
    inputs: Inputs, thresholds: Thresholds, *, planned: bool = False, generated_at: str = ""
) -> Report:
    """Every row, in a stable order (inputs first, then by account id and region), and the summary.

    Without `planned`, what the inputs do not show as deployed is a `not deployed` finding;
    with it, a plan (`discover --json`, `synth`) is judged on its policy alone.
    """
    rows: list[ReportRow] = []
    if inputs.findings:
        rows.append(ReportRow(None, None, None, None, "NON_COMPLIANT", findings=inputs.findings))
    for account in inputs.accounts:
        synthesized = None if planned else account.account_id in inputs.synthesized
        rows.extend(account_rows(account, thresholds, synthesized, inputs.central))
    unguarded = sum(1 for row in rows if row.guardrails == UNGUARDED)
    return Report(
        summary(
            inputs,
            thresholds,
            rows,
            generated_at=generated_at,
            planned=planned,
            unguarded=unguarded,
        ),
        tuple(rows),
        account_entries(inputs.accounts),
    )


def account_entries(accounts: Sequence[Account]) -> tuple[AccountEntry, ...]:
    """Each account's coverage, for `--since` to compare (rows alone cannot tell it)."""
    return tuple(
        AccountEntry(
            account.account_id,
            account.name,
            account.ou_path,
            account.status == "covered",
            account.skip_reason,
        )
        for account in accounts
    )


def account_rows(
    account: Account,
    thresholds: Thresholds,
    synthesized: bool | None = None,
    central: CentralIndex = NO_CENTRAL,
) -> list[ReportRow]:
    """One row per region of a covered account (required ones included), one if it is skipped.

    `synthesized`: None judges the policy alone (a plan, or a live view); False also requires
    deployed ids; True (a synth output) makes every region `not deployed`.
    """
    if account.status == "skipped":
        return [_skipped_row(account)]
    present = {region.region for region in account.regions}
    degraded = tuple(_degraded_findings(account))
    rows = [
        region_row(account, region, thresholds, synthesized, degraded, central)
        for region in account.regions
    ]
    rows.extend(
        _missing_region_row(account, name, present)
        for name in thresholds.required_regions
        if name not in present
    )
    if not rows:
        finding = f"{subject(account)}: covered, but no region is listed, so nothing is backed up."
        rows.append(_bare_row(account, None, (Finding(kinds.NO_REGION, finding),)))
    return sorted(rows, key=lambda row: row.region or "")


def region_row(
    account: Account,
    region: Region,
    thresholds: Thresholds,
    synthesized: bool | None = None,
    degraded: Sequence[tuple[str, str]] = (),
    central: CentralIndex = NO_CENTRAL,
) -> ReportRow:
    """One covered account-region: what is deployed, and every check's findings (`degraded`:
    the account's own, found once for all its regions)."""
    partition = partition_of_region(region.region)
    vault, plan, selection = region.vault, region.plan, region.selection
    rules = plan.rules if plan else []
    where = f"{subject(account, region.region)}: "
    findings = (
        *degraded,
        *_deployment_findings(region, synthesized),
        *_vault_findings(vault, thresholds),
        *_plan_findings(plan, thresholds),
        *_selection_findings(selection, partition),
        *alerting_findings(region, thresholds),
        *copy_findings(
            account.account_id,
            region,
            central,
            thresholds.require_copy,
            thresholds.require_air_gapped,
        ),
        *guardrail_findings(region, thresholds.require_guardrails),
    )
    return ReportRow(
        account.account_id,
        account.name,
        account.ou_path,
        region.region,
        "NON_COMPLIANT" if findings else "COMPLIANT",
        findings=tuple(Finding(kind, where + text) for kind, text in findings),
        vault_name=vault.name if vault else None,
        plan_id=plan.id if plan else None,
        plan_version=plan.version if plan else None,
        schedule=" | ".join(rule.schedule for rule in rules) or None,
        delete_after_days=min((rule.delete_after_days for rule in rules), default=None),
        cold_storage_after_days=min(
            (
                rule.cold_storage_after_days
                for rule in rules
                if rule.cold_storage_after_days is not None
            ),
            default=None,
        ),
        vault_lock=describe_lock(vault.lock) if vault and vault.lock else None,
        selection=describe_selection(selection, partition) if selection else None,
        copy_to=copy_to(region),
        guardrails=describe_guardrails(region),
    )


def describe_lock(lock: Lock) -> str:
    """E.g. "compliance 7-3650 days": the mode and the retention range it enforces."""
    return f"{lock.mode} {lock.min_retention_days}-{lock.max_retention_days} days"


def describe_selection(selection: Selection, partition: str) -> str:
    """What the selection backs up, in words, e.g. "EFS file systems tagged Name=AIFilesystem"."""
    efs = efs_file_systems(partition)[0]
    kinds = [
        "EFS file systems" if arn == efs else "all resources" if arn == "*" else arn
        for arn in selection.resources
    ] or ["all resources"]
    tag = f" tagged {selection.tag.key}={selection.tag.value}" if selection.tag else ""
    return " or ".join(kinds) + tag


Found = Iterator[tuple[str, str]]
"""What a check yields: (kind, the sentence after the account and region)."""


def _degraded_findings(account: Account) -> Found:
    """An account kept from the previous state because its lookup failed in this run."""
    reason = account.degraded
    if reason:
        yield (
            kinds.DEGRADED,
            f"degraded: {str(reason).rstrip('.')}; its resources were kept as they were, but"
            " this run could not check or update them.",
        )


def _deployment_findings(region: Region, synthesized: bool | None) -> Found:
    """Only what a deployment shows counts: ids in a stack output, never a synth or a plan."""
    if synthesized is None:
        return
    if synthesized:
        yield (
            kinds.NOT_DEPLOYED,
            "not deployed: the input is a synth output (mock engine ids), not a deployment;"
            " judge a plan with --planned.",
        )
        return
    missing = [
        name
        for name, part, deployed_id in (
            ("vault", region.vault, region.vault.arn if region.vault else None),
            ("plan", region.plan, region.plan.id if region.plan else None),
            ("selection", region.selection, region.selection.id if region.selection else None),
        )
        if part is not None and not deployed_id
    ]
    if missing:
        yield (
            kinds.NOT_DEPLOYED,
            f"not deployed: the {', '.join(missing)} {'has' if len(missing) == 1 else 'have'}"
            " no deployed id (a discover --json plan?); judge a plan with --planned.",
        )


def _vault_findings(vault: Vault | None, thresholds: Thresholds) -> Found:
    if vault is None:
        yield kinds.NO_VAULT, "no backup vault, so recovery points have nowhere to be stored."
    elif thresholds.require_vault_lock and vault.lock is None:
        yield (
            kinds.VAULT_LOCK_MISSING,
            f"vault {vault.name} has no vault lock, and --require-vault-lock is set.",
        )


def _plan_findings(plan: Plan | None, thresholds: Thresholds) -> Found:
    if plan is None:
        yield kinds.NO_PLAN, "no backup plan, so nothing is backed up."
        return
    if not plan.rules:
        yield kinds.NO_RULES, f"backup plan {plan.name} has no rules, so nothing is backed up."
        return
    minimum = thresholds.min_retention_days
    for rule in plan.rules:
        if minimum is not None and rule.delete_after_days < minimum:
            which = f" (rule {rule.name})" if len(plan.rules) > 1 else ""
            yield (
                kinds.RETENTION_BELOW_MINIMUM,
                f"retention {rule.delete_after_days} days{which} is below the required {minimum}.",
            )
    if thresholds.max_interval_hours is not None:
        yield from _schedule_findings(plan.rules, thresholds.max_interval_hours)


def _schedule_findings(rules: Sequence[Rule], allowed: float) -> Found:
    """Several rules together run at least as often as the most frequent one: a safe estimate."""
    gaps: list[float] = []
    for rule in rules:
        try:
            gaps.append(longest_gap_hours(rule.schedule))
        except ValueError as error:
            yield (
                kinds.SCHEDULE_UNREADABLE,
                f"schedule {rule.schedule} {error}, so it cannot be checked against"
                f" --max-interval-hours {_number(allowed)}.",
            )
    if not gaps or min(gaps) <= allowed:
        return
    schedules = " | ".join(rule.schedule for rule in rules)
    if math.isinf(min(gaps)):
        yield (
            kinds.SCHEDULE_INTERVAL_TOO_LONG,
            f"schedule {schedules} does not keep recurring (a year field ends it, or its dates"
            f" never occur), so it does not back up at least every {_number(allowed)} hours.",
        )
    else:
        yield (
            kinds.SCHEDULE_INTERVAL_TOO_LONG,
            f"schedule {schedules} leaves up to {_number(min(gaps))} hours between backups,"
            f" more than the allowed {_number(allowed)}.",
        )


def _selection_findings(selection: Selection | None, partition: str) -> Found:
    if selection is None:
        yield kinds.NO_SELECTION, "no backup selection, so the plan backs up nothing."
        return
    efs = efs_file_systems(partition)
    if selection.resources != efs:
        yield (
            kinds.SELECTION_NOT_EFS_ONLY,
            f"selection {selection.name} picks {describe_selection(selection, partition)},"
            f" but it must pick EFS file systems only: resources exactly {efs[0]}.",
        )
    if selection.tag is None:
        yield (
            kinds.SELECTION_WITHOUT_TAG,
            f"selection {selection.name} has no tag condition, so it backs up every EFS file"
            " system instead of only the tagged ones.",
        )


def _skipped_row(account: Account) -> ReportRow:
    """Skipped by policy: SKIPPED, no finding. Skipped by a failure: a finding saying which."""
    reason = account.skip_reason
    if reason in POLICY_SKIP_REASONS:
        return _bare_row(account, None, ())
    because = f"because {reason}" if reason else "with no reason given"
    finding = f"{subject(account)}: skipped {because}, so it has no backups."
    return _bare_row(account, None, (Finding(kinds.SKIPPED_BY_FAILURE, finding),))


def _missing_region_row(account: Account, region: str, present: set[str]) -> ReportRow:
    where = f"in {', '.join(sorted(present))} only" if present else "in no region"
    finding = (
        f"{subject(account, region)}: required region has no backups"
        f" (the account is covered {where})."
    )
    return _bare_row(account, region, (Finding(kinds.REQUIRED_REGION_MISSING, finding),))


def _bare_row(account: Account, region: str | None, findings: tuple[Finding, ...]) -> ReportRow:
    """A row with nothing deployed to show: NON_COMPLIANT with findings, else SKIPPED."""
    status: Status = "NON_COMPLIANT" if findings else "SKIPPED"
    return ReportRow(
        account.account_id, account.name, account.ou_path, region, status, findings=findings
    )


def summary(
    inputs: Inputs,
    thresholds: Thresholds,
    rows: Sequence[ReportRow],
    *,
    generated_at: str = "",
    planned: bool = False,
    unguarded: int | None = None,
) -> Summary:
    """Counts over the rows; the rows with no account (the inputs' findings) count only as findings.

    `generated_at` defaults to now (or SOURCE_DATE_EPOCH).
    """
    statuses = Counter(row.status for row in rows if row.account_id is not None)
    compliant, non_compliant = statuses["COMPLIANT"], statuses["NON_COMPLIANT"]
    judged = compliant + non_compliant
    skipped = [account for account in inputs.accounts if account.status == "skipped"]
    by_kind = Counter(finding.kind for row in rows for finding in row.findings)
    finding_count = sum(by_kind.values())
    return Summary(
        status="NON_COMPLIANT" if finding_count else "COMPLIANT",
        generated_at=generated_at or report_time(),
        inputs=inputs.sources,
        input_sha256=dict(inputs.input_sha256),
        organizations=inputs.organization_ids,
        accounts_covered=len(inputs.accounts) - len(skipped),
        accounts_skipped=len(skipped),
        account_regions_compliant=compliant,
        account_regions_non_compliant=non_compliant,
        compliant_percent=round(100 * compliant / judged, 1) if judged else None,
        finding_count=finding_count,
        findings_by_kind=dict(sorted(by_kind.items(), key=lambda item: (-item[1], item[0]))),
        skipped_by_reason=dict(
            sorted(Counter(account.skip_reason or "no reason given" for account in skipped).items())
        ),
        thresholds=thresholds,
        planned=planned,
        findings=inputs.findings,
        account_regions_unguarded=unguarded,
    )


def _number(value: float) -> str:
    """Hours as people write them: 24, 6.5."""
    return f"{value:.2f}".rstrip("0").rstrip(".")
