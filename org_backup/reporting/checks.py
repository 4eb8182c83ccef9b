"""The compliance checks: merged inputs and the user's thresholds in, rows and a summary out.

Pure: no files, no AWS. Each finding is a full sentence naming the account and region, so a
row can be read on its own in any format.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Sequence

from org_backup.config.limits import partition_of_region
from org_backup.coverage.model import POLICY_SKIP_REASONS
from org_backup.manifest import Account, Lock, Plan, Region, Rule, Selection, Vault, efs_resources
from org_backup.reporting.inputs import Inputs
from org_backup.reporting.model import Report, ReportRow, Status, Summary, Thresholds
from org_backup.reporting.schedule import longest_gap_hours


def subject(account: Account, region: str | None = None) -> str:
    """How every finding (report's and audit's) names its account, and region if any."""
    where = f" {region}" if region else ""
    return f"Account {account.account_id} ({account.name}){where}"


def build_report(inputs: Inputs, thresholds: Thresholds) -> Report:
    """Every row, in a stable order (inputs first, then by account id and region), and the summary."""
    rows: list[ReportRow] = []
    if inputs.findings:
        rows.append(ReportRow(None, None, None, None, "NON_COMPLIANT", findings=inputs.findings))
    for account in inputs.accounts:
        rows.extend(account_rows(account, thresholds))
    return Report(summary(inputs, thresholds, rows), tuple(rows))


def account_rows(account: Account, thresholds: Thresholds) -> list[ReportRow]:
    """One row per region of a covered account (required ones included), one if it is skipped."""
    if account.status == "skipped":
        return [_skipped_row(account)]
    present = {region.region for region in account.regions}
    rows = [region_row(account, region, thresholds) for region in account.regions]
    rows.extend(
        _missing_region_row(account, name, present)
        for name in thresholds.required_regions
        if name not in present
    )
    if not rows:
        finding = f"{subject(account)}: covered, but no region is listed, so nothing is backed up."
        rows.append(_bare_row(account, None, (finding,)))
    return sorted(rows, key=lambda row: row.region or "")


def region_row(account: Account, region: Region, thresholds: Thresholds) -> ReportRow:
    """One covered account-region: what is deployed, and every check's findings."""
    partition = partition_of_region(region.region)
    vault, plan, selection = region.vault, region.plan, region.selection
    rules = plan.rules if plan else []
    where = f"{subject(account, region.region)}: "
    findings = (
        *(sentence for _kind, sentence in degraded_findings(account)),
        *_vault_findings(vault, thresholds),
        *_plan_findings(plan, thresholds),
        *_selection_findings(selection, partition),
    )
    return ReportRow(
        account.account_id,
        account.name,
        account.ou_path,
        region.region,
        "NON_COMPLIANT" if findings else "COMPLIANT",
        findings=tuple(where + finding for finding in findings),
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
    )


def degraded_findings(account: Account) -> Iterator[tuple[str, str]]:
    """Safety: an account kept covered from the previous state because its lookup failed.

    What is deployed there was not checked in this run, so none of its regions is compliant.
    """
    if account.degraded:
        yield (
            "degraded",
            "kept from the previous state without being checked in this run, because"
            f" {account.degraded}.",
        )


def describe_lock(lock: Lock) -> str:
    """E.g. "compliance 7-3650 days": the mode and the retention range it enforces."""
    return f"{lock.mode} {lock.min_retention_days}-{lock.max_retention_days} days"


def describe_selection(selection: Selection, partition: str) -> str:
    """What the selection backs up, in words, e.g. "EFS file systems tagged Name=AIFilesystem"."""
    efs = efs_resources(partition)[0]
    kinds = [
        "EFS file systems" if arn == efs else "all resources" if arn == "*" else arn
        for arn in selection.resources
    ] or ["all resources"]
    tag = f" tagged {selection.tag.key}={selection.tag.value}" if selection.tag else ""
    return " or ".join(kinds) + tag


def _vault_findings(vault: Vault | None, thresholds: Thresholds) -> Iterator[str]:
    if vault is None:
        yield "no backup vault, so recovery points have nowhere to be stored."
    elif thresholds.require_vault_lock and vault.lock is None:
        yield f"vault {vault.name} has no vault lock, and --require-vault-lock is set."


