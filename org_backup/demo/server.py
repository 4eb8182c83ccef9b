"""A moto server on 127.0.0.1 in a background thread, and the environment that points boto3 at it.

What moto 5.2.5 does with several accounts (verified against this server):

- moto picks the account of each request from, in order: the `MOTO_ACCOUNT_ID` variable of the
  *server's* process, an `x-moto-account-id` request header, the account whose IAM backend holds
  the request's access key, else 123456789012. Dummy credentials therefore act as the
  management account 123456789012; `sts.assume_role` into `arn:aws:iam::<id>:role/X` returns
  keys registered in account <id>, so every call made with them lands in <id>'s own backends.
  An EFS created with assumed-role keys of account B is invisible to `describe_file_systems` and
  `get_resources` of the management account, and `get_caller_identity` answers B.
- `assume_role` never checks that the role exists, nor the trust policy, nor that the account is
  in the organization or active: it succeeds for any ARN, even into a SUSPENDED account.
- The access-key lookup scans every account (all 6 of moto's partitions) on every request
  whose key is unknown, such as the dummy management keys: a request costs O(accounts), so
  1,000 accounts make each management call about 10 ms slower. `pin_account` sends the
  header instead. Each request also costs a few ms in the server itself (werkzeug, and a
  listing of moto's package directory); client and server share one GIL, so client threads
  barely help (4 threads: -25%).
- Backends are process-global: this server shares them with `mock_aws` in the same process
  (an active `mock_aws` intercepts boto3 before it reaches the server), and they outlive the
  server, so `moto_server` resets them on entry, as `mock_aws` does when it starts: run one
  emulator at a time, since starting another wipes the running one.
"""

from __future__ import annotations

import logging
import os
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from botocore.client import BaseClient
from moto.server import ThreadedMotoServer

DEMO_REGION = "us-east-1"
_MANAGED_POLICIES = "MOTO_IAM_LOAD_MANAGED_POLICIES"


@contextmanager
def moto_server(*, load_managed_policies: bool = False) -> Iterator[str]:
    """Run an empty moto server on a free port of 127.0.0.1; yield its endpoint URL.

    `load_managed_policies` makes AWS managed policies (e.g. AWSBackupServiceRolePolicyForBackup)
    attachable. It is a server-side switch read whenever an account's IAM backend is created,
    and costs ~150 ms per account (a 1,000-account org would take minutes), hence off by default.
    """
    if "MOTO_ACCOUNT_ID" in os.environ:
        raise RuntimeError("MOTO_ACCOUNT_ID is set: moto would put every account's calls in one")
    werkzeug_log = logging.getLogger("werkzeug")
    saved_level = werkzeug_log.level
    werkzeug_log.setLevel(logging.ERROR)  # one access-log line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    try:
        _reset(endpoint)  # before the switch: a reset re-creates every backend it then drops
        with _managed_policies(load_managed_policies):
            yield endpoint
    finally:
        server.stop()
        werkzeug_log.setLevel(saved_level)


def _reset(endpoint: str) -> None:
    with urllib.request.urlopen(f"{endpoint}/moto-api/reset", data=b"", timeout=60):
        pass


@contextmanager
def _managed_policies(load: bool) -> Iterator[None]:
    saved = os.environ.get(_MANAGED_POLICIES)
    if load:
        os.environ[_MANAGED_POLICIES] = "true"
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(_MANAGED_POLICIES, None)
        else:
            os.environ[_MANAGED_POLICIES] = saved


def client_environ(endpoint: str | None, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """`base` (default: os.environ) with every AWS_* variable replaced by fake credentials.

    boto3 then reaches only `endpoint`, or, if it is None, whatever intercepts it in-process
    (`mock_aws`). Profiles, config files, per-service endpoints and instance metadata are cut off,
    so neither a subprocess nor this process can fall through to real AWS credentials.
    """
    environ = {k: v for k, v in (os.environ if base is None else base).items() if k[:4] != "AWS_"}
    environ.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_SESSION_TOKEN="testing",
        AWS_DEFAULT_REGION=DEMO_REGION,
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )
    if endpoint is not None:
        environ["AWS_ENDPOINT_URL"] = endpoint
    return environ


def pin_account(client: BaseClient, account_id: str) -> None:
    """Tell moto which account `client`'s calls belong to (the `x-moto-account-id` header).

    Only a speed-up: pass the account the client's credentials already act as, so moto skips
    its O(accounts) access-key scan. Real AWS ignores the header.
    """

    def add_header(request, **_: object) -> None:
        request.headers["x-moto-account-id"] = account_id

    client.meta.events.register("before-sign", add_header)
