"""The compliance report: merged inputs and the user's thresholds in, rows and a summary out.

Pure: no files, no AWS (the clock only when no time is given). Each finding has a kind (see
`kinds`) and a full sentence naming the account and region, so a row can be read on its own in
any format. The checks of one account-region are `kinds.REGION_KINDS`, run in their order;
the account's own (skipped by failure, no region, a required region missing) are here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from org_backup.manifest.model import Account, Lock, Region
from org_backup.manifest.skip_reasons import POLICY_SKIP_REASONS
from org_backup.reporting import kinds
from org_backup.reporting.copies import NO_CENTRAL, CentralIndex, copy_to
from org_backup.reporting.guardrails import UNGUARDED, describe_guardrails
from org_backup.reporting.inputs import Inputs
from org_backup.reporting.kinds import Thresholds
from org_backup.reporting.model import (
    AccountEntry,
    Finding,
    Report,
    ReportRow,
    Status,
    Summary,
)
from org_backup.reporting.provenance import report_time
from org_backup.reporting.region_checks import Place, describe_selection


def subject(account: Account, region: str | None = None) -> str:
    """How every finding (report's and audit's) names its account, and region if any."""
    return subject_of(account.account_id, account.name, region)


def subject_of(account_id: str | None, name: str | None, region: str | None = None) -> str:
    """`subject` from a row's cells: what a finding starts with, followed by ": "."""
    where = f" {region}" if region else ""
    return f"Account {account_id} ({name}){where}"


def file_system_subject(arn: str) -> str:
    """How an audit finding names its file system, after the account and region."""
    return f"EFS file system {arn}"


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
    rows = [
        region_row(account, region, thresholds, synthesized, central) for region in account.regions
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
    central: CentralIndex = NO_CENTRAL,
) -> ReportRow:
    """One covered account-region: what is deployed, and every region check's findings."""
    place = Place(account, region, synthesized, central)
    vault, plan, selection = region.vault, region.plan, region.selection
    rules = place.rules
    where = f"{subject(account, region.region)}: "
    findings = tuple(
        Finding(kind.label, where + sentence)
        for kind in kinds.REGION_KINDS
        for sentence in kind.findings(place, thresholds)
    )
    return ReportRow(
        account.account_id,
        account.name,
        account.ou_path,
        region.region,
        "NON_COMPLIANT" if findings else "COMPLIANT",
        findings=findings,
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
        selection=describe_selection(selection, place.partition) if selection else None,
        copy_to=copy_to(region),
        guardrails=describe_guardrails(region),
    )


def describe_lock(lock: Lock) -> str:
    """E.g. "compliance 7-3650 days": the mode and the retention range it enforces."""
    return f"{lock.mode} {lock.min_retention_days}-{lock.max_retention_days} days"


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
