"""The trust policy of a role an AWS service assumes: one place, for every role we create."""

from __future__ import annotations

import json


def service_trust_policy(service: str) -> str:
    """Let `service` (e.g. backup.amazonaws.com) assume the role, and nobody else."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": service},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )
