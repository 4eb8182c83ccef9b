"""Stack files as `synth --stack` reads them: shard guard and Pulumi secrets."""

from __future__ import annotations

from pathlib import Path

import pytest
from moto import mock_aws

from org_backup.cli import main
from tests.support.orgs import new_org


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "accounts").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def synth(capsys, stack: str) -> tuple[int, str]:
    code = main(["synth", "--stack", stack, "--out", "-"])
    return code, capsys.readouterr().err


def test_a_shard_stack_must_deploy_its_own_shard(project: Path, capsys):
    (project / "Pulumi.shard-2.yaml").write_text("config:\n  org-backup:shard_count: 4\n")

    code, err = synth(capsys, "shard-2")

    assert code == 2
    assert "Pulumi.shard-2.yaml: shard_index: 0:" in err
    assert "set org-backup:shard_index to 2" in err


def test_a_secret_in_the_stack_file_asks_for_the_environment_variable(project: Path, capsys):
    (project / "Pulumi.prod.yaml").write_text(
        "config:\n  org-backup:deploy_role_external_id:\n    secure: AAABAJ0x\n"
    )

    code, err = synth(capsys, "prod")

    assert code == 2
    assert "org-backup:deploy_role_external_id" in err
    assert "ORG_BACKUP_DEPLOY_ROLE_EXTERNAL_ID" in err


def test_the_environment_variable_stands_in_for_the_secret(project: Path, capsys, monkeypatch):
    (project / "Pulumi.prod.yaml").write_text(
        "config:\n  org-backup:deploy_role_external_id:\n    secure: AAABAJ0x\n"
    )
    monkeypatch.setenv("ORG_BACKUP_DEPLOY_ROLE_EXTERNAL_ID", "from-env")
    with mock_aws():
        org = new_org()
        org.account("member")

        code = main(["synth", "--stack", "prod", "--out", "-"])

    assert code == 0
    out = capsys.readouterr().out
    assert '\\"externalId\\": \\"from-env\\"' in out
