"""`make demo`'s edges that need no emulator: a busy port, the export lines, a stop with
nothing running."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import pytest

from org_backup.demo.__main__ import main
from org_backup.demo.live import env_script
from org_backup.demo.server import client_environ


def test_a_busy_port_is_one_line_naming_another(tmp_path: Path, capsys: pytest.CaptureFixture):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]

        code = main(["start", "--port", str(port), "--dir", str(tmp_path / "demo")])

    err = capsys.readouterr().err
    assert code == 2
    assert err == f"demo: port {port} is in use; make demo DEMO_PORT={port + 1}\n"
    assert not (tmp_path / "demo").exists()


def test_the_export_lines_point_a_shell_at_the_emulator_alone():
    environ = {**client_environ("http://127.0.0.1:5055"), "PULUMI_STACK": "demo"}
    script = env_script(environ)

    shell = subprocess.run(
        ["bash", "-c", f'{script}\necho "$AWS_ENDPOINT_URL|$AWS_PROFILE|$PULUMI_STACK"'],
        env={"PATH": "/usr/bin:/bin", "AWS_PROFILE": "production"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert shell.stdout == "http://127.0.0.1:5055||demo\n"
    assert all(line.startswith(("export ", "unset ")) for line in script.splitlines())


def test_stop_with_nothing_running_says_so(tmp_path: Path, capsys: pytest.CaptureFixture):
    assert main(["stop", "--dir", str(tmp_path / "demo")]) == 0
    assert capsys.readouterr().out == "demo: was not running\n"
