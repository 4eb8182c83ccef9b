"""`make demo`: an emulated organization that keeps running, for a user's own shell.

`serve` runs a moto server on 127.0.0.1 (with `gaps` in front of it), seeds the demo
organization with fixed ids, writes its accounts/ files, synthesizes the manifest, applies it to
the emulator (`deployment`: an emulation, not `pulumi up`), then breaks a few things the way a
console user would, so that `report` and `audit` have real findings. Last it writes `env.sh`, the
export lines that point a shell at it. `start` runs `serve` detached and prints those lines;
`stop` ends it and removes what it wrote.

Fixed ids: moto draws every id (organization, accounts, OUs, file systems, plans) from one
random generator that its `/moto-api/seed` endpoint seeds, so the same seed after a reset gives the
same ids for a pinned moto version.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import boto3
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

from org_backup.cli import main as cli
from org_backup.config.pulumi_files import STACK_VARIABLE, find_project, stack_file
from org_backup.demo.deployment import deploy_manifest
from org_backup.demo.gaps import BackupGaps
from org_backup.demo.seed import (
    DEMO_REGIONS,
    SHORT_RETENTION_ACCOUNT,
    SeededOrg,
    demo_spec,
    seed_organization,
    write_demo_problem_files,
)
from org_backup.demo.server import client_environ
from org_backup.manifest.model import Manifest

DEFAULT_PORT = 5055
SEED = 18
FRESH = timedelta(hours=2)
STALE_ACCOUNT, STALE_REGION, STALE = "ml-prod", DEMO_REGIONS[1], timedelta(days=3)
DRIFTED_ACCOUNT, DRIFTED_REGION = "analytics", DEMO_REGIONS[0]
NEVER_BACKED_UP = (SHORT_RETENTION_ACCOUNT, DEMO_REGIONS[0])
STACK = "demo"
"""The demo's stack: its file holds the settings beyond Pulumi.yaml's defaults, and env.sh
selects it with PULUMI_STACK, as a user selects theirs."""
STACK_HEADER = "# Written by make demo (python -m org_backup.demo); make demo-stop removes it.\n"
_FILES = ("env.sh", "server.pid", "server.log", "deployed.json")


def serve(port: int, directory: Path) -> int:
    """Run the emulator until SIGTERM or ^C; `env.sh` appears once it is ready, and goes (with
    the pid and the stack file) when it ends."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "env.sh").unlink(missing_ok=True)
    (directory / "server.pid").write_text(f"{os.getpid()}\n")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    gaps = BackupGaps()
    app = gaps.wrap(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", port, app, threaded=True, request_handler=MotoRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{port}"
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        _write_stack_file()
        _post(f"{endpoint}/moto-api/reset")
        _post(f"{endpoint}/moto-api/seed?a={SEED}")
        environ = {**client_environ(endpoint), STACK_VARIABLE: STACK}
        os.environ.update(environ)
        seeded = seed_organization(boto3.Session(), demo_spec())
        _deploy(directory, seeded, gaps)
        _write_atomically(directory / "env.sh", env_script(environ))
        print(f"demo: ready on {endpoint}", flush=True)
        stop.wait()
    except KeyboardInterrupt:
        return 130
    finally:
        server.shutdown()
        for name in ("env.sh", "server.pid"):
            (directory / name).unlink(missing_ok=True)
        _remove_stack_file()
    return 0


def _deploy(directory: Path, seeded: SeededOrg, gaps: BackupGaps) -> None:
    """Synthesize, apply the plan to the emulator, then make the problems the demo shows."""
    accounts_dir = directory / "accounts"
    write_demo_problem_files(accounts_dir, seeded)
    deployed = directory / "deployed.json"
    code = cli(["synth", "--accounts-dir", str(accounts_dir), "--out", str(deployed)])
    if code != 0:
        raise SystemExit(f"demo: synth of the demo organization failed (exit {code})")
    manifest = Manifest.model_validate(json.loads(deployed.read_text()))
    print(
        "demo: emulated deployment: the synthesized requests applied to the emulator by"
        " org_backup.demo, not by Pulumi",
        flush=True,
    )
    plan_ids = deploy_manifest(boto3.Session(), manifest)
    covered = {key[0]: key for key in plan_ids}
    vault = {
        (account.account_id, region.region): region.vault.name
        for account in manifest.accounts
        for region in account.regions
        if region.vault is not None
    }
    never = (seeded.account_ids[NEVER_BACKED_UP[0]], NEVER_BACKED_UP[1])
    stale = (seeded.account_ids[STALE_ACCOUNT], STALE_REGION)
    for fs in seeded.file_systems:
        where = (fs.account_id, fs.region)
        if not fs.tagged or where not in plan_ids or where == never or fs.account_id not in covered:
            continue
        gaps.add_recovery_point(fs.arn, vault[where], STALE if where == stale else FRESH)
    drifted = seeded.account_ids[DRIFTED_ACCOUNT]
    _member_backup(drifted, DRIFTED_REGION).delete_backup_plan(
        BackupPlanId=plan_ids[(drifted, DRIFTED_REGION)]
    )


def _member_backup(account_id: str, region: str):  # type: ignore[no-untyped-def]
    """A backup client of the member account, as its administrator reaches the console."""
    credentials = boto3.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole",
        RoleSessionName="demo-console-user",
    )["Credentials"]
    return boto3.client(
        "backup",
        region_name=region,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def demo_stack_file() -> Path:
    """Pulumi.demo.yaml of the project around the working directory (as pulumi finds it)."""
    return stack_file(STACK, find_project(Path.cwd()))


def _write_stack_file() -> None:
    """The demo stack's settings; never over a file the demo did not write."""
    path = demo_stack_file()
    if path.exists() and not path.read_text().startswith(STACK_HEADER):
        raise SystemExit(f"demo: {path} exists and was not written by the demo; move it away")
    regions = "".join(f"    - {region}\n" for region in DEMO_REGIONS)
    _write_atomically(path, f"{STACK_HEADER}config:\n  org-backup:regions:\n{regions}")


def _remove_stack_file() -> None:
    path = demo_stack_file()
    if path.is_file() and path.read_text().startswith(STACK_HEADER):
        path.unlink()


def env_script(environ: dict[str, str]) -> str:
    """The lines to paste (or `source`): the emulator's AWS variables, the demo stack, and PATH
    with this virtualenv's `bin` first, so `org-backup` and `python` are the project's."""
    names = [*sorted(name for name in environ if name.startswith("AWS_")), STACK_VARIABLE]
    lines = ["unset AWS_PROFILE"]
    lines += [f"export {name}={shlex.quote(environ[name])}" for name in names]
    lines.append(f'export PATH={shlex.quote(str(Path(sys.executable).parent))}:"$PATH"')
    return "\n".join(lines) + "\n"


def start(port: int, directory: Path) -> int:
    """Run `serve` in the background (its own session, so a closed terminal leaves it up)."""
    running = _running_pid(directory)
    if running is not None:
        print(f"demo: already running (pid {running}); paste these lines:")
        sys.stdout.write((directory / "env.sh").read_text())
        return 0
    if _port_in_use(port):
        print(f"demo: port {port} is in use; make demo DEMO_PORT={port + 1}", file=sys.stderr)
        return 2
    directory.mkdir(parents=True, exist_ok=True)
    log = (directory / "server.log").open("w")
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "org_backup.demo",
            "serve",
            "--port",
            str(port),
            "--dir",
            str(directory),
        ],
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    env = directory / "env.sh"
    deadline = time.monotonic() + 180
    while not env.exists():
        if child.poll() is not None or time.monotonic() > deadline:
            child.kill()
            print(
                f"demo: the emulator did not start; see {directory / 'server.log'}", file=sys.stderr
            )
            return 1
        time.sleep(0.2)
    print(
        f"demo: emulated organization on 127.0.0.1:{port} (pid {child.pid}, log"
        f" {directory / 'server.log'}); paste these lines, or `source {env}`:"
    )
    sys.stdout.write(env.read_text())
    print(
        f"demo: then `org-backup discover -d {directory / 'accounts'}`, and synth, report and audit"
        " as in the README's walk-through; `make demo-stop` ends it"
    )
    return 0


