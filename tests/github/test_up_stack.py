"""`.github/scripts/up-stack`, which `make up` and the deploy workflows run, with `pulumi`
replaced by a stand-in that logs its calls: the state is exported before `pulumi up`, and
`pulumi up` gets the export's path in ORG_BACKUP_STATE_EXPORT; a failed update fails the step
and says so in the job summary."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / ".github" / "scripts" / "up-stack"
PULUMI = """#!/usr/bin/env bash
echo "pulumi $* ${ORG_BACKUP_STATE_EXPORT:+STATE_EXPORT=$ORG_BACKUP_STATE_EXPORT}" >> calls.log
case "$1 $2" in
  "stack --show-name") echo dev ;;
  "stack export") [ "$5" = --file ] && echo '{"version": 3, "deployment": {}}' > "$6" ;;
  "up --stack") exit "${FAKE_UP_STATUS:-0}" ;;
  *) exit 9 ;;
esac
"""


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "pulumi").write_text(PULUMI)
    (tmp_path / "bin" / "pulumi").chmod(0o755)
    return tmp_path


def run(workdir: Path, *args: str, **env: str) -> tuple[int, list[str], str]:
    summary = workdir / "summary.md"
    done = subprocess.run(
        ["bash", str(SCRIPT), *args],
        cwd=workdir,
        env={
            **os.environ,
            "PATH": f"{workdir / 'bin'}:{os.environ['PATH']}",
            "GITHUB_STEP_SUMMARY": str(summary),
            **env,
        },
    )
    calls = (workdir / "calls.log").read_text().splitlines()
    return done.returncode, calls, summary.read_text() if summary.exists() else ""


def test_the_state_is_exported_then_handed_to_pulumi_up(workdir: Path):
    code, calls, summary = run(workdir, "shard-2", "--yes", "--refresh=true")

    assert code == 0 and summary == ""
    export = "build/state-shard-2.json"
    assert calls == [
        f"pulumi stack export --stack shard-2 --file {export} STATE_EXPORT={export}",
        f"pulumi up --stack shard-2 --yes --refresh=true STATE_EXPORT={export}",
    ]
    assert (workdir / export).exists()


def test_without_a_stack_name_the_selected_stack(workdir: Path):
    code, calls, _ = run(workdir)

    assert code == 0
    assert calls[0].strip() == "pulumi stack --show-name"
    assert calls[-1].startswith("pulumi up --stack dev ")


def test_a_failed_update_fails_the_step_and_says_so(workdir: Path):
    code, _, summary = run(workdir, "shard-0", FAKE_UP_STATUS="255")

    assert code == 255
    assert "pulumi up of shard-0 failed (exit 255)" in summary


def test_make_up_runs_it():
    makefile = (ROOT / "Makefile").read_text()
    assert 'bash .github/scripts/up-stack "$(STACK)"' in makefile
