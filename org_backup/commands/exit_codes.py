"""The exit codes (README, "Commands and exit codes"), and the table each command's `--help`
ends with, so a script author reads them where they look first."""

from __future__ import annotations

import textwrap

OK, FINDINGS, INPUT, AWS = 0, 1, 2, 3
INTERRUPTED, TERMINATED = 130, 143  # 128 + the signal, as shells report them

INVALID_INPUT = (
    "invalid input (settings, stack file, accounts/ file, flag): one line per problem,"
    " nothing written"
)
AWS_FAILED = "an AWS call the whole run depends on failed"
_INTERRUPT = "interrupted (Ctrl-C; 143 on SIGTERM): pending work cancelled, no file half-written"


def epilog(codes: dict[int, str]) -> str:
    """`exit codes:` and one line per code, the interrupt's last (every command has it)."""
    rows = [*sorted(codes.items()), (INTERRUPTED, _INTERRUPT)]
    lines = ["exit codes:"]
    for code, meaning in rows:
        lines += textwrap.wrap(
            meaning,
            88,
            initial_indent=f"  {code:>3}  ",
            subsequent_indent=" " * 7,
            break_on_hyphens=False,
        )
    return "\n".join(lines)
