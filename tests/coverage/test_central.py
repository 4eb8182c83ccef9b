"""Who may restore from the air-gapped central vault: nobody by default, the recovery accounts a
setting names, or (explicitly) the whole organization; and a share that a run takes away is
said before it happens."""

from __future__ import annotations

import pytest

from org_backup.config.settings import load_settings
from org_backup.coverage.central import share_removals
from org_backup.errors import InputError
from org_backup.manifest.model import Central
from tests.support.plans import central

AIR_GAPPED = {
    "central_account_id": "555566667777",
    "central_mpa_enabled": "false",
    "central_delegated_administrator_enabled": "false",
    "central_vault_kind": "air-gapped",
    "central_vault_min_retention_days": "7",
    "central_vault_max_retention_days": "3650",
}


def test_by_default_the_vault_is_shared_with_no_one():
    settings = load_settings(AIR_GAPPED)
    assert settings.central_share_with_organization is False
    assert settings.central_recovery_accounts == []
    assert central(kind="air-gapped").shared_with == ()


def test_recovery_accounts_and_the_whole_organization_exclude_each_other():
    with pytest.raises(InputError) as raised:
        load_settings({**AIR_GAPPED, "central_share_with_organization": "true",
                       "central_recovery_accounts": '["777788889999"]'})  # fmt: skip
    assert [p.field for p in raised.value.problems] == ["central_recovery_accounts"]
    assert "choose one" in str(raised.value.problems[0])


def test_recovery_accounts_need_an_air_gapped_vault_and_real_ids():
    with pytest.raises(InputError) as raised:
        load_settings({**AIR_GAPPED, "central_vault_kind": "standard",
                       "central_recovery_accounts": '["777788889999"]'})  # fmt: skip
    assert "needs central_vault_kind air-gapped" in str(raised.value.problems[0])
    with pytest.raises(InputError):
        load_settings({**AIR_GAPPED, "central_recovery_accounts": '["7777"]'})


def before(shared_with: list[str] | None) -> Central:
    return Central(account_id="555566667777", vault_name="vault", kind="air-gapped",
                   shared_with=shared_with)  # fmt: skip


def test_a_state_from_before_the_new_default_loses_its_organization_share_loudly():
    (warning,) = share_removals(before(None), central(kind="air-gapped"))
    assert "no longer shared with organization" in warning
    assert "central_share_with_organization now defaults to false" in warning
    assert "central_share_with_organization: true" in warning  # how to keep it


def test_only_principals_that_lose_access_are_named():
    kept = central(kind="air-gapped", recovery_accounts=("777788889999",))
    assert share_removals(before(["777788889999"]), kept) == []
    (warning,) = share_removals(before(["777788889999", "888899990000"]), kept)
    assert "888899990000" in warning and "777788889999" not in warning
    assert (
        share_removals(before(None), central(kind="air-gapped", share_with_organization=True)) == []
    )
