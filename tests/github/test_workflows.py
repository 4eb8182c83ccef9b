"""The shipped GitHub workflows keep the properties a central team relies on: actions pinned to
commit SHAs, no persisted credentials, least privilege per job, deployments behind an
environment and never cancelled; no job a pull request triggers holds member-account
credentials or runs `pulumi preview`/`up`; the nightly run deploys only the last approved commit.
(`make lint` also runs zizmor, actionlint and the workflow schema.)"""

from __future__ import annotations

import os
import re
import shutil
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
        assert set(spec["permissions"]) <= {"contents", "id-token", "actions"}, (name, job)
        assert spec["permissions"].get("actions", "read") == "read", (name, job)


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
        "ref": "${{ github.sha }}",
    }
    assert set(nightly["on"]) == {"schedule", "workflow_dispatch"}
    assert nightly["jobs"]["deploy"]["with"]["refresh"] is True
    assert up["jobs"]["up"]["environment"] == "${{ inputs.environment }}"
    (run,) = [step["run"] for _, step in steps(up) if "deploy-shard" in step.get("run", "")]
    assert run == 'bash .github/scripts/deploy-shard "$STACK"'
    script = (ROOT / ".github" / "scripts" / "deploy-shard").read_text()
    # up-stack exports the state, then runs `pulumi up` with these flags (test_up_script.py).
    assert 'bash .github/scripts/up-stack "$stack" --yes' in script
    assert '--refresh="${REFRESH:-false}"' in script
    audit = nightly["jobs"]["audit"]
    assert audit["needs"] == ["approved", "deploy"]
    assert any("org_backup audit" in step.get("run", "") for step in audit["steps"])


# Where member-account credentials come from: the deploy role (and the audit role, read-only
# but inside every member account). Pulumi's secrets decrypt the stacks.
MEMBER_ROLES = ("vars.AWS_DEPLOY_ROLE_ARN", "vars.AWS_AUDIT_ROLE_ARN")
APPROVED_ENVIRONMENTS = {"org-backup-production", "org-backup-nightly", "org-backup-audit"}
PULUMI_COMMAND = re.compile(r"\bpulumi\s+(preview|up)\b")
SCRIPT = re.compile(r"\.github/scripts/([\w.-]+)")


def jobs_of(name: str) -> list[tuple[str, dict]]:
    """Every job a run of the workflow executes, the jobs of reusable workflows it calls too."""
    found = []
    for job, spec in load(name)["jobs"].items():
        called = spec.get("uses", "")
        if called.startswith("./.github/workflows/"):
            found += [(f"{job}/{inner}", {**body, "with": spec.get("with", {})})
                      for inner, body in jobs_of(Path(called).name)]  # fmt: skip
        else:
            found.append((job, spec))
    return found


def commands_of(spec: dict) -> str:
    """Everything the job runs: its `run:` steps and, recursively, the scripts they call."""
    text = "\n".join(str(step.get("run", "")) for step in spec.get("steps", []))
    seen: set[str] = set()
    pending = SCRIPT.findall(text)
    while pending:
        script = pending.pop()
        if script in seen:
            continue
        seen.add(script)
        body = (ROOT / ".github" / "scripts" / script).read_text()
        text += "\n" + body
        pending += SCRIPT.findall(body) + [m for m in re.findall(r"scripts/([\w.-]+)", body)]
    return text


def triggered_by_pull_requests() -> list[str]:
    names = [
        name
        for name in WORKFLOWS
        if {"pull_request", "pull_request_target"} & set(load(name)["on"])
    ]
    assert "preview.yml" in names and "ci.yml" in names
    return names


@pytest.mark.parametrize("name", triggered_by_pull_requests())
def test_no_pull_request_job_holds_member_credentials_or_runs_pulumi(name: str):
    assert "pull_request_target" not in load(name)["on"]  # it would run with the base's secrets
    for job, spec in jobs_of(name):
        text = str(spec)
        assert "secrets." not in text, f"{name}/{job} reads a secret"
        assert not any(role in text for role in MEMBER_ROLES), f"{name}/{job}: member role"
        assert spec.get("environment") not in APPROVED_ENVIRONMENTS, (name, job)
        assert not any(
            str(step.get("uses", "")).startswith("pulumi/actions@")
            for step in spec.get("steps", [])
        ), (name, job)
        commands = commands_of(spec)
        assert not PULUMI_COMMAND.search(commands), f"{name}/{job} runs pulumi preview/up"
        roles = re.findall(r"role-to-assume': '\$\{\{ ([\w.]+) \}\}", text)
        assert set(roles) <= {"vars.AWS_PREVIEW_ROLE_ARN"}, (name, job, roles)


