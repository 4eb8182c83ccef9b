"""Each input mistake is one line naming the file, the field and the fix: no PyYAML block, no
"(file)" or "(missing)" placeholder, a did-you-mean for a misspelt region."""

from __future__ import annotations

from pathlib import Path

import pytest

from org_backup.cli import main

GOOD_ID = "111122223333"
# (what the user did, the files it writes, extra arguments, environment, text of the one line)
CASES = [
    (
        "yaml",
        {"accounts/ml-dev.yaml": f'account_id: "{GOOD_ID}"\nregions: [us-east-1,\n'},
        [],
        {},
        "accounts/ml-dev.yaml: is not valid YAML at line 3, column 1: expected the node content,"
        " but found '<stream end>' (while parsing a flow node from line 3, column 1)",
    ),
    (
        "accounts-dir is a file",
        {"accounts/ml-dev.yaml": f'account_id: "{GOOD_ID}"\n'},
        ["-d", "accounts/ml-dev.yaml"],
        {},
        "accounts/ml-dev.yaml: --accounts-dir: is a file, not a directory; pass the directory"
        " that holds the account files",
    ),
    (
        "region in a file",
        {"accounts/ml-dev.yaml": f'account_id: "{GOOD_ID}"\nregions: [us-est-1]\n'},
        [],
        {},
        "accounts/ml-dev.yaml: regions: ",
    ),
    (
        "region in a variable",
        {},
        [],
        {"ORG_BACKUP_REGIONS": '["us-east-1", "eu-wset-1"]'},
        "ORG_BACKUP_REGIONS: regions: ",
    ),
]


@pytest.mark.parametrize(
    ("files", "args", "env", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_one_line_per_mistake(tmp_path: Path, monkeypatch, capsys, files, args, env, expected):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "accounts").mkdir()
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    code = main(["discover", "-q", *args])

    assert code == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("error: ") and expected in line
    assert "(file)" not in line and "(missing)" not in line and "(directory)" not in line
    if "region" in expected or "regions" in expected:
        assert "did you mean us-east-1 or us-west-1?" in line or "did you mean eu-west-1?" in line


def test_a_misspelt_required_region_gets_a_did_you_mean(report, small, write):
    result = report("-i", write("m.json", small), "--required-regions", "us-east-1,eu-wst-1")
    assert result.code == 2
    [line] = result.err.splitlines()
    assert line.endswith(
        "'eu-wst-1': is not an AWS region with AWS Backup; did you mean eu-west-1?"
    )
