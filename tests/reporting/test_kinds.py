"""The table of finding kinds and flags: every flag reaches the commands, `Thresholds` and the
thresholds line of every format; every kind has one entry, a doc line, and a check or a place
that finds it."""

from __future__ import annotations

import dataclasses
import html
import json
import re
from typing import Any

import pytest

from org_backup.cli import build_parser
from org_backup.reporting import kinds
from org_backup.reporting.checks import build_report
from org_backup.reporting.formats import render
from org_backup.reporting.inputs import read_inputs
from org_backup.reporting.kinds import FLAGS, KINDS, Flag, Thresholds
from tests.support.reports import DATA

SAMPLES: dict[str, tuple[list[str], Any]] = {
    "switch": ([], True),
    "days": (["30"], 30),
    "hours": (["6.5"], 6.5),
    "regions": (["us-east-1", "ap-south-1"], ("us-east-1", "ap-south-1")),
}
SUMMARY_FORMATS = ("markdown", "html", "json")  # CSV has rows only, no summary


def thresholds_line(text: str, format_name: str) -> str:
    """The thresholds as each format shows them (JSON: its `thresholds` object, as JSON)."""
    if format_name == "json":
        return json.dumps(json.loads(text)["summary"]["thresholds"])
    if format_name == "markdown":
        return re.search(r"^\| Thresholds \| (.*) \|$", text, re.M).group(1)
    cell = re.search(r'<th scope="row">Thresholds</th><td>(.*?)</td>', text).group(1)
    return html.unescape(cell)


@pytest.mark.parametrize("format_name", SUMMARY_FORMATS)
@pytest.mark.parametrize("flag", FLAGS, ids=lambda flag: flag.option)
def test_every_flag_is_on_every_formats_thresholds_line(flag: Flag, format_name: str) -> None:
    _, value = SAMPLES[flag.value]
    report = build_report(read_inputs([str(DATA / "small.json")]), Thresholds(**{flag.name: value}))

    line = thresholds_line(render(report, format_name), format_name)

    if format_name == "json":
        expected = list(value) if isinstance(value, tuple) else value
        assert json.loads(line)[flag.name] == expected
    else:
        assert line == flag.shown(value)


@pytest.mark.parametrize("command", ["report", "audit"])
def test_every_flag_of_a_command_is_an_option_that_sets_its_threshold(command: str) -> None:
    from org_backup.commands.options import thresholds_from

    own = [flag for flag in FLAGS if command in flag.commands]
    argv = [command, "--accounts-dir", "x"] if command == "audit" else [command, "--input", "x"]
    for flag in own:
        words, _ = SAMPLES[flag.value]
        argv += [flag.option, *words]

    thresholds = thresholds_from(build_parser().parse_args(argv))

    assert {flag.name for flag in own if flag.is_on(getattr(thresholds, flag.name))} == {
        flag.name for flag in own
    }
    others = [flag for flag in FLAGS if command not in flag.commands]
    assert all(getattr(thresholds, flag.name) == flag.off for flag in others)
    assert others, "each command has flags of its own"


def test_report_with_alerts_and_restore_testing_says_both_thresholds(report, write) -> None:
    """`report --require-alerts --require-restore-testing` once printed "Thresholds: none"."""
    path = str(DATA / "small.json")

    result = report("--input", path, "--require-alerts", "--require-restore-testing")

    assert "| Thresholds | --require-alerts --require-restore-testing |" in result.out


def test_the_thresholds_line_lists_the_flags_in_table_order_and_none_when_off() -> None:
    every = Thresholds(**{flag.name: SAMPLES[flag.value][1] for flag in FLAGS})

    assert kinds.thresholds_text(every) == " ".join(
        flag.shown(SAMPLES[flag.value][1]) for flag in FLAGS
    )
    assert kinds.thresholds_text(Thresholds()) == "none"


def test_thresholds_has_one_field_per_flag_off_by_default() -> None:
    fields = dataclasses.fields(Thresholds)

    assert [field.name for field in fields] == [flag.name for flag in FLAGS]
    assert all(field.default == flag.off for field, flag in zip(fields, FLAGS, strict=True))


def test_every_kind_has_one_entry_a_doc_line_and_a_check_or_a_finder() -> None:
    labels = [kind.label for kind in KINDS]
    constants = {
        value for name, value in vars(kinds).items() if name.isupper() and isinstance(value, str)
    }

    assert len(labels) == len(set(labels))
    assert set(labels) == constants
    assert all(label == label.strip() and len(label) <= 40 for label in labels)
    assert all(kind.doc and (kind.check is None) != (not kind.found_by) for kind in KINDS)


def test_every_flag_turns_a_kind_on_and_every_kinds_flag_is_in_the_table() -> None:
    used = {flag for kind in KINDS for flag in kind.flags}

    assert used == set(FLAGS)
    assert len({flag.option for flag in FLAGS}) == len(FLAGS)


def test_a_regions_check_stays_quiet_while_its_flags_are_off(manifest) -> None:
    """Every region check is off without its flag: a manifest with no alerts, no copies and no
    lock is compliant without the flags."""
    from org_backup.manifest.model import Manifest
    from org_backup.reporting.checks import account_rows

    document = manifest(1)
    account = Manifest.model_validate(document).accounts[0]

    assert account_rows(account, Thresholds())[0].findings == ()
    everything = Thresholds(**{flag.name: SAMPLES[flag.value][1] for flag in FLAGS})
    found = {finding.kind for row in account_rows(account, everything) for finding in row.findings}
    assert {kinds.NO_ALERTS, kinds.NO_RESTORE_TESTING, kinds.GUARDRAILS_MISSING} <= found


def test_the_docs_table_lists_every_kind_with_its_flag() -> None:
    table = kinds.markdown_table()

    for kind in KINDS:
        assert f"| `{kind.label}` | {kind.doc} |" in table
    assert "| `no alerts` | `--require-alerts`: failed jobs" in table
    assert table.count("\n") == len(KINDS) + 2
