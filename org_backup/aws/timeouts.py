"""How long one attempt of a call may take, per API, and how many attempts a call gets.

botocore's defaults are 60 s to connect and 60 s to read, whatever the API: with 10 attempts a
call that never answers holds its caller for about 11 minutes. Connecting to an AWS endpoint
takes well under a second, so 5 s is generous everywhere; the read timeouts follow how much one
answer can hold (a page of 20 accounts, a region list, a credentials set, 100 tagged resources).
"""

from __future__ import annotations

import os

from botocore.config import Config

CONNECT_TIMEOUT = 5.0
READ_TIMEOUTS = {
    "sts": 10.0,
    "account": 10.0,
    "organizations": 20.0,
    "ec2": 20.0,
    "iam": 20.0,
    "backup": 30.0,
    "resourcegroupstaggingapi": 30.0,
}
DEFAULT_READ_TIMEOUT = 30.0
# The standard variable replaces the project's number of attempts (tests use it to fail fast).
MAX_ATTEMPTS_VARIABLE = "AWS_MAX_ATTEMPTS"


def api_config(service: str, base: Config) -> Config:
    """`base` (the retry mode and attempts) with the API's timeouts, and AWS_MAX_ATTEMPTS."""
    options: dict = {
        "connect_timeout": CONNECT_TIMEOUT,
        "read_timeout": READ_TIMEOUTS.get(service, DEFAULT_READ_TIMEOUT),
    }
    attempts = os.environ.get(MAX_ATTEMPTS_VARIABLE)
    if attempts and attempts.isdigit() and int(attempts) > 0:
        # As botocore reads the variable: attempts in all, the first one included. (botocore
        # rewrites a Config's `max_attempts` into `total_max_attempts` once it has used it.)
        mode = (base.retries or {}).get("mode", "standard")
        options["retries"] = {"mode": mode, "total_max_attempts": int(attempts)}
    return base.merge(Config(**options))
