"""`python -m org_backup.demo start|serve|stop`: the long-running demo (`make demo`)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from org_backup.demo.live import DEFAULT_PORT, serve, start, stop


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m org_backup.demo",
        description="An emulated AWS organization on 127.0.0.1 for a shell to point at.",
        epilog="exit codes: 0 ok; 1 the emulator did not start; 2 the port is in use;"
        " 130 interrupted",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("start", "run the emulator in the background and print the export lines"),
        ("serve", "run the emulator in the foreground (^C ends it)"),
        ("stop", "end the emulator started by start and remove its files"),
    ):
        command = commands.add_parser(name, help=text, description=text)
        command.add_argument("--dir", type=Path, default=Path("build/demo"))
        if name != "stop":
            command.add_argument(
                "--port", type=int, default=int(os.environ.get("DEMO_PORT") or DEFAULT_PORT)
            )
    args = parser.parse_args(argv)
    if args.command == "start":
        return start(args.port, args.dir)
    if args.command == "serve":
        return serve(args.port, args.dir)
    return stop(args.dir)


if __name__ == "__main__":
    sys.exit(main())
