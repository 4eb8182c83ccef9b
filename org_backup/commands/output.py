"""Where a command's result goes: stdout, or files written whole or not at all.

One rule for every command: the result goes to stdout unless `-o/--out` names a file (or, for
reports in several formats, a directory); messages go to stderr. Every file is written to a
temporary file beside it and then renamed over it, so an interrupt or a full disk leaves the old
file or none, never a half-written one that passes for finished.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from org_backup.errors import InputError, Problem
from org_backup.reporting.formats import EXTENSIONS, FORMATS, render
from org_backup.reporting.model import REPORT_COLUMNS, Report

STDOUT = "-"
DEFAULT_FORMAT = "markdown"
ALIASES = {"md": "markdown", "htm": "html"}
SUFFIX = {"csv": ".csv", "json": ".json", "markdown": ".md", "html": ".html"}

# The files this process has finished writing, for the interrupt's one line.
_written: list[str] = []


def written() -> list[str]:
    return list(_written)


def forget_written() -> None:
    _written.clear()


def write_atomic(path: Path, text: str, *, overwrite: bool = True, flag: str = "--out") -> None:
    """`text` into `path`, whole or not at all; with `overwrite` False an existing file is an
    error (exit 2) and stays as it was."""
    tmp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Created as open() creates files (mode 0666 less the umask), never over another.
        tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}.partial"
        descriptor = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with open(descriptor, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        if overwrite:
            os.replace(tmp, path)
        else:
            _link_new(tmp, path)
    except OSError as error:
        raise InputError(
            [Problem(str(path), flag, str(path), f"cannot be written: {error.strerror or error}")]
        ) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.remove(tmp)
    _written.append(str(path))


def _link_new(tmp: Path, path: Path) -> None:
    """`tmp` becomes `path`, which must not exist: os.link fails, and changes nothing, if it does."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise InputError(
            [Problem(str(path), "(file)", path.name, "already exists; it is never overwritten")]
        ) from None


def write_output(out: str, text: str) -> None:
    """Stdout for `-`, else the file."""
    if out == STDOUT:
        sys.stdout.write(text)
    else:
        write_atomic(Path(out), text)


def parse_formats(text: str) -> list[str]:
    """An argparse type for `-f/--format`: one name or a comma list, `md` meaning markdown."""
    names = []
    for part in filter(None, (part.strip().lower() for part in text.split(","))):
        name = ALIASES.get(part, part)
        if name not in FORMATS:
            raise ValueError(part)
        names.append(name)
    return names


@dataclass(frozen=True)
class ReportTargets:
    """The formats of one report run and where each goes; checked before any work is done."""

    formats: tuple[str, ...]
    out: str  # STDOUT, a file, or a directory
    directory: bool

    def paths(self, report: Report, command: str) -> list[str]:
        if not self.directory:
            return [self.out]
        stem = f"org-backup-{command}"
        if len(report.summary.organizations) == 1:
            stem += f"-{report.summary.organizations[0]}"
        stamp = report.summary.generated_at.replace("-", "").replace(":", "")
        if stamp:
            stem += f"-{stamp}"
        return [str(Path(self.out) / f"{stem}{SUFFIX[name]}") for name in self.formats]


def report_targets(formats: Sequence[Sequence[str]] | None, out: str | None) -> ReportTargets:
    """`-f` (each given a list) and `-o` as one rule: one format to stdout or a file, several
    into a directory, the file's extension agreeing with the format."""
    chosen = tuple(dict.fromkeys(name for group in formats or () for name in group))
    out = out or STDOUT
    directory = out != STDOUT and (out.endswith(("/", os.sep)) or Path(out).is_dir())
    shown = ",".join(chosen)
    if directory:
        return ReportTargets(chosen or (DEFAULT_FORMAT,), out, True)
    if len(chosen) > 1:
        raise _usage(
            "--format",
            shown,
            "several formats need -o DIRECTORY/ (an existing directory, or a path ending in /),"
            " one file per format",
        )
    if out == STDOUT:
        return ReportTargets(chosen or (DEFAULT_FORMAT,), out, False)
    suffix = Path(out).suffix.lower()
    by_extension = EXTENSIONS.get(suffix)
    if not chosen:
        if by_extension is None:
            raise _usage(
                "--out",
                out,
                f"the extension {suffix or '(none)'} names no format; use"
                f" {', '.join(sorted(EXTENSIONS))}, or pass -f {'|'.join(FORMATS)}",
            )
        return ReportTargets((by_extension,), out, False)
    if by_extension is not None and by_extension != chosen[0]:
        fixed = Path(out).with_suffix(SUFFIX[chosen[0]]).name
        raise _usage(
            "--out",
            out,
            f"the extension says {by_extension}, --format says {chosen[0]}; name it {fixed}"
            " or drop --format",
        )
    return ReportTargets(chosen, out, False)


def write_report(
    report: Report,
    targets: ReportTargets,
    command: str,
    columns: tuple[str, ...] = REPORT_COLUMNS,
) -> list[str]:
    """Every format of one report object (one generated_at for all); the files written."""
    paths = targets.paths(report, command)
    for name, path in zip(targets.formats, paths, strict=True):
        write_output(path, render(report, name, columns))
    return [path for path in paths if path != STDOUT]


def command_line_problem(flag: str, value: str, message: str) -> Problem:
    return Problem("command line", flag, value, message)


def _usage(flag: str, value: str, message: str) -> InputError:
    return InputError([command_line_problem(flag, value, message)])
