"""The trust policy of a role an AWS service assumes: one place, for every role we create.

Confused deputy: a service principal acts for every AWS customer, so a role it may assume should
say for which account (`aws:SourceAccount`), where the service sets that key when it assumes the
role. EventBridge documents it for the roles of rule targets (EventBridge User Guide,
"Cross-service confused deputy prevention": for event bus rule targets `aws:SourceArn` is the
rule's ARN; "Using IAM policy conditions": `aws:SourceAccount` is the rule's account), so the
alert forwarder's trust carries it. AWS Backup documents the two keys for resource policies
only (KMS key policies for backup-storage.amazonaws.com, SNS topic policies), not for the service
role it assumes, and a condition the service does not satisfy makes AWS Backup refuse the role
("cannot be assumed by AWS Backup"): every backup would fail. The backup role's trust therefore
names the service alone; AWS Backup can only be handed a role by a principal of the same
account (iam:PassRole), which is what limits it. See docs/rollout.md, "Service roles".
"""

from __future__ import annotations

import json
from typing import Any


def service_trust_policy(service: str, source_account: str | None = None) -> str:
    """Let `service` (e.g. backup.amazonaws.com) assume the role, and nobody else; with
    `source_account`, only on behalf of that account."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole",
    }
    if source_account is not None:
        statement["Condition"] = {"StringEquals": {"aws:SourceAccount": source_account}}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})
