"""Replacements predicted before `pulumi up`: which resources this run would replace, compared
with the previous state, so that a reviewer sees them before the engine does and no retained
vault or lock is replaced by surprise.

A resource is replaced when an input its provider marks ForceNew / RequiresReplace changes
(`Field.replace` in `org_backup.provider_rules`; `region` too). In Pulumi a replacement creates
the new resource and then deletes the old one, so:

- a retained resource (vaults, locks, the central vaults: never deleted) is not deleted but
  forgotten, and a vault whose name stays cannot be created again while the old one holds the
  name. Such a replacement stops the run (exit 2) with what would happen and the safe way to
  make the change; one that can succeed goes ahead only when `allow_replacements` names it;
- any other replacement (a plan, a selection, a rule) is a warning line, shown by `synth` and
  logged by `pulumi preview`/`up`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from org_backup.config.settings import ENV_PREFIX
from org_backup.coverage.model import Coverage
from org_backup.coverage.state.previous import PreviousState
from org_backup.coverage.state.recorded_inputs import (
    RecordedResource,
    Unresolved,
    planned_inputs,
    previous_inputs,
)
from org_backup.errors import InputError, Problem
from org_backup.manifest.reader import whole_numbers
from org_backup.provider_rules import RESOURCE_RULES
from org_backup.provider_rules.backup import AIR_GAPPED_VAULT, GLOBAL_SETTINGS, VAULT, VAULT_LOCK

SETTING = "allow_replacements"
# Registered with retain_on_delete: replacing them forgets the old resource instead of deleting it.
RETAINED_TYPES = frozenset({VAULT, VAULT_LOCK, AIR_GAPPED_VAULT, GLOBAL_SETTINGS})
# A vault's name is its identity in its account and region: a new one cannot reuse it.
VAULT_TYPES = frozenset({VAULT, AIR_GAPPED_VAULT})

# The settings behind each replacing input, by the resource's kind (the end of its logical name).
_SETTINGS = {
    ("vault", "name"): "vault_name",
    ("vault", "kmsKeyArn"): "vault_kms_key_arn",
    ("vault-lock", "backupVaultName"): "vault_name",
    ("vault-lock", "minRetentionDays"): "vault_lock_min_retention_days",
    ("vault-lock", "maxRetentionDays"): "vault_lock_max_retention_days",
    ("vault-lock", "changeableForDays"): "vault_lock_changeable_for_days",
    ("central-vault", "type"): "central_vault_kind",
    ("central-vault", "name"): "central_vault_name",
    ("central-vault", "minRetentionDays"): "central_vault_min_retention_days",
    ("central-vault", "maxRetentionDays"): "central_vault_max_retention_days",
    ("central-vault-lock", "backupVaultName"): "central_vault_name",
    ("central-vault-lock", "minRetentionDays"): "central_vault_min_retention_days",
    ("central-vault-lock", "maxRetentionDays"): "central_vault_max_retention_days",
    ("plan", "name"): "plan_name",
    ("selection", "name"): "selection_name",
    ("selection", "conditions"): "selection_tag_key / selection_tag_value",
    ("restore-testing-plan", "name"): "plan_name",
    ("restore-testing-selection", "name"): "selection_name",
    ("restore-testing-selection", "restoreTestingPlanName"): "plan_name",
    ("alerts-rule", "name"): "alerts_bus_name",
}
_KIND = re.compile(r"^\d{12}-[a-z]{2}(?:-[a-z]+)+-\d+-(.+)$")


@dataclass(frozen=True)
class Change:
    input: str
    before: Any
    after: Any


@dataclass(frozen=True)
class Replacement:
    """One resource this run would replace, and the inputs (or the type) that force it."""

    name: str
    type: str
    changes: tuple[Change, ...]

    @property
    def kind(self) -> str:
        match = _KIND.match(self.name)
        return match.group(1) if match else self.name

    @property
    def retained(self) -> bool:
        return self.type in RETAINED_TYPES or any(
            change.input == "type" and change.before in RETAINED_TYPES for change in self.changes
        )

    @property
    def collides(self) -> bool:
        """A vault replaced under the same name: the new one cannot be created."""
        return self.type in VAULT_TYPES and not any(c.input == "name" for c in self.changes)

    def settings(self) -> str:
        found = {_SETTINGS.get((self.kind, change.input), change.input) for change in self.changes}
        return ", ".join(sorted(found))

    def describe(self) -> str:
        return "; ".join(
            f"{change.input} {_shown(change.before)} -> {_shown(change.after)}"
            for change in self.changes
        )


def predict_replacements(
    before: Mapping[str, RecordedResource], after: Mapping[str, RecordedResource]
) -> list[Replacement]:
    """Every resource in both states whose type or a replacing input differs, by name.

    An input counts only when both states record it; a KMS alias not yet resolved is not
    compared (only KMS knows which key it names).
    """
    found = []
    for name in sorted(before.keys() & after.keys()):
        old, new = before[name], after[name]
        if old.type != new.type:
            # Another type under the same logical name: a new resource, and the old one gone.
            renamed = old.inputs.get("name") != new.inputs.get("name")
            changes = (Change("type", old.type, new.type),) + (
                (Change("name", old.inputs.get("name"), new.inputs.get("name")),) if renamed else ()
            )
            found.append(Replacement(name, new.type, changes))
            continue
        changes = tuple(
            Change(key, old.inputs[key], new.inputs[key])
            for key in RESOURCE_RULES[new.type].replacing_inputs()
            if key in old.inputs
            and key in new.inputs
            and not _unresolved(old.inputs[key], new.inputs[key])
            and _canonical(old.inputs[key]) != _canonical(new.inputs[key])
        )
        if changes:
            found.append(Replacement(name, new.type, changes))
    return found


def check_replacements(
    previous: PreviousState, coverage: Coverage, allowed: Sequence[str]
) -> list[str]:
    """The replacements this run would make, as warning lines; InputError (exit 2) for each one
    of a retained resource that cannot succeed or that `allowed` does not name."""
    found = predict_replacements(previous_inputs(previous), planned_inputs(coverage))
    problems, lines = [], []
    for replacement in found:
        if replacement.retained and (replacement.collides or replacement.name not in allowed):
            problems.append(_refusal(replacement, previous.source))
        elif replacement.retained:
            lines.append(
                f"replace (allowed by {SETTING}): resource {replacement.name}"
                f" ({replacement.type}): {replacement.describe()}. Pulumi creates the new one,"
                " then forgets the old one (retained)"
            )
        else:
            lines.append(
                f"replace: resource {replacement.name} ({replacement.type}):"
                f" {replacement.describe()}. Pulumi creates the new one, then deletes the old one"
            )
    if problems:
        raise InputError(problems)
    return lines


def _refusal(replacement: Replacement, source: str) -> Problem:
    env = f"{ENV_PREFIX}{SETTING.upper()}"
    allow = f"{env}='{json.dumps([replacement.name])}'"
    settings = replacement.settings()
    if replacement.collides:
        what = (
            f"would replace this retained vault (the provider forces a new one when"
            f" {', '.join(change.input for change in replacement.changes)} changes), and a new"
            " vault cannot take the name the old one keeps: the update would fail in that"
            " account-region. Safe ways: keep"
            f" {settings} as in {source}; or give the vault a new name as well"
            f" ({_SETTINGS[(replacement.kind, 'name')]}) and allow the replacement for one run"
            f" ({allow}): the new vault is created and the old one stays, with its recovery"
            " points, until they expire"
        )
    elif replacement.type == VAULT_LOCK:
        what = (
            "would replace this retained vault lock: Pulumi puts the new lock configuration on"
            " the vault and leaves the old one in place, which AWS accepts only while the lock"
            " can still change (governance mode, or compliance mode before its changeable date);"
            f" past that date the update fails. To go ahead, allow it for one run ({allow});"
            f" otherwise keep {settings} as in {source}"
        )
    else:
        what = (
            "would replace this retained resource: Pulumi creates the new one and forgets the old"
            " one, which stays in the account (with its recovery points, for a vault) and is no"
            f" longer managed by org-backup. To go ahead, allow it for one run ({allow});"
            f" otherwise keep {settings} as in {source}"
        )
    return Problem(
        f"resource {replacement.name} ({replacement.type})",
        settings,
        replacement.describe(),
        what,
    )


def _unresolved(*values: Any) -> bool:
    return any(isinstance(value, Unresolved) for value in values)


def _canonical(value: Any) -> str:
    """Equal values read from different sources compare equal: 7.0 is 7, key order aside."""
    return json.dumps(whole_numbers(value), sort_keys=True)


def _shown(value: Any) -> str:
    return "(unset)" if value is None else json.dumps(value)
