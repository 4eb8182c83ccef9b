"""README.md is what a newcomer reads to the end: short, with the two commands, the contract's
commands and exit codes, and a way to every page of docs/."""

from __future__ import annotations

import re

from tests.docs.markdown import ROOT, links

README = ROOT / "README.md"
CONTRACT_COMMANDS = (
    "make install",
    "make test",
    "make preview",
    "python -m org_backup discover",
    "python -m org_backup synth",
    "python -m org_backup report",
    "pulumi preview",
    "pulumi up",
)


def test_the_readme_is_under_16_kb():
    assert len(README.read_bytes()) < 16_000


def test_the_readme_names_the_contract_commands_and_every_exit_code():
    text = README.read_text()

    # The contract's `python -m org_backup X` is the console script's `org-backup X`.
    assert "`python -m org_backup` is the same command" in text
    for command in CONTRACT_COMMANDS:
        shown = command.replace("python -m org_backup ", "org-backup ")
        assert shown in text, command
    codes = re.findall(r"^\| ([0-3]) \| ", text, re.M)
    assert codes == ["0", "1", "2", "3"]


def test_every_docs_page_is_linked_from_the_readme():
    linked = {target.split("#")[0] for _, target in links(README.read_text())}

    pages = {f"docs/{page.name}" for page in (ROOT / "docs").glob("*.md")}
    assert pages - linked == set()
