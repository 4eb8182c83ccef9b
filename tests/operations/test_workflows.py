"""The shipped GitHub workflows keep the properties a central team relies on: actions pinned to
commit SHAs, no persisted credentials, least privilege per job, deployments behind an
environment and never cancelled. (`make lint` also runs zizmor and the workflow schema.)"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = {path.name: path for path in sorted((ROOT / ".github" / "workflows").glob("*.yml"))}
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def load(name: str) -> dict[Any, Any]:
    document = yaml.safe_load(WORKFLOWS[name].read_text())
    document["on"] = document.pop(True, document.get("on"))  # YAML 1.1 reads `on` as True
    return document


def steps(document: dict) -> list[tuple[str, dict]]:
    return [(job, step) for job, spec in document["jobs"].items() for step in spec.get("steps", [])]


@pytest.mark.parametrize("name", WORKFLOWS)
def test_actions_are_pinned_and_checkouts_keep_no_credentials(name: str):
    for _, step in steps(load(name)):
        uses = step.get("uses")
        if uses is None:
            continue
        assert PINNED.match(uses), f"{name}: {uses} is not pinned to a commit SHA"
        if uses.startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False, name


@pytest.mark.parametrize("name", WORKFLOWS)
def test_no_default_token_permissions_and_every_job_says_what_it_needs(name: str):
    document = load(name)
    assert document["permissions"] == {}, name
    for job, spec in document["jobs"].items():
        assert "permissions" in spec, f"{name}: job {job} inherits permissions"
        assert set(spec["permissions"].values()) <= {"read", "write"}
        assert set(spec["permissions"]) <= {"contents", "id-token"}, (name, job)


def test_secrets_reach_only_the_steps_that_run_pulumi():
    for name in WORKFLOWS:
        document = load(name)
        assert "secrets" not in str(document.get("env", {})), name
        for job, spec in document["jobs"].items():
            assert "secrets" not in str(spec.get("env", {})), (name, job)
            for step in spec.get("steps", []):
                if "secrets." in str(step):
                    assert "pulumi" in str(step.get("run", "")) + str(step.get("name", ""))


def test_deployments_wait_for_an_environment_and_are_never_cancelled():
    rollout, nightly, up = load("rollout.yml"), load("nightly.yml"), load("shards-up.yml")
    for document in (rollout, nightly):
        assert document["concurrency"] == {
            "group": "org-backup-deploy",
            "cancel-in-progress": False,
        }
    assert rollout["on"]["push"]["branches"] == ["main"]
    assert rollout["jobs"]["deploy"]["with"] == {
        "environment": "org-backup-production",
        "refresh": False,
    }
    assert set(nightly["on"]) == {"schedule", "workflow_dispatch"}
    assert nightly["jobs"]["deploy"]["with"]["refresh"] is True
    assert up["jobs"]["up"]["environment"] == "${{ inputs.environment }}"
    run = next(step["run"] for _, step in steps(up) if step.get("name") == "pulumi up")
    # up-stack exports the state, then runs `pulumi up` with these flags (test_up_script.py).
    assert 'bash .github/scripts/up-stack "$STACK" --yes' in run
    assert '--refresh="$REFRESH"' in run
    audit = nightly["jobs"]["audit"]
    assert audit["needs"] == "deploy"
    assert any("org_backup audit" in step.get("run", "") for step in audit["steps"])


def test_pull_requests_run_discover_strict_then_each_shard_guard_and_preview():
    preview = load("preview.yml")
    assert set(preview["on"]) == {"pull_request"}  # never pull_request_target
    discover = " ".join(step.get("run", "") for step in preview["jobs"]["discover"]["steps"])
    assert "org_backup discover --strict" in discover
    script = (ROOT / ".github" / "scripts" / "preview-shard").read_text()
    for command in ("pulumi stack output --json", "synth --stack", "--previous previous.json"):
        assert command in script
    assert "pulumi preview --diff --json" in script
    assert "shard-summary" in script


def test_the_pulumi_cli_is_the_version_of_the_pinned_sdk():
    sdk = re.search(r"^pulumi==(\S+)$", (ROOT / "requirements.txt").read_text(), re.M)
    assert sdk is not None
    versions = {
        step["with"]["pulumi-version"]
        for name in WORKFLOWS
        for _, step in steps(load(name))
        if step.get("uses", "").startswith("pulumi/actions@")
    }
    assert versions == {sdk.group(1)}


def test_the_shard_matrix_lists_every_shard_stack_file():
    out = subprocess.run(
        ["bash", str(ROOT / ".github" / "scripts" / "shards")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    files = sorted(int(p.stem.split("-")[1]) for p in ROOT.glob("Pulumi.shard-*.yaml"))
    assert out == f"list=[{','.join(map(str, files))}]\n"
