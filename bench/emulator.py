"""The moto server in a child process of its own, so it runs on the other core.

In-process, the server would share the GIL with discovery's client threads, and discovery's
wall time would be mostly moto's. As a child it is measured apart (its CPU is not the client's)
and the client's own CPU time is what discovery costs.

    python -m bench.emulator   # prints the endpoint, serves until stdin closes
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from org_backup.demo.server import moto_server

# Every account's first EC2 call makes moto build that account's EC2 backend, loading its
# default AMIs (~0.25 s of server CPU per account): the emulator's cost, not discovery's.
SERVER_ENV = {"MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}


@dataclass(frozen=True)
class Emulator:
    """The running server: where it listens, and its process, whose CPU time says what the
    emulator took of the machine's cores while a measured child ran (AWS's servers are not on
    the user's machine; this one shares the 2 cores with what is measured)."""

    endpoint: str
    pid: int

    def cpu_seconds(self) -> float:
        """User and system CPU time of the server process so far (Linux /proc/PID/stat)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def emulator(root: Path) -> Iterator[Emulator]:
    """Start the server child; yield it; stop it on exit."""
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.emulator"],
        cwd=root,
        env={**os.environ, **SERVER_ENV},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        endpoint = server.stdout.readline().strip() if server.stdout else ""
        if not endpoint.startswith("http://"):
            raise RuntimeError(f"moto server did not start (exit code {server.wait()})")
        yield Emulator(endpoint, server.pid)
    finally:
        if server.stdin:
            server.stdin.close()
        server.wait(timeout=60)


# moto's own access keys: a prefix and random upper-case letters and digits (moto/iam/utils.py).
_MOTO_KEY = re.compile(r"[A-Z0-9]{16,}")


def calibrate_moto() -> None:
    """Take two per-request costs out of moto's server that AWS's endpoints do not have, with
    every answer unchanged: the listing of moto's package directory that
    `DomainDispatcherApplication.get_backend_for_host` makes on every request (a directory
    that does not change while the server runs), and the scan of every account's IAM backends,
    in all six partitions, that `get_account_id_from` makes for every request's access key
    (O(accounts): at 1,000 accounts the two were about 45% of the server's CPU in a py-spy
    profile). A key found once is looked up in its account first (and scanned for again if it
    has left it); a key moto could not have issued (the emulator's dummy `testing` keys) maps
    to moto's default account, as the scan would have found."""
    import moto.backends
    import moto.iam.models

    modules = tuple(moto.backends.list_of_moto_modules())
    moto.backends.list_of_moto_modules = lambda: modules
    scan, backends = moto.iam.models.get_account_id_from, moto.iam.models.iam_backends
    partitions, default = moto.iam.models.PARTITION_NAMES, moto.iam.models.DEFAULT_ACCOUNT_ID
    found: dict[str, str] = {}

    def holds(account_id: str, access_key: str) -> bool:
        account = backends[account_id]
        return any(access_key in account[partition].access_keys for partition in partitions)

    def get_account_id_from(access_key: str) -> str:
        known = found.get(access_key)
        if known is not None and holds(known, access_key):
            return known
        if not _MOTO_KEY.fullmatch(access_key):
            return default
        account_id = scan(access_key)
        if account_id != default or holds(default, access_key):
            found[access_key] = account_id
        return account_id

    moto.iam.models.get_account_id_from = get_account_id_from


def main() -> None:
    calibrate_moto()
    with moto_server() as endpoint:
        print(endpoint, flush=True)
        sys.stdin.read()  # until the parent closes it, or dies


if __name__ == "__main__":
    main()
