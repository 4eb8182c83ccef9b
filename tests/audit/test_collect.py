"""The audit against moto: resources created in the member accounts through their deploy roles,
as `pulumi up` would, and read back through the same roles."""

from __future__ import annotations

import io
import sys

import pytest

from org_backup.reporting.kinds import Thresholds
from tests.support.world import EAST, WEST, World, by_account, findings

pytestmark = pytest.mark.usefixtures("world")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_deployed_as_the_policy_says_is_compliant(world: World, monkeypatch):
    prod, dev = world.org.accounts["ml-prod"], world.org.accounts["ml-dev"]
    world.deploy(prod)
    world.deploy(dev)
    arn = world.file_system(prod)
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)

    report = world.run(progress=True)

    assert findings(report) == []
    assert report.compliant and report.summary.account_regions_compliant == 2
    region_row, file_system_row = by_account(report, "ml-prod")
    assert (region_row.region, region_row.resource_arn, region_row.status) == (
        EAST,
        None,
        "COMPLIANT",
    )
    assert region_row.vault_name == "org-backup-ai"
    assert region_row.plan_id == world.deployed[next(iter(world.deployed))].plan_ids[EAST]
    assert region_row.selection == "EFS file systems tagged Name=AIFilesystem"
    assert (file_system_row.resource_arn, file_system_row.status) == (arn, "COMPLIANT")
    # the management account is scanned too: it is skipped by policy, and the caller's own
    assert terminal.getvalue().endswith("\raudit: 3/3 accounts\n")


def test_missing_vault_and_plan_are_findings(world: World):
    prod, dev = world.org.accounts["ml-prod"], world.org.accounts["ml-dev"]
    world.deploy(prod, vault=False, plan=False)
    world.deploy(dev)
    world.file_system(prod)

    report = world.run()

    assert not report.compliant
    assert findings(report, "ml-dev") == []
    assert [f.split(": ", 1)[1] for f in findings(report, "ml-prod")][:3] == [
        "no backup vault, so recovery points have nowhere to be stored.",
        "no backup plan, so nothing is backed up.",
        "no backup selection, so the plan backs up nothing.",
    ]
    assert report.summary.account_regions_non_compliant == 1


def test_drift_from_the_policy_and_a_missing_role_are_findings(world: World):
    prod, dev = world.org.accounts["ml-prod"], world.org.accounts["ml-dev"]
    world.deploy(prod, role=False, ScheduleExpression="cron(0 5 ? * SUN *)", Lifecycle={})
    world.deploy(dev)

    report = world.run(Thresholds(max_interval_hours=24))

    [row] = by_account(report, "ml-prod")
    assert row.schedule == "cron(0 5 ? * SUN *)"
    text = "\n".join(row.findings)
    assert "IAM role OrgBackupServiceRole, which AWS Backup assumes" in text
    assert (
        "backup plan org-backup-ai rule daily differs from the policy: schedule"
        " cron(0 5 ? * SUN *) (policy: cron(0 5 * * ? *)); delete after days none (policy: 90)."
    ) in text
    assert "leaves up to 168 hours between backups, more than the allowed 24." in text


def test_tagged_file_system_outside_the_covered_regions_is_unprotected(world: World):
    prod, dev = world.org.accounts["ml-prod"], world.org.accounts["ml-dev"]
    # ml-dev is also covered in eu-west-1, so the default scan looks there in every account
    (world.accounts_dir / "ml-dev.yaml").write_text(
        f'account_id: "{dev}"\nregions: [{EAST}, {WEST}]\n'
    )
    world.deploy(prod)
    world.deploy(dev, (EAST, WEST))
    stray = world.file_system(prod, WEST)
    world.file_system(prod, WEST, name="scratch")  # not tagged for backup: not listed

    report = world.run()

    [row] = [row for row in report.rows if row.resource_arn == stray]
    assert (row.account_name, row.region, row.status) == ("ml-prod", WEST, "NON_COMPLIANT")
    assert row.findings == (
        f"Account {prod} (ml-prod) {WEST}: EFS file system {stray} is tagged Name=AIFilesystem"
        f" but unprotected: {WEST} is not covered for this account, so it is not backed up.",
    )
    assert len([r for r in report.rows if r.resource_arn]) == 1
    assert report.summary.account_regions_non_compliant == 1


def test_skipped_accounts_are_scanned_unless_told_not_to(world: World, monkeypatch):
    sandbox = world.org.account("sandbox", "Sandbox")
    monkeypatch.setenv("ORG_BACKUP_EXCLUDE_ACCOUNTS", f'["{sandbox}"]')
    world.deploy(world.org.accounts["ml-prod"])
    world.deploy(world.org.accounts["ml-dev"])
    stray = world.file_system(sandbox)

    report = world.run()

    skipped, unprotected = by_account(report, "sandbox")
    assert (skipped.status, skipped.findings) == ("SKIPPED", ())
    assert unprotected.resource_arn == stray
    assert "but unprotected: the account is skipped (excluded)" in unprotected.findings[0]
    assert world.run(scan_skipped=False).compliant
