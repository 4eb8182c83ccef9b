"""The forwarding rule's pattern against AWS Backup's own sample events: the rule is put on a
default bus of the local emulator (moto, pinned in requirements-dev.txt, which parses patterns
with EventBridge's rules: `$or`, value lists), the samples are sent, and what reaches the
rule's target is what would be forwarded. Every failure alerts; nothing else does."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID

from org_backup.aws_rules.backup_events import failed_jobs_pattern, failed_jobs_pattern_json
from tests.support.sample_events import ALERTS, NOT_ALERTS

REGION = "us-west-2"


@pytest.fixture(scope="module")
def forwarded() -> set[str]:
    """The ids of the sample events the rule passed on (each sample gets its name as id)."""
    samples = {**ALERTS, **NOT_ALERTS}
    with mock_aws():
        events = boto3.client("events", region_name=REGION)
        sqs = boto3.client("sqs", region_name=REGION)
        queue = sqs.create_queue(QueueName="forwarded")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        events.put_rule(Name="org-backup-alerts", EventPattern=failed_jobs_pattern_json())
        events.put_targets(Rule="org-backup-alerts", Targets=[{"Id": "q", "Arn": queue_arn}])
        for name, sample in samples.items():
            _send(events, name, sample)
        received: set[str] = set()
        while batch := sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get(
            "Messages", []
        ):
            for message in batch:
                received.add(json.loads(message["Body"])["detail"]["sample"])
                sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
        return received


def _send(events: Any, name: str, sample: dict[str, Any]) -> None:
    response = events.put_events(
        Entries=[
            {
                "Source": sample["source"],
                "DetailType": sample["detail-type"],
                "Detail": json.dumps({**sample["detail"], "sample": name}),
                "Resources": sample["resources"],
            }
        ]
    )
    assert response["FailedEntryCount"] == 0, response


def test_the_pattern_is_the_json_of_the_documented_shape():
    pattern = json.loads(failed_jobs_pattern_json())
    assert pattern == failed_jobs_pattern()
    assert pattern["source"] == ["aws.backup"]
    assert sorted(pattern["detail-type"]) == [
        "Backup Job State Change",
        "Copy Job State Change",
        "Restore Job State Change",
    ]
    # botocore's events model: EventPattern is a string of at most 4096 characters
    assert len(failed_jobs_pattern_json()) <= 4096


@pytest.mark.parametrize("name", sorted(ALERTS))
def test_every_failed_aborted_expired_or_partial_job_alerts(forwarded, name):
    assert name in forwarded


@pytest.mark.parametrize("name", sorted(NOT_ALERTS))
def test_successes_progress_and_other_backup_events_do_not_alert(forwarded, name):
    assert name not in forwarded


def test_no_deprecated_vault_notification_event_is_named():
    text = failed_jobs_pattern_json()
    for deprecated in ("BACKUP_JOB_FAILED", "BACKUP_JOB_EXPIRED", "RESTORE_JOB_FAILED"):
        assert deprecated not in text


def _forwards(pattern: str, sample: dict[str, Any]) -> bool:
    """Whether a rule with `pattern` passes `sample` on, sent from moto's default account."""
    with mock_aws():
        events = boto3.client("events", region_name=REGION)
        sqs = boto3.client("sqs", region_name=REGION)
        queue = sqs.create_queue(QueueName="muted")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        events.put_rule(Name="central", EventPattern=pattern)
        events.put_targets(Rule="central", Targets=[{"Id": "q", "Arn": arn}])
        _send(events, "one", sample)
        return bool(sqs.receive_message(QueueUrl=queue).get("Messages"))


def test_a_muted_account_sends_no_email_and_the_others_still_do():
    failure = ALERTS["backup FAILED"]
    assert not _forwards(failed_jobs_pattern_json([DEFAULT_ACCOUNT_ID]), failure)
    assert _forwards(failed_jobs_pattern_json(["111122223333"]), failure)
    assert failed_jobs_pattern(["2", "1"])["account"] == [{"anything-but": ["1", "2"]}]


def test_every_failure_state_is_one_aws_backup_reports():
    """No typo can silence a state: each is in botocore's job state enums."""
    import botocore.session

    from org_backup.aws_rules.backup_events import FAILURE_STATES

    model = botocore.session.get_session().get_service_model("backup")
    enums = {
        name: set(model.shape_for(name).enum)
        for name in ("BackupJobState", "CopyJobState", "RestoreJobStatus")
    }
    assert all(any(state in values for values in enums.values()) for state in FAILURE_STATES)
    assert {"FAILED", "ABORTED", "EXPIRED", "PARTIAL"} <= enums["BackupJobState"]
    assert {"FAILED", "PARTIAL"} <= enums["CopyJobState"]
    assert {"FAILED", "ABORTED"} <= enums["RestoreJobStatus"]
