"""Guardrails in a report: the `guardrails` column of every account-region and the
`--require-guardrails` check. Pure.

Unguarded is shown, not judged: guardrails are opt-in (`guardrails_enabled`), so a report
without `--require-guardrails` says which account-regions are unguarded in a column and a
summary count, and stays compliant; with the flag, each is a finding.
"""

from __future__ import annotations

from collections.abc import Iterator

from org_backup.manifest.model import Region
from org_backup.reporting import kinds

UNGUARDED = "unguarded"


def describe_guardrails(region: Region) -> str:
    """The `guardrails` cell, e.g. "vault policy, SCP org-backup-guardrails", or "unguarded"."""
    guards = region.guardrails
    if guards is None or not (guards.vault_policy or guards.scp):
        return UNGUARDED
    parts = (["vault policy"] if guards.vault_policy else []) + (
        [f"SCP {guards.scp}"] if guards.scp else []
    )
    return ", ".join(parts)


def guardrail_findings(region: Region, require: bool) -> Iterator[tuple[str, str]]:
    if not require:
        return
    guards = region.guardrails
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
            kinds.GUARDRAILS_MISSING,
            f"no {' and no '.join(what.split(' ', 1)[1] for what in missing)} guards its"
            " backups, and --require-guardrails is set: whoever administers this account can"
            " delete its recovery points (set guardrails_enabled; the management account"
            " cannot be guarded).",
        )
