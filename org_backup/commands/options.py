"""Options and output shared by the commands, declared once so they read the same everywhere."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from org_backup.aws_rules.limits import check_region
from org_backup.commands.output import (
    ReportTargets,
    parse_formats,
    report_targets,
    write_report,
)
from org_backup.config.account_files import account_file_paths
from org_backup.config.pulumi_files import (
    PROJECT_FILE,
    StackChoice,
    choose_stack,
    find_project,
    stack_file,
)
from org_backup.config.pulumi_files import stack_config as read_stack_config
from org_backup.config.settings import ENV_PREFIX, StackConfig
from org_backup.errors import InputError, Problem
from org_backup.reporting.formats import FORMATS
from org_backup.reporting.kinds import FLAGS, Command, Thresholds
from org_backup.reporting.model import REPORT_COLUMNS, Report
from org_backup.reporting.since import Earlier, read_earlier, with_changes


def add_accounts_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-d",
        "--accounts-dir",
        type=Path,
        metavar="DIR",
        help="directory of per-account YAML files (default: accounts/ of the project)",
    )


def add_stack(parser: argparse.ArgumentParser, help_text: str | None = None) -> None:
    parser.add_argument(
        "-s",
        "--stack",
        metavar="NAME",
        help=help_text
        or "the Pulumi stack whose Pulumi.<NAME>.yaml is read over Pulumi.yaml, as pulumi up"
        " reads them (default: $PULUMI_STACK)",
    )


def quiet(args: argparse.Namespace) -> bool:
    return getattr(args, "quiet", False)


@dataclass(frozen=True)
class SettingsInputs:
    """What a command reads its settings from: the stack's config, how messages name it, the
    stack's own name (None: no stack) and the account files' directory."""

    config: StackConfig
    source: str
    stack: str | None
    accounts_dir: Path


def settings_inputs(args: argparse.Namespace, *, stack: bool = True) -> SettingsInputs:
    """The project's Pulumi.yaml, the chosen stack's file over it, and the account files, as
    `pulumi up` would read them; the files read are named on stderr first (not under -q)."""
    project = Path(os.path.relpath(find_project(Path.cwd())))
    chosen = choose_stack(getattr(args, "stack", None), os.environ, project, required=stack)
    accounts_dir = accounts_dir_of(args, project)
    if not quiet(args):
        print(files_read_line(project, chosen, accounts_dir), file=sys.stderr)
    config, source = read_stack_config(chosen.name, project)
    return SettingsInputs(config, source, chosen.name, accounts_dir)


def accounts_dir_of(args: argparse.Namespace, project: Path | None = None) -> Path:
    """`-d`, else the project's `accounts/`, as a path relative to here (as messages and the
    manifest's `source` show it)."""
    given = getattr(args, "accounts_dir", None)
    if given is not None:
        return given
    project = project or find_project(Path.cwd())
    return Path(os.path.relpath(project / "accounts"))


def files_read_line(project: Path, chosen: StackChoice, accounts_dir: Path) -> str:
    """`settings: Pulumi.yaml, Pulumi.prod.yaml (stack prod, from -s), ORG_BACKUP_X; accounts:
    accounts/ (3 files)`: what this run reads, so a default never passes unnoticed."""
    read = [_shown(project / PROJECT_FILE)] if (project / PROJECT_FILE).is_file() else []
    if chosen.name is not None:
        read.append(_shown(stack_file(chosen.name, project)))
    read[-1:] = [f"{read[-1]} ({chosen.describe()})"] if read else [f"({chosen.describe()})"]
    read += sorted(name for name in os.environ if name.upper().startswith(ENV_PREFIX))
    if accounts_dir.is_dir():
        count = len(account_file_paths(accounts_dir))
        files = f"{count} file{'' if count == 1 else 's'}"
    else:
        files = "not a directory" if accounts_dir.exists() else "absent"
    return f"settings: {', '.join(read)}; accounts: {_shown(accounts_dir)}/ ({files})"


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the current directory when under it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve())) or "."
    except ValueError:
        return str(path)


def comma_list(text: str) -> list[str]:
    """An argparse type for list options: `-r a,b` is `-r a -r b`."""
    return [part.strip() for part in text.split(",") if part.strip()]


