"""The audit reads only what AWS answered: a malformed answer, injected at the HTTP edge in
front of moto, is a failure of that call (a finding naming it), never a vault or a role."""

from __future__ import annotations

import pytest

from tests.support.faults import HTML, NOT_UTF8, Edge, http, json_answer
from tests.support.world import EAST, World, by_account


@pytest.mark.parametrize(
    "answer",
    [http(200, HTML), http(200, b""), http(200, NOT_UTF8), json_answer({"Unexpected": 1})],
    ids=["html", "empty", "not-utf8", "wrong-shape"],
)
def test_a_garbage_describe_backup_vault_makes_no_row_claim_a_vault(
    world: World, edge: Edge, answer
):
    for name in ("ml-prod", "ml-dev"):
        world.deploy(world.org.accounts[name])
    edge.reach(world.session)
    edge.on("backup", "DescribeBackupVault", answer)

    report = world.run()

    rows = [*by_account(report, "ml-prod"), *by_account(report, "ml-dev")]
    assert rows and all(row.status == "NON_COMPLIANT" for row in rows)
    assert all(row.vault_name is None for row in rows)
    for row in rows:
        [finding] = row.findings
        assert "could not be audited: backup:DescribeBackupVault in us-east-1:" in finding
        assert "MalformedAnswer" in finding
    assert edge.calls["backup.DescribeBackupVault"] == 2  # one each, not retried


def test_a_garbage_get_role_is_a_failure_not_a_missing_role(world: World, edge: Edge):
    world.deploy(world.org.accounts["ml-prod"])
    edge.reach(world.session)
    edge.on(
        "iam", "GetRole", http(200, "<GetRoleResponse><Nothing/></GetRoleResponse>", "text/xml")
    )

    report = world.run()

    [row] = by_account(report, "ml-prod")
    [finding] = row.findings
    assert "could not be audited: iam:GetRole: MalformedAnswer" in finding  # not "no role"


def test_a_garbage_central_vault_answer_is_that_regions_failure(
    world: World,
    edge: Edge,
    copies,
):
    edge.reach(world.session)
    hub = copies["hub"]
    garbage = http(200, HTML)
    edge.on("backup", "DescribeBackupVault", garbage)

    report = world.run()

    [central_row] = [
        row
        for row in report.rows
        if row.account_id == hub and row.resource_arn == copies["vault_arn"]
    ]
    assert central_row.status == "NON_COMPLIANT"
    assert any(
        "backup:DescribeBackupVault" in finding and "MalformedAnswer" in finding
        for finding in central_row.findings
    )
    assert central_row.region == EAST