def test_member_credentials_and_pulumi_only_in_approved_environments():
    for name in WORKFLOWS:
        if set(load(name)["on"]) == {"workflow_call"}:
            continue  # judged through each caller, with the environment it passes
        for job, spec in jobs_of(name):
            text = str(spec)
            environment = spec.get("environment")
            if environment == "${{ inputs.environment }}":
                environment = spec["with"]["environment"]
            holds = any(role in text for role in MEMBER_ROLES) or "secrets." in text
            if holds or PULUMI_COMMAND.search(commands_of(spec)):
                assert environment in APPROVED_ENVIRONMENTS, (name, job, environment)


def test_the_nightly_run_deploys_only_the_last_approved_commit():
    nightly = load("nightly.yml")
    approved = nightly["jobs"]["approved"]
    assert approved["outputs"]["sha"] == "${{ steps.approved.outputs.sha }}"
    assert "last-approved sha" in commands_of(approved)
    assert nightly["jobs"]["deploy"]["needs"] == "approved"
    assert nightly["jobs"]["deploy"]["with"]["ref"] == "${{ needs.approved.outputs.sha }}"
    # every job that runs code with credentials checks out that commit, never main's HEAD
    for job, spec in jobs_of("nightly.yml"):
        if job == "approved":
            continue
        ref = "${{ needs.approved.outputs.sha }}" if job == "audit" else "${{ inputs.ref }}"
        checkouts = [s for s in spec["steps"] if s.get("uses", "").startswith("actions/checkout@")]
        assert checkouts and all(s["with"]["ref"] == ref for s in checkouts), job
        if ref == "${{ inputs.ref }}":
            assert spec["with"]["ref"] == "${{ needs.approved.outputs.sha }}", job


def test_pull_requests_run_discover_strict_then_each_shard_guard_offline():
    preview = load("preview.yml")
    assert set(preview["on"]) == {"pull_request"}  # never pull_request_target
    commands = commands_of(preview["jobs"]["offline"])
    assert "org_backup discover --strict" in commands
    for command in ("synth --offline --stack", "shard-summary", "approved-outputs"):
        assert command in commands


def test_codeowners_guard_the_workflows_and_the_program():
    owners = (ROOT / ".github" / "CODEOWNERS").read_text()
    rules = dict(line.split(None, 1) for line in owners.splitlines() if line and line[0] != "#")
    for path in ("/.github/", "/org_backup/", "/__main__.py", "/Pulumi*.yaml", "*"):
        assert rules.get(path), path


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


def test_the_shard_matrix_is_the_base_stacks_shard_stacks(tmp_path: Path):
    """CI's matrix is `org-backup stacks --json` of the base stack named by PULUMI_STACK, and no
    one organization's shard files ship in the repository root."""
    assert not list(ROOT.glob("Pulumi.shard-*.yaml"))
    # The script run from a copy of the repository's layout that holds one base stack.
    (tmp_path / ".github" / "scripts").mkdir(parents=True)
    script = tmp_path / ".github" / "scripts" / "shards"
    shutil.copy(ROOT / ".github" / "scripts" / "shards", script)
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path)
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    (tmp_path / "Pulumi.ci-test-base.yaml").write_text("config:\n  org-backup:shard_count: 3\n")
    unset = subprocess.run(["bash", str(script)], capture_output=True, text=True, env={})
    assert unset.returncode == 2 and "PULUMI_STACK" in unset.stderr
    out = subprocess.run(
        ["bash", str(script)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PULUMI_STACK": "ci-test-base"},
    ).stdout
    assert out == 'list=["ci-test-base", "ci-test-base-shard-1", "ci-test-base-shard-2"]\n'
    up = load("shards-up.yml")
    assert up["jobs"]["up"]["strategy"]["matrix"] == {
        "stack": "${{ fromJSON(needs.shards.outputs.list) }}"
    }
    assert up["jobs"]["up"]["env"]["STACK"] == "${{ matrix.stack }}"
