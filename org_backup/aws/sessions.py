"""boto3 at the edge: clients with throttling retries, assumed-role sessions, error wording."""

from __future__ import annotations

import threading
import weakref
from typing import Any, Protocol

import boto3
import botocore.session
from botocore.config import Config
from botocore.credentials import CredentialProvider, Credentials
from botocore.exceptions import ClientError

from org_backup.aws import answers
from org_backup.aws.timeouts import api_config
from org_backup.errors import AccountFailure

# Adaptive retries back off on throttling for the whole client, which matters when dozens of
# accounts are looked up concurrently against the same Organizations or STS endpoint.
RETRY_CONFIG = Config(retries={"mode": "adaptive", "max_attempts": 10})
GLOBAL_REGION = "us-east-1"
# Role session names say which command assumed a role, so CloudTrail tells a preview, a
# deployment and an audit apart: `org-backup-<command>` (the CLI names its command once, at
# start; the Pulumi program is `deploy`, see rollout/providers.py).
SESSION_PREFIX = "org-backup"
_session_name = [SESSION_PREFIX]


def name_sessions(command: str) -> None:
    """Every role this process assumes from now on gets the session name `org-backup-<command>`."""
    _session_name[0] = f"{SESSION_PREFIX}-{command}"


def session_name() -> str:
    return _session_name[0]


def caller_session(session: boto3.Session | None = None) -> boto3.Session:
    """The caller's session, with a region: global services still need one to sign requests."""
    session = session or boto3.Session()
    if session.region_name is None:
        return boto3.Session(region_name=GLOBAL_REGION)
    return session


def sibling_session(session: boto3.Session) -> boto3.Session:
    """The same caller in a session of its own: the very credentials object of `session` (so
    nothing is resolved again: no second role assumed, no MFA asked twice), its profile and
    region, and none of its loaded service models or clients.

    What runs beside registration (the vault lookups) holds this one, so that what discovery
    loaded into `session` (the EC2 and Organizations models, tens of MB) is garbage once
    discovery ends rather than once the last lookup answers (`make bench`: 17 MiB of a new
    stack's peak at 400 accounts)."""
    own = botocore.session.Session()
    # `profile_name` says "default" when none was named, and naming a profile that no file
    # holds fails: only one read from a file is named (for its settings; the keys are ours).
    if session.profile_name in session.available_profiles:
        own.set_config_variable("profile", session.profile_name)
    credentials = session.get_credentials()
    if credentials is not None:
        own.get_component("credential_provider").providers.insert(0, _Given(credentials))
    return boto3.Session(botocore_session=own, region_name=session.region_name)


class _Given(CredentialProvider):
    """Credentials already resolved, handed on as they are (refreshing ones keep refreshing)."""

    METHOD = "org-backup-sibling"

    def __init__(self, credentials: Credentials):
        super().__init__()
        self._credentials = credentials

    def load(self) -> Credentials:
        return self._credentials


class Session(Protocol):
    """What the code needs of a session: a boto3.Session, or an AssumedRole."""

    region_name: str | None

    def client(self, service_name: str, **kwargs: Any) -> Any: ...


# boto3 sessions are not safe to make clients from in several threads at once; clients are.
_CLIENT_LOCK = threading.Lock()


def client(session: Session, service: str, region: str | None = None) -> Any:
    """A client with adaptive retries and the API's timeouts, whose answers are checked
    (calls/answers.py), made once per session, service and region.

    Making a client costs milliseconds of CPU (endpoint rules, event handlers): the run's own
    clients are made once; an account's (its AccountSession's) are views of clients shared by
    every account (calls/account.py).
    """
    with _CLIENT_LOCK:
        clients = _CLIENTS.setdefault(session, {})
        if (service, region) not in clients:
            made = session.client(
                service, region_name=region, config=api_config(service, RETRY_CONFIG)
            )
            answers.install(made)
            clients[service, region] = made
        return clients[service, region]


# Clients by session, for as long as the session lives: an account's clients go with its
# AssumedRole instead of piling up (an EC2 client holds about 1.5 MB).
_CLIENTS: weakref.WeakKeyDictionary[Any, dict[tuple[str, str | None], Any]] = (
    weakref.WeakKeyDictionary()
)


class AssumedRole:
    """An assumed role's credentials, whose clients come from the caller's session.

    A boto3.Session per account would load botocore's service models again for each of its
    clients (about half a second of CPU for EC2's, under the GIL); the caller's session has
    them loaded once, whatever the number of accounts.
    """

    def __init__(self, caller: Session, credentials: dict[str, Any]):
        self._caller = caller
        self.region_name = caller.region_name
        self._keys = {
            "aws_access_key_id": credentials["AccessKeyId"],
            "aws_secret_access_key": credentials["SecretAccessKey"],
            "aws_session_token": credentials["SessionToken"],
        }

    def client(self, service_name: str, **kwargs: Any) -> Any:
        return self._caller.client(service_name, **kwargs, **self._keys)


def assume_role(session: Session, role_arn: str, external_id: str | None = None) -> AssumedRole:
    """The role's temporary credentials (raises ClientError when denied)."""
    params: dict[str, Any] = {"RoleArn": role_arn, "RoleSessionName": session_name()}
    if external_id:
        params["ExternalId"] = external_id
    credentials = client(session, "sts").assume_role(**params)["Credentials"]
    return AssumedRole(session, credentials)


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
