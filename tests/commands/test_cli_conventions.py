"""What every command shares, as a user meets it: the exit codes at the end of every help, a
usage error in one line, short options, help that cites only files that ship, and sizing's counts
spelled as counts."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from org_backup.cli import _subcommands, build_parser, main

ROOT = Path(__file__).parents[2]


def every_help() -> dict[str, str]:
    parser = build_parser()
    helps = {"org-backup": parser.format_help()}
    for sub in _subcommands(parser):
        helps[sub.prog] = sub.format_help()
    return helps


def test_every_help_ends_with_its_exit_codes():
    helps = every_help()
    assert {"org-backup accounts validate", "org-backup stacks sync", "org-backup sizing"} <= set(
        helps
    )
    for prog, text in helps.items():
        codes = text[text.index("exit codes:") :]
        assert re.search(r"^\s+0\s", codes, re.M), prog
        assert re.search(r"^\s+2\s", codes, re.M), prog
        assert re.search(r"^\s+130\s+interrupted", codes, re.M), prog


def test_help_cites_only_files_that_ship():
    cited = {
        path
        for text in every_help().values()
        for path in re.findall(r"\b((?:docs|accounts|build)/[\w./-]*\w|[\w-]+\.md)\b", text)
    }
    assert "docs/manifest.md" in cited
    for path in cited - {"build/manifest.json"}:  # synth's default output, written on demand
        assert (ROOT / path).exists(), path


def test_a_usage_error_is_one_line_naming_the_help(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["report", "-i", "m.json", "--format", "pdf"])
    assert exit_.value.code == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("org-backup report: error: argument -f/--format: invalid format 'pdf'")
    assert line.endswith("; see org-backup report --help")


def test_short_options_are_the_long_ones():
    parser = build_parser()
    short = parser.parse_args(["discover", "-s", "prod", "-d", "a", "-f", "json", "-o", "x", "-q"])
    long = parser.parse_args(
        ["discover", "--stack", "prod", "--accounts-dir", "a", "--json", "--out", "x", "--quiet"]
    )
    assert vars(short) == vars(long)
    assert parser.parse_args(["discover", "-a", "111122223333,444455556666"]).account == [
        "111122223333",
        "444455556666",
    ]


def test_sizing_counts_are_spelled_as_counts(capsys):
    base = ["sizing", "--runner-memory-gib", "16"]
    assert main([*base, "--account-count", "400", "--region-count", "2"]) == 0
    new = capsys.readouterr().out
    assert main([*base, "--accounts", "400", "--regions", "2"]) == 0  # the first spellings
    assert capsys.readouterr().out == new
    assert "x 2 regions" in new
    assert (
        "--regions"
        not in build_parser()._subparsers._group_actions[0].choices["sizing"].format_help()
    )


def test_the_version_names_the_sdks(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert re.fullmatch(
        r"org-backup \d+\.\d+\.\d+ \(pulumi [\d.]+, pulumi-aws [\d.]+, boto3 [\d.]+\)\n",
        capsys.readouterr().out,
    )


def test_every_command_takes_cwd_and_quiet():
    for sub in _subcommands(build_parser()):
        options = {o for a in sub._actions for o in a.option_strings}
        assert {"-C", "-q"} <= options, sub.prog
        assert not any(isinstance(a, argparse._VersionAction) for a in sub._actions)
