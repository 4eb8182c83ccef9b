"""Copies out of the account: what a report says about where recovery points are
copied, and the `--require-copy` / `--require-air-gapped` checks. Pure.

Checks are generators of (kind, sentence) pairs; the kinds are short stable labels for
`findings_by_kind`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from org_backup.manifest.model import Central, Region
from org_backup.reporting import kinds

NO_COPY = kinds.NO_COPY
NOT_AIR_GAPPED = kinds.NOT_AIR_GAPPED


@dataclass(frozen=True, slots=True)
class CentralIndex:
    """The central accounts and vaults named by the inputs' manifests (normally one)."""

    account_ids: frozenset[str] = frozenset()
    kinds: tuple[tuple[str, str], ...] = ()  # (vault ARN, kind)

    @classmethod
    def of(cls, centrals: Iterable[Central | None]) -> CentralIndex:
        present = [central for central in centrals if central is not None]
        return cls(
            account_ids=frozenset(central.account_id for central in present),
            kinds=tuple(
                (region.vault_arn, central.kind)
                for central in present
                for region in central.regions
                if region.vault_arn
            ),
        )

    def kind_of(self, vault_arn: str) -> str | None:
        return dict(self.kinds).get(vault_arn)


NO_CENTRAL = CentralIndex()


def destinations(region: Region) -> list[str]:
    """Every vault the region's rules copy to, in rule order, each once."""
    rules = region.plan.rules if region.plan else []
    return list(
        dict.fromkeys(
            action.destination_vault_arn for rule in rules for action in rule.copy_actions
        )
    )


def copy_to(region: Region) -> str | None:
    """The `copy_to` cell: the destination vault ARNs, or None when nothing is copied."""
    return " | ".join(destinations(region)) or None


def copy_findings(
    account_id: str,
    region: Region,
    central: CentralIndex,
    require_copy: bool,
    require_air_gapped: bool,
) -> Iterator[tuple[str, str]]:
    """The central account's own account-regions are exempt: their backups are the copies."""
    if not (require_copy or require_air_gapped) or account_id in central.account_ids:
        return
    elsewhere = [arn for arn in destinations(region) if _account_of(arn) != account_id]
    if not elsewhere:
        flags = " and ".join(
            flag
            for flag, on in (
                ("--require-copy", require_copy),
                ("--require-air-gapped", require_air_gapped),
            )
            if on
        )
        yield (
            NO_COPY,
            f"no rule copies its recovery points to another account ({flags} is set), so"
            " whoever controls this account controls its only backups.",
        )
        return
    if require_air_gapped:
        for arn in elsewhere:
            kind = central.kind_of(arn)
            if kind != "air-gapped":
                what = f"a {kind} vault" if kind else "a vault no input names as air-gapped"
                yield (
                    NOT_AIR_GAPPED,
                    f"copies go to {arn}, {what}, and --require-air-gapped is set.",
                )


def _account_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[4] if len(parts) > 4 else ""
