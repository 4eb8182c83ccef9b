"""The moto server in a child process of its own, so it runs on the other core.

In-process, the server would share the GIL with discovery's client threads, and discovery's
wall time would be mostly moto's. As a child it is measured apart (its CPU is not the client's)
and the client's own CPU time is what discovery costs.

    python -m bench.emulator   # prints the endpoint, serves until stdin closes
"""

from __future__ import annotations

import os
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


def main() -> None:
    with moto_server() as endpoint:
        print(endpoint, flush=True)
        sys.stdin.read()  # until the parent closes it, or dies


if __name__ == "__main__":
    main()
