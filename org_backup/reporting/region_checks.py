"""The checks of one covered account-region, each the check of one finding kind. Pure.

A check takes the `Place` and, when its kind has flags (`kinds.KINDS`), their values, and yields
sentences: each completes "Account ... region: " and becomes a finding of its kind. It runs only
when one of its flags is on, so it need not test its own switch; `kinds.KINDS` lists them in the
order their findings appear in a row.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from org_backup.aws_rules.arns import efs_file_systems
from org_backup.aws_rules.partitions import partition_of_region
from org_backup.aws_rules.schedule import longest_gap_hours
from org_backup.manifest.model import Account, Framework, Region, Rule, Selection
from org_backup.reporting.copies import CentralIndex, account_of, destinations

Sentences = Iterator[str]


@dataclass(frozen=True, slots=True)
class Place:
    """One covered account-region as its checks see it.

    `synthesized`: None judges the policy alone (a plan, or a live view); False also requires
    deployed ids; True (a synth output) makes the region `not deployed`.
    """

    account: Account
    region: Region
    synthesized: bool | None
    central: CentralIndex

    @property
    def partition(self) -> str:
        return partition_of_region(self.region.region)

    @property
    def rules(self) -> list[Rule]:
        return self.region.plan.rules if self.region.plan else []


def degraded(place: Place) -> Sentences:
    """An account kept from the previous state because its lookup failed in this run."""
    reason = place.account.degraded
    if reason:
        yield (
            f"degraded: {str(reason).rstrip('.')}; its resources were kept as they were, but"
            " this run could not check or update them."
        )


def not_deployed(place: Place) -> Sentences:
    """Only what a deployment shows counts: ids in a stack output, never a synth or a plan."""
    if place.synthesized is None:
        return
    if place.synthesized:
        yield (
            "not deployed: the input is a synth output (mock engine ids), not a deployment;"
            " judge a plan with --planned."
        )
        return
    region = place.region
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
            f"not deployed: the {', '.join(missing)} {'has' if len(missing) == 1 else 'have'}"
            " no deployed id (a discover --json plan?); judge a plan with --planned."
        )


def no_vault(place: Place) -> Sentences:
    if place.region.vault is None:
        yield "no backup vault, so recovery points have nowhere to be stored."


def vault_lock_missing(place: Place, _required: bool) -> Sentences:
    vault = place.region.vault
    if vault is not None and vault.lock is None:
        yield f"vault {vault.name} has no vault lock, and --require-vault-lock is set."


def no_plan(place: Place) -> Sentences:
    if place.region.plan is None:
        yield "no backup plan, so nothing is backed up."


def no_rules(place: Place) -> Sentences:
    plan = place.region.plan
    if plan is not None and not plan.rules:
        yield f"backup plan {plan.name} has no rules, so nothing is backed up."


def retention_below_minimum(place: Place, minimum: int) -> Sentences:
    rules = place.rules
    for rule in rules:
        if rule.delete_after_days < minimum:
            which = f" (rule {rule.name})" if len(rules) > 1 else ""
            yield f"retention {rule.delete_after_days} days{which} is below the required {minimum}."


def schedule_unreadable(place: Place, allowed: float) -> Sentences:
    for rule in place.rules:
        try:
            longest_gap_hours(rule.schedule)
        except ValueError as error:
            yield (
                f"schedule {rule.schedule} {error}, so it cannot be checked against"
                f" --max-interval-hours {_number(allowed)}."
            )


def schedule_interval_too_long(place: Place, allowed: float) -> Sentences:
    """Several rules together run at least as often as the most frequent one: a safe estimate."""
    rules = place.rules
    gaps = []
    for rule in rules:
        try:
            gaps.append(longest_gap_hours(rule.schedule))
        except ValueError:
            continue  # schedule_unreadable says so
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


def no_selection(place: Place) -> Sentences:
    if place.region.selection is None:
        yield "no backup selection, so the plan backs up nothing."


def selection_not_efs_only(place: Place) -> Sentences:
    selection, partition = place.region.selection, place.partition
    efs = efs_file_systems(partition)
    if selection is not None and selection.resources != efs:
        yield (
            f"selection {selection.name} picks {describe_selection(selection, partition)},"
            f" but it must pick EFS file systems only: resources exactly {efs[0]}."
        )


def selection_without_tag(place: Place) -> Sentences:
    selection = place.region.selection
    if selection is not None and selection.tag is None:
        yield (
            f"selection {selection.name} has no tag condition, so it backs up every EFS file"
            " system instead of only the tagged ones."
        )


def no_alerts(place: Place, _required: bool) -> Sentences:
    if place.region.alerts is None:
        yield (
            "no rule forwards failed backup, copy and restore jobs to the central alerts bus,"
            " and --require-alerts is set: a failure here is seen only in this account's console."
        )


def no_restore_testing(place: Place, _required: bool) -> Sentences:
    if place.region.restore_testing is None:
        yield (
            "no restore testing plan, and --require-restore-testing is set: its recovery points"
            " are never restored to prove they work."
        )


def no_copy(place: Place, require_copy: bool, require_air_gapped: bool) -> Sentences:
    """The central account's own account-regions are exempt: their backups are the copies."""
    if _exempt_from_copies(place) or _copies_elsewhere(place):
        return
    flags = " and ".join(
        flag
        for flag, on in (
            ("--require-copy", require_copy),
            ("--require-air-gapped", require_air_gapped),
        )
        if on
    )
    yield (
        f"no rule copies its recovery points to another account ({flags} is set), so"
        " whoever controls this account controls its only backups."
    )