def stop(directory: Path) -> int:
    """End the emulator `start` launched (its pid file only) and remove what it wrote."""
    pid = _started_pid(directory)
    if pid is not None:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
    for name in _FILES:
        (directory / name).unlink(missing_ok=True)
    _remove_stack_file()
    accounts = directory / "accounts"
    if accounts.is_dir():
        for path in accounts.glob("*.yaml"):
            path.unlink()
    for emptied in (accounts, directory):
        with contextlib.suppress(OSError):  # absent, or holding the user's own reports
            emptied.rmdir()
    print("demo: stopped" if pid is not None else "demo: was not running")
    return 0


def _running_pid(directory: Path) -> int | None:
    """The emulator's pid once it is ready (its env.sh written)."""
    pid = _started_pid(directory)
    return pid if pid is not None and (directory / "env.sh").exists() else None


def _started_pid(directory: Path) -> int | None:
    """The pid `serve` wrote, while that process runs (ready or not)."""
    try:
        pid = int((directory / "server.pid").read_text())
    except (OSError, ValueError):
        return None
    return pid if _alive(pid) else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (exited, not yet reaped by its parent) is not running
        return Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return True


def _port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _post(url: str) -> None:
    with urllib.request.urlopen(url, data=b"", timeout=60):
        pass


def _write_atomically(path: Path, text: str) -> None:
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text)
    os.replace(partial, path)
