"""`.github/scripts/preview-shard` as the pull-request job runs it, offline, with `synth`
replaced by a stand-in that writes what the real one would: the shard's summary lands in the job
summary, the previous state is the last approved deployment's outputs when there are some, and
nothing calls `pulumi`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = {
    "schema_version": 1,
    "organization": {"id": "o-exampleorg1", "management_account_id": "999999999999"},
    "shard": {"index": 2, "count": 4},
    "accounts": [
        {"account_id": "111111111111", "name": "a", "ou_path": "Root", "status": "covered"}
    ],
}
# A pulumi that fails the test if the offline preview ever calls it.
PULUMI = """#!/usr/bin/env bash
echo "pulumi $*" >> calls.log
exit 99
"""
# `python -m org_backup synth ...` writes a manifest; everything else goes to the real Python.
PYTHON = f"""#!/usr/bin/env bash
echo "python $*" >> calls.log
if [ "$3" = synth ]; then
  if [ -n "$FAKE_GUARD" ]; then
    echo "error: 5 accounts would stop being covered; max_accounts_removed is 3" >&2
    exit 2
  fi
  out="${{@: -1}}"
  echo '{json.dumps({**MANIFEST, "resources": [{"type": "t"}] * 7})}' > "$out"
  exit 0
fi
exec {sys.executable} "$@"
"""


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name, text in (("pulumi", PULUMI), ("python", PYTHON)):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    (bin_dir / "activate").write_text(f'export PATH="{bin_dir}:$PATH"\n')
    return tmp_path


def run(workdir: Path, outputs: dict | None, status: int = 0, **fakes: str) -> tuple[str, str]:
    if outputs is not None:
        (workdir / "previous").mkdir()
        (workdir / "previous" / "outputs-shard-2.json").write_text(json.dumps(outputs))
    summary = workdir / "summary.md"
    env = {**os.environ, **fakes, "GITHUB_STEP_SUMMARY": str(summary), "PYTHONPATH": str(ROOT)}
    script = ROOT / ".github" / "scripts" / "preview-shard"
    done = subprocess.run(["bash", str(script), "shard-2"], cwd=workdir, env=env)
    assert done.returncode == status
    calls = (workdir / "calls.log").read_text()
    assert "pulumi" not in calls.replace("python", "")  # offline: the engine never runs
    return summary.read_text(), calls


def test_a_stack_with_approved_outputs_gets_the_guard_and_its_summary(workdir: Path):
    summary, calls = run(workdir, {"org_backup": MANIFEST})

    synth_call = calls.split("synth")[1].splitlines()[0]
    assert synth_call.startswith(" --offline --stack shard-2 --previous previous/outputs-shard-2")
    assert summary.startswith("### shard-2")
    assert "| 1 | 0 | 0 | 0 |" in summary  # covered, added, removed, degraded
    assert "The program registers 7 resources" in summary


def test_a_new_stack_has_no_previous_state(workdir: Path):
    summary, calls = run(workdir, None)

    assert "--previous" not in calls.split("synth")[1].splitlines()[0]
    assert "No previous stack output" in summary


def test_a_refusal_of_the_removal_guard_fails_the_check_and_says_why(workdir: Path):
    summary, _ = run(workdir, {"org_backup": MANIFEST}, status=2, FAKE_GUARD="1")

    assert "max_accounts_removed is 3" in summary