def _plan_findings(plan: Plan | None, thresholds: Thresholds) -> Iterator[str]:
    if plan is None:
        yield "no backup plan, so nothing is backed up."
        return
    if not plan.rules:
        yield f"backup plan {plan.name} has no rules, so nothing is backed up."
        return
    minimum = thresholds.min_retention_days
    for rule in plan.rules:
        if minimum is not None and rule.delete_after_days < minimum:
            which = f" (rule {rule.name})" if len(plan.rules) > 1 else ""
            yield (
                f"retention {rule.delete_after_days} days{which} is below the required {minimum}."
            )
    if thresholds.max_interval_hours is not None:
        yield from _schedule_findings(plan.rules, thresholds.max_interval_hours)


def _schedule_findings(rules: Sequence[Rule], allowed: float) -> Iterator[str]:
    """Several rules together run at least as often as the most frequent one: a safe estimate."""
    gaps: list[float] = []
    for rule in rules:
        try:
            gaps.append(longest_gap_hours(rule.schedule))
        except ValueError as error:
            yield (
                f"schedule {rule.schedule} {error}, so it cannot be checked against"
                f" --max-interval-hours {_number(allowed)}."
            )
    if not gaps or min(gaps) <= allowed:
        return
    schedules = " | ".join(rule.schedule for rule in rules)
    if math.isinf(min(gaps)):
        yield (
            f"schedule {schedules} does not keep recurring (a year field ends it, or its dates"
            f" never occur), so it does not back up at least every {_number(allowed)} hours."
        )
    else:
        yield (
            f"schedule {schedules} leaves up to {_number(min(gaps))} hours between backups,"
            f" more than the allowed {_number(allowed)}."
        )


def _selection_findings(selection: Selection | None, partition: str) -> Iterator[str]:
    if selection is None:
        yield "no backup selection, so the plan backs up nothing."
        return
    efs = efs_resources(partition)
    if selection.resources != efs:
        yield (
            f"selection {selection.name} picks {describe_selection(selection, partition)},"
            f" but it must pick EFS file systems only: resources exactly {efs[0]}."
        )
    if selection.tag is None:
        yield (
            f"selection {selection.name} has no tag condition, so it backs up every EFS file"
            " system instead of only the tagged ones."
        )


def _skipped_row(account: Account) -> ReportRow:
    """Skipped by policy: SKIPPED, no finding. Skipped by a failure: a finding saying which."""
    reason = account.skip_reason
    if reason in POLICY_SKIP_REASONS:
        return _bare_row(account, None, ())
    because = f"because {reason}" if reason else "with no reason given"
    finding = f"{subject(account)}: skipped {because}, so it has no backups."
    return _bare_row(account, None, (finding,))


def _missing_region_row(account: Account, region: str, present: set[str]) -> ReportRow:
    where = f"in {', '.join(sorted(present))} only" if present else "in no region"
    finding = (
        f"{subject(account, region)}: required region has no backups"
        f" (the account is covered {where})."
    )
    return _bare_row(account, region, (finding,))


def _bare_row(account: Account, region: str | None, findings: tuple[str, ...]) -> ReportRow:
    """A row with nothing deployed to show: NON_COMPLIANT with findings, else SKIPPED."""
    status: Status = "NON_COMPLIANT" if findings else "SKIPPED"
    return ReportRow(
        account.account_id, account.name, account.ou_path, region, status, findings=findings
    )


def summary(inputs: Inputs, thresholds: Thresholds, rows: Sequence[ReportRow]) -> Summary:
    """Counts over the rows; the rows with no account (the inputs' findings) count only as findings."""
    statuses = Counter(row.status for row in rows if row.account_id is not None)
    compliant, non_compliant = statuses["COMPLIANT"], statuses["NON_COMPLIANT"]
    judged = compliant + non_compliant
    skipped = [account for account in inputs.accounts if account.status == "skipped"]
    finding_count = sum(len(row.findings) for row in rows)
    return Summary(
        status="NON_COMPLIANT" if finding_count else "COMPLIANT",
        inputs=inputs.sources,
        organizations=inputs.organization_ids,
        accounts_covered=len(inputs.accounts) - len(skipped),
        accounts_skipped=len(skipped),
        account_regions_compliant=compliant,
        account_regions_non_compliant=non_compliant,
        compliant_percent=round(100 * compliant / judged, 1) if judged else None,
        finding_count=finding_count,
        skipped_by_reason=dict(
            sorted(Counter(account.skip_reason or "no reason given" for account in skipped).items())
        ),
        thresholds=thresholds,
        findings=inputs.findings,
    )


def _number(value: float) -> str:
    """Hours as people write them: 24, 6.5."""
    return f"{value:.2f}".rstrip("0").rstrip(".")
