"""Which stack a command reads, as pulumi chooses it (-s, then PULUMI_STACK), with the files
read named on stderr; stack-file keys that pulumi would ignore or refuse are exit 2; `stacks`
writes and checks the shard stacks' files from the base stack's."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from moto import mock_aws

from org_backup.cli import main
from tests.support.orgs import new_org

ROOT = Path(__file__).parents[2]
PROD = (
    "config:\n  aws:region: us-east-1\n"
    "  org-backup:regions: [us-east-1, eu-west-1]\n"
    '  org-backup:delete_after_days: "35"\n'
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path)
    (tmp_path / "accounts").mkdir()
    (tmp_path / "Pulumi.prod.yaml").write_text(PROD)
    monkeypatch.chdir(tmp_path)
    with mock_aws():
        org = new_org()
        org.account("ml-prod", "ML/Prod")
        yield tmp_path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_pulumi_stack_picks_the_stack_file_and_says_so(project: Path, capsys, monkeypatch):
    monkeypatch.setenv("PULUMI_STACK", "prod")

    code, out, err = run(capsys, "discover")

    assert code == 0
    assert "us-east-1,eu-west-1" in out and "35d" in out
    assert err.splitlines()[0] == (
        "settings: Pulumi.yaml, Pulumi.prod.yaml (stack prod, from PULUMI_STACK);"
        " accounts: accounts/ (0 files)"
    )
    # The flag wins, and the line says the variable was ignored; org/project/name is the name.
    (project / "Pulumi.dev.yaml").write_text("config:\n  org-backup:regions: [eu-west-1]\n")
    code, out, err = run(capsys, "discover", "-s", "acme/org-backup/dev")
    assert code == 0 and "eu-west-1" in out and "us-east-1,eu-west-1" not in out
    assert "(stack dev, from -s; PULUMI_STACK=prod ignored)" in err


def test_no_stack_chosen_with_stack_files_here_is_refused(project: Path, capsys):
    (project / "Pulumi.example.yaml").write_text("config: {}\n")  # the example is no stack

    code, out, err = run(capsys, "discover")

    assert code == 2 and out == ""
    [line] = err.splitlines()
    assert "no stack selected: pass -s NAME or set PULUMI_STACK (stack files here: prod)" in line
    # From a subdirectory the project is found upwards, as pulumi finds it.
    (project / "sub").mkdir()
    code, out, _ = run(capsys, "discover", "-s", "prod", "-C", str(project / "sub"))
    assert code == 0 and "35d" in out


@pytest.mark.parametrize(
    ("key", "fix"),
    [
        ("regions", "did you mean org-backup:regions?"),
        ("org_backup:regions", "did you mean org-backup:regions?"),
        ("orgbackup:region", "did you mean org-backup:regions?"),
    ],
)
def test_a_key_pulumi_would_not_read_as_ours_is_refused(project: Path, capsys, key, fix):
    (project / "Pulumi.prod.yaml").write_text(f"config:\n  {key}: [eu-west-1]\n")

    code, _, err = run(capsys, "discover", "-s", "prod", "-q")

    assert code == 2
    [line] = err.splitlines()
    assert line.startswith(f"error: Pulumi.prod.yaml: config.{key}: ") and fix in line


def test_the_old_config_form_and_other_namespaces_are_read_as_pulumi_reads_them(
    project: Path, capsys
):
    (project / "Pulumi.prod.yaml").write_text(
        "config:\n  aws:region: eu-west-1\n  org-backup:config:delete_after_days: 40\n"
    )
    code, out, _ = run(capsys, "discover", "-s", "prod", "-q")
    assert code == 0 and "40d" in out


def test_stacks_sync_writes_the_shard_stacks_and_check_catches_drift(project: Path, capsys):
    (project / "Pulumi.prod.yaml").write_text(PROD + "  org-backup:shard_count: 3\n")
    code, _, err = run(capsys, "stacks", "check", "-s", "prod")
    assert code == 2 and "Pulumi.prod-shard-1.yaml: 'prod-shard-1': is missing" in err

    assert run(capsys, "stacks", "sync", "-s", "prod")[0] == 0
    assert run(capsys, "stacks", "check", "-s", "prod")[0] == 0
    code, out, _ = run(capsys, "stacks", "--json", "-s", "prod")
    assert out == '["prod", "prod-shard-1", "prod-shard-2"]\n'
    # Each shard stack plans its own shard with the base's settings.
    code, out, _ = run(capsys, "discover", "-s", "prod-shard-2", "-q")
    assert code == 0 and "shard 2 of 3" in out

    (project / "Pulumi.prod.yaml").write_text(
        PROD.replace('"35"', '"36"') + "  org-backup:shard_count: 3\n"
    )
    code, _, err = run(capsys, "stacks", "check", "-s", "prod")
    assert code == 2
    assert "Pulumi.prod-shard-1.yaml" in err and "Pulumi.prod-shard-2.yaml" in err
