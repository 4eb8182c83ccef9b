"""`shard-summary`: what one shard's pull request changes, as Markdown for the CI job summary.

Accounts added, removed and degraded come from `synth --previous`'s manifest against the
previous stack output; resources to create, update, replace and delete from the real
`pulumi preview --json` digest (its `changeSummary` and `steps`).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from org_backup.commands import exit_codes
from org_backup.errors import MISSING, InputError, Problem
from org_backup.manifest.model import Account
from org_backup.manifest.reader import load_manifest
from org_backup.reporting.render_markdown import literal

# `pulumi preview --json` step ops that change something, in the order a reviewer reads them.
CHANGING_OPS = ("create", "update", "replace", "delete", "import", "create-replacement")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "shard-summary",
        help="Markdown summary of one shard's planned change (for CI job summaries)",
        description="Compare `synth --previous`'s manifest with the previous stack output and"
        " count the operations of `pulumi preview --json`; print Markdown.",
        epilog=exit_codes.epilog(
            {exit_codes.OK: "the summary is printed", exit_codes.INPUT: exit_codes.INVALID_INPUT}
        ),
    )
    parser.add_argument(
        "-s",
        "--stack",
        "--shard",
        dest="shard",
        required=True,
        metavar="NAME",
        help="the shard's stack name, for the title",
    )
    parser.add_argument("--synth", required=True, metavar="FILE", help="synth --out FILE")
    parser.add_argument(
        "--previous",
        metavar="FILE",
        help="`pulumi stack output --json` before the change; absent or {} for a new stack",
    )
    parser.add_argument("--preview", metavar="FILE", help="`pulumi preview --json` output")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    planned = _covered(load_manifest(args.synth).manifest.accounts)
    previous = _previous_covered(args.previous)
    digest = _read_json(args.preview) if args.preview else None
    registered = len(_read_json(args.synth).get("resources") or [])
    sys.stdout.write(render(args.shard, planned, previous, digest, registered))
    return 0


def render(
    shard: str,
    planned: dict[str, Account],
    previous: dict[str, Account] | None,
    digest: dict[str, Any] | None,
    registered: int | None = None,
) -> str:
    added = sorted(planned.keys() - (previous or {}).keys())
    removed = sorted((previous or {}).keys() - planned.keys())
    degraded = sorted(account_id for account_id, account in planned.items() if account.degraded)
    lines = [f"### {literal(shard)}", ""]
    if previous is None:
        lines.append("No previous stack output: a new stack, every covered account is added.")
        lines.append("")
    lines += [
        "| accounts covered | added | removed | degraded |",
        "| --- | --- | --- | --- |",
        f"| {len(planned)} | {len(added)} | {len(removed)} | {len(degraded)} |",
        "",
    ]
    for title, ids, source in (
        ("Removed (their plans, selections and roles are deleted)", removed, previous or {}),
        ("Degraded (kept from the previous state)", degraded, planned),
        ("Added", added, planned),
    ):
        if ids:
            lines.append(f"**{title}**: " + ", ".join(_label(source[i]) for i in ids))
            lines.append("")
    lines += _resources(digest, registered)
    return "\n".join(lines) + "\n"


def _resources(digest: dict[str, Any] | None, registered: int | None = None) -> list[str]:
    if digest is None:
        program = (
            f" The program registers {registered} resources (synth, offline); the approved"
            " deployment's `pulumi up --diff` shows what changes."
            if registered is not None
            else ""
        )
        return [f"No `pulumi preview` output: resource changes unknown.{program}", ""]
    summary = digest.get("changeSummary") or {}
    lines = [
        "| resources to create | import | update | replace | delete | unchanged |",
        "| --- | --- | --- | --- | --- | --- |",
        "| {} | {} | {} | {} | {} | {} |".format(
            *(
                summary.get(op, 0)
                for op in ("create", "import", "update", "replace", "delete", "same")
            )
        ),
        "",
    ]
    steps = [step for step in digest.get("steps") or [] if step.get("op") in CHANGING_OPS]
    if steps:
        listing = []
        for step in steps:
            keys = ", ".join(str(key) for key in step.get("diffReasons") or [])
            line = f"{step['op']:>8} {step.get('urn', '')}" + (f"  ({keys})" if keys else "")
            listing.append(re.sub(r"[\r\n]+", " ", line))  # one line per step
        # A fence longer than any run of backticks inside, so nothing in it can close it.
        fence = "`" * max(3, 1 + max(len(run) for run in re.findall("`*", "".join(listing))))
        lines += ["<details><summary>Every change</summary>", "", fence, *listing, fence]
        lines += ["", "</details>", ""]
    return lines


def _covered(accounts: list[Account]) -> dict[str, Account]:
    return {account.account_id: account for account in accounts if account.status == "covered"}


def _previous_covered(path: str | None) -> dict[str, Account] | None:
    """None when there is no previous state: no file, or a stack with no outputs yet (`{}`)."""
    if path is None or _read_json(path) == {}:
        return None
    return _covered(load_manifest(path).manifest.accounts)


def _label(account: Account) -> str:
    """Names come from the organization (and ids from a file): literal text, never markup."""
    reason = account.degraded
    return literal(f"{account.account_id} ({account.name}{': ' + reason if reason else ''})")


def _read_json(path: str) -> Any:
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError) as error:
        raise InputError(
            [Problem(path, "(file)", MISSING, f"is not readable JSON: {error}")]
        ) from None
