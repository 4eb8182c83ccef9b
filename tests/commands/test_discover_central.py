"""`discover`'s table with retention tiers and a central account."""

from __future__ import annotations

from org_backup.commands.discover import render_table
from tests.support.plans import CENTRAL_ID, central, covered, org, policy, rule

A = "111122223333"
TIERS = policy(
    rules=(
        rule(name="daily", delete_after_days=35),
        rule(name="monthly", schedule="cron(0 7 1 * ? *)", delete_after_days=400, copy=False),
    )
)


def test_every_rule_shows_with_its_copy_and_the_central_vault_is_named():
    table = render_table(
        org(covered(A, policy=TIERS), covered(CENTRAL_ID, policy=TIERS), central=central())
    )
    lines = {line.split()[0]: line for line in table.splitlines() if line[:1].isdigit()}
    assert "cron(0 5 * * ? *) Etc/UTC | cron(0 7 1 * ? *) Etc/UTC" in lines[A]
    assert "35d +copy 35d | 400d" in lines[A]
    assert "35d | 400d" in lines[CENTRAL_ID] and "+copy" not in lines[CENTRAL_ID]
    assert (
        f"Copies go to the standard vault org-backup-central of account {CENTRAL_ID} in the same"
        " region (us-east-1, eu-west-1); this shard registers it." in table
    )


def test_without_a_central_account_nothing_is_said_about_copies():
    table = render_table(org(covered(A, policy=TIERS)))
    assert "+copy" not in table and "Copies go to" not in table
