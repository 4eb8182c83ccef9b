"""The audit's copy checks on their own (pure): which rows get copy findings, and which shard
reports the central vaults."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from org_backup.audit.collect_central import collect_central
from org_backup.audit.copy_checks import allowed_copy_age_hours, copies_since, with_copy_findings
from org_backup.audit.observations import CentralRegionState, CentralState
from org_backup.audit.rows import AuditRow
from org_backup.coverage.central import vault_access_policy
from tests.support.plans import CENTRAL_ID, central, covered, org, policy, rule

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
A = "111122223333"
FS = f"arn:aws:elasticfilesystem:eu-west-1:{A}:file-system/fs-1"


def fs_row(account_id: str = A, region: str = "eu-west-1", arn: str = FS) -> AuditRow:
    return AuditRow(account_id, "ml", "Root/ML", region, "COMPLIANT", resource_arn=arn)


def state(copies: dict[str, datetime]) -> CentralState:
    return CentralState(
        CENTRAL_ID,
        tuple(
            CentralRegionState(
                region,
                vault_arn=f"arn:aws:backup:{region}:{CENTRAL_ID}:backup-vault:org-backup-central",
                policy=vault_access_policy("o-exampleorg1"),
                latest_copies=copies,
            )
            for region in ("us-east-1", "eu-west-1")
        ),
    )


def test_only_shard_zero_reports_the_central_vaults_every_shard_checks_copies():
    coverage = org(covered(A), central=central(), shard_index=1, shard_count=2)
    rows = with_copy_findings([fs_row()], coverage, state({}), NOW)
    assert len(rows) == 1 and "has no completed copy" in rows[0].findings[0]
    zero = org(covered(A), central=central())
    rows = with_copy_findings([fs_row()], zero, state({FS: NOW - timedelta(hours=1)}), NOW)
    assert [(r.account_id, r.region, r.status) for r in rows] == [
        (A, "eu-west-1", "COMPLIANT"),
        (CENTRAL_ID, "us-east-1", "COMPLIANT"),
        (CENTRAL_ID, "eu-west-1", "COMPLIANT"),
    ]


def test_copies_are_looked_for_in_the_central_region_when_there_is_one():
    coverage = org(covered(A), central=central(regions=("us-east-1",), central_region="us-east-1"))
    only_east = CentralState(
        CENTRAL_ID, (CentralRegionState("us-east-1", latest_copies={FS: NOW - timedelta(hours=2)}),)
    )
    (row, _vault) = with_copy_findings([fs_row()], coverage, only_east, NOW)
    assert row.findings == ()


def test_rules_without_copy_expect_no_copy_and_set_no_window():
    no_copy = policy(rules=(rule(name="daily", copy=False),))
    coverage = org(covered(A, policy=no_copy), central=central())
    assert allowed_copy_age_hours(no_copy) is None
    assert copies_since(coverage, NOW) is None
    (row, *_) = with_copy_findings([fs_row()], coverage, state({}), NOW)
    assert row.findings == ()


def test_the_window_follows_the_most_frequent_copying_rule():
    tiers = policy(
        rules=(
            rule(name="monthly", schedule="cron(0 7 1 * ? *)", delete_after_days=400),
            rule(name="hourly", schedule="cron(0 */6 * * ? *)", copy=False),
            rule(name="daily"),
        )
    )
    assert allowed_copy_age_hours(tiers) == 24 + 8 + 24
    assert copies_since(org(covered(A, policy=tiers), central=central()), NOW) == NOW - timedelta(
        hours=56
    )


def test_an_unreachable_central_account_adds_one_row_and_no_file_system_findings():
    coverage = org(covered(A), central=central())
    failed = CentralState(CENTRAL_ID, failure="deploy role cannot be assumed (...): AccessDenied")
    rows = with_copy_findings([fs_row()], coverage, failed, NOW)
    assert rows[0].findings == ()
    assert rows[1].findings == (
        f"Central account {CENTRAL_ID}: could not be audited: deploy role cannot be assumed"
        " (...): AccessDenied.",
    )


def test_a_management_central_account_is_read_only_with_its_own_credentials():
    state = collect_central(None, central("999999999999"), "111122223333", None)  # type: ignore[arg-type]
    assert state.failure is not None and "caller is account 111122223333" in state.failure