def copy_not_air_gapped(place: Place, _required: bool) -> Sentences:
    if _exempt_from_copies(place):
        return
    for arn in _copies_elsewhere(place):
        kind = place.central.kind_of(arn)
        if kind != "air-gapped":
            what = f"a {kind} vault" if kind else "a vault no input names as air-gapped"
            yield f"copies go to {arn}, {what}, and --require-air-gapped is set."


def guardrails_missing(place: Place, _required: bool) -> Sentences:
    guards = place.region.guardrails
    missing = [
        what
        for what, present in (
            ("a vault access policy", guards is not None and guards.vault_policy),
            ("an organization SCP", guards is not None and guards.scp),
        )
        if not present
    ]
    if missing:
        yield (
            f"no {' and no '.join(what.split(' ', 1)[1] for what in missing)} guards its"
            " backups, and --require-guardrails is set: whoever administers this account can"
            " delete its recovery points (set guardrails_enabled; the management account"
            " cannot be guarded)."
        )


def no_framework(place: Place, _required: bool) -> Sentences:
    framework = place.region.framework
    if framework is None:
        yield (
            "no Backup Audit Manager framework evaluates its backups, and --require-frameworks"
            " is set (set audit_frameworks_enabled)."
        )
        return
    yield from framework_failures(framework)


def framework_failures(framework: Framework) -> Sentences:
    """A framework AWS reports as not deployed: `pulumi up` succeeds even then."""
    if framework.deployment_status == "FAILED":
        yield (
            f"Backup Audit Manager framework {framework.name} failed to deploy (deployment"
            " status FAILED), so none of its controls evaluate."
        )


def config_not_recording(place: Place, _required: bool) -> Sentences:
    framework = place.region.framework
    if framework is not None:
        yield from config_gaps(framework, place.synthesized)


def config_gaps(framework: Framework, synthesized: bool | None) -> Sentences:
    """What keeps AWS Config from evaluating the framework's controls; a manifest that did not
    look (`config` null) is no evidence either, except when a plan is judged (`--planned`)."""
    config = framework.config
    needed = ", ".join(framework.recorded_types)
    if config is None:
        if synthesized is not None:
            yield (
                f"whether AWS Config records what framework {framework.name} needs ({needed})"
                " was not checked (set check_config_recording, or run audit)."
            )
        return
    if config.error:
        yield (
            f"whether AWS Config records what framework {framework.name} needs could not be"
            f" checked: {config.error.rstrip('.')}."
        )
    elif config.problem:
        yield (
            f"AWS Config cannot evaluate Backup Audit Manager framework {framework.name}:"
            f" {config.problem} (its controls need {needed})."
        )


def describe_selection(selection: Selection, partition: str) -> str:
    """What the selection backs up, in words, e.g. "EFS file systems tagged Name=AIFilesystem"."""
    efs = efs_file_systems(partition)[0]
    picked = [
        "EFS file systems" if arn == efs else "all resources" if arn == "*" else arn
        for arn in selection.resources
    ] or ["all resources"]
    tag = f" tagged {selection.tag.key}={selection.tag.value}" if selection.tag else ""
    return " or ".join(picked) + tag


def _exempt_from_copies(place: Place) -> bool:
    return place.account.account_id in place.central.account_ids


def _copies_elsewhere(place: Place) -> list[str]:
    """The vaults in other accounts that the region's rules copy to."""
    own = place.account.account_id
    return [arn for arn in destinations(place.region) if account_of(arn) != own]


def _number(value: float) -> str:
    """Hours as people write them: 24, 6.5."""
    return f"{value:.2f}".rstrip("0").rstrip(".")
