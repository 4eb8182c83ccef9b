"""Guardrails in a report: the `guardrails` column of every account-region (what
`--require-guardrails` checks is in `region_checks`). Pure.

Unguarded is shown, not judged: guardrails are opt-in (`guardrails_enabled`), so a report
without `--require-guardrails` says which account-regions are unguarded in a column and a
summary count, and stays compliant; with the flag, each is a finding.
"""

from __future__ import annotations

from org_backup.manifest.model import Region

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
