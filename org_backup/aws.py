"""boto3 at the edge: clients with throttling retries, assumed-role sessions, error wording."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from org_backup.errors import AccountFailure

# Adaptive retries back off on throttling for the whole client, which matters when dozens of
# accounts are looked up concurrently against the same Organizations or STS endpoint.
RETRY_CONFIG = Config(retries={"mode": "adaptive", "max_attempts": 10})
SESSION_NAME = "org-backup"
GLOBAL_REGION = "us-east-1"


def caller_session(session: boto3.Session | None = None) -> boto3.Session:
    """The caller's session, with a region: global services still need one to sign requests."""
    session = session or boto3.Session()
    if session.region_name is None:
        return boto3.Session(region_name=GLOBAL_REGION)
    return session


def client(session: boto3.Session, service: str, region: str | None = None) -> Any:
    return session.client(service, region_name=region, config=RETRY_CONFIG)


def assume_role(
    session: boto3.Session, role_arn: str, external_id: str | None = None
) -> boto3.Session:
    """A session with the role's temporary credentials (raises ClientError when denied)."""
    params: dict[str, Any] = {"RoleArn": role_arn, "RoleSessionName": SESSION_NAME}
    if external_id:
        params["ExternalId"] = external_id
    credentials = client(session, "sts").assume_role(**params)["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=session.region_name,
    )


def describe_error(error: Exception) -> str:
    """`AccessDenied: User ... is not authorized ...`: the code and AWS's own sentence."""
    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        code = details.get("Code", "Error")
        message = details.get("Message", "") or str(error)
        return f"{code}: {message}"
    if isinstance(error, AccountFailure):
        return str(error)
    return f"{type(error).__name__}: {error}"
