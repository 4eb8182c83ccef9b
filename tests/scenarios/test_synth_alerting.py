"""`synth` end to end with alerts and restore testing on, against a moto organization, as a
user would run it."""

from __future__ import annotations

import json
from collections import Counter

from moto import mock_aws

from tests.support.commands import run_synth
from tests.support.orgs import new_org


def test_synth_registers_forwarding_and_restore_testing_everywhere_and_the_center_once(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "accounts").mkdir()
    with mock_aws():
        organization = new_org()
        prod = organization.account("ml-prod", "ML/Prod")
        dev = organization.account("ml-dev", "ML/Dev")
        center = organization.account("backup-central", "Platform")
        (tmp_path / "Pulumi.dev.yaml").write_text(
            "config:\n"
            '  org-backup:regions: \'["us-east-1", "eu-west-1"]\'\n'
            f"  org-backup:central_account_id: '{center}'\n"
            "  org-backup:central_mpa_enabled: 'false'\n"
            "  org-backup:central_delegated_administrator_enabled: 'false'\n"
            "  org-backup:alerts_enabled: 'true'\n"
            "  org-backup:alert_emails: '[\"oncall@example.com\"]'\n"
            "  org-backup:restore_testing_schedule: 'cron(0 9 ? * MON *)'\n"
        )
        assert run_synth("--stack", "dev") == 0
    document = json.loads((tmp_path / "build" / "manifest.json").read_text())
    resources = document["resources"]
    bus_arn = f"arn:aws:events:us-east-1:{center}:event-bus/org-backup-alerts"

    def per_account_region(type_: str, suffix: str) -> Counter:
        return Counter(
            (r["provider"], r["inputs"]["region"])
            for r in resources
            if r["type"] == type_ and r["name"].endswith(suffix)
        )

    expected = Counter(
        (f"{account}-aws", region)
        for account in (prod, dev, center)
        for region in ("us-east-1", "eu-west-1")
    )
    assert per_account_region("aws:cloudwatch/eventRule:EventRule", "-alerts-rule") == expected
    assert per_account_region("aws:cloudwatch/eventTarget:EventTarget", "-alerts-target") == (
        expected
    )
    targets = [r for r in resources if r["name"].endswith("-alerts-target")]
    assert {t["inputs"]["arn"] for t in targets} == {bus_arn}
    assert (
        per_account_region(
            "aws:backup/restoreTestingPlan:RestoreTestingPlan", "-restore-testing-plan"
        )
        == expected
    )
    assert (
        per_account_region(
            "aws:backup/restoreTestingSelection:RestoreTestingSelection",
            "-restore-testing-selection",
        )
        == expected
    )
    central = Counter(
        r["type"]
        for r in resources
        if r["type"].startswith(("aws:sns/", "aws:cloudwatch/eventBus"))
    )
    assert central == {
        "aws:cloudwatch/eventBus:EventBus": 1,
        "aws:cloudwatch/eventBusPolicy:EventBusPolicy": 1,
        "aws:sns/topic:Topic": 1,
        "aws:sns/topicPolicy:TopicPolicy": 1,
        "aws:sns/topicSubscription:TopicSubscription": 1,
    }
    assert not [r for r in resources if "vaultNotifications" in r["type"]]
    assert document["alerts"] == {
        "bus_arn": bus_arn,
        "topic_arn": f"arn:aws:sns:us-east-1:{center}:org-backup-alerts",
        "region": "us-east-1",
        "muted_accounts": [],
    }
