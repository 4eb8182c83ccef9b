"""Copies out of the account in a report: the central vaults the inputs name, and where each
account-region's rules copy to (the `copy_to` column, and what `--require-copy` and
`--require-air-gapped` check, in `region_checks`). Pure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from org_backup.manifest.model import Central, Region


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


def account_of(arn: str) -> str:
    """The account id of an ARN (empty when it names none)."""
    parts = arn.split(":")
    return parts[4] if len(parts) > 4 else ""