def flat(groups: list[list[str]] | None) -> list[str]:
    """The values of a repeatable comma-list option, in order, each once."""
    return list(dict.fromkeys(value for group in groups or [] for value in group))


def add_previous(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--previous",
        metavar="FILE",
        help="the last manifest, `pulumi stack output --json` or `pulumi stack export` of this"
        " stack (or shard): keeps accounts whose lookup fails covered (degraded) and applies"
        " max_accounts_removed, counting every account whose resources an export's state holds",
    )


def add_report_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-f",
        "--format",
        action="append",
        type=report_formats,
        metavar="FORMAT",
        help="csv, json, markdown (md) or html; repeat or give a comma list (-f md,html) to"
        " write several from one run, into -o DIRECTORY/. Default: from the -o extension"
        " (.csv .json .md .html), else markdown",
    )
    parser.add_argument(
        "-o",
        "--out",
        metavar="FILE|DIR/",
        help="a file, or a directory (existing, or ending in /) that gets"
        " org-backup-<command>-<organization>-<timestamp>.<ext> per format (default: stdout)",
    )
    parser.add_argument(
        "--since",
        metavar="FILE",
        help="an earlier --format json report: add what changed since (new and resolved"
        " findings, accounts added to and removed from coverage)",
    )


def report_formats(text: str) -> list[str]:
    try:
        return parse_formats(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"invalid format {error.args[0]!r} (choose from {', '.join(FORMATS)}, md)"
        ) from None


def targets_of(args: argparse.Namespace) -> ReportTargets:
    """`-f` and `-o` checked together before any work: a bad pair is exit 2 at once."""
    return report_targets(args.format, args.out)


def add_thresholds(parser: argparse.ArgumentParser, command: Command) -> None:
    """The threshold flags of `command` (`report` or `audit`), as `kinds.FLAGS` declares them."""
    for flag in FLAGS:
        if command not in flag.commands:
            continue
        if flag.value == "switch":
            parser.add_argument(flag.option, action="store_true", help=flag.help)
        elif flag.value == "regions":
            parser.add_argument(
                flag.option,
                action="extend",
                nargs="+",
                type=comma_list,
                default=[],
                metavar=flag.metavar,
                help=flag.help + " (repeat, or a comma list)",
            )
        else:
            parser.add_argument(
                flag.option,
                type=positive(int if flag.value == "days" else float),
                metavar=flag.metavar,
                help=flag.help,
            )


def thresholds_from(args: argparse.Namespace) -> Thresholds:
    """The thresholds the command line set; a flag the command does not take is off."""
    values = {}
    for flag in FLAGS:
        value = getattr(args, flag.name, flag.off)
        if flag.value == "regions":
            value = tuple(checked_regions(flag.option, flat(value)))
        values[flag.name] = value
    return Thresholds(**values)


def checked_regions(
    flag: str, regions: list[str], allowed: frozenset[str] = frozenset()
) -> list[str]:
    problems = [
        Problem("command line", flag, region, message)
        for region in regions
        if region not in allowed and (message := check_region(region))
    ]
    if problems:
        raise InputError(problems)
    return regions


def earlier_report(args: argparse.Namespace) -> Earlier | None:
    """The `--since` report, read before any other work: a bad file is exit 2 at once."""
    return read_earlier(args.since) if args.since else None


def finish_report(
    report: Report,
    args: argparse.Namespace,
    command: str,
    targets: ReportTargets,
    columns: tuple[str, ...] = REPORT_COLUMNS,
    earlier: Earlier | None = None,
) -> int:
    """Render every format of one report, write them, and turn the verdict into the exit code
    (0 compliant, 1 findings)."""
    if earlier is not None:
        report = with_changes(report, earlier)
    paths = write_report(report, targets, command, columns)
    if paths:
        summary = report.summary
        count = summary.finding_count
        print(
            f"{command}: {summary.status}, {count} finding{'' if count == 1 else 's'};"
            f" wrote {', '.join(paths)}",
            file=sys.stderr,
        )
    return 0 if report.compliant else 1


def positive(kind: type[int] | type[float]) -> Any:
    """An argparse type: a number above zero of `kind`, else a usage error (exit 2)."""

    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            value = 0
        if not value > 0:
            raise argparse.ArgumentTypeError(f"{text!r} is not a positive {kind.__name__}")
        return value

    return parse
