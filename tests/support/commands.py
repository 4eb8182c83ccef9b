"""Commands run in-process as their own parser would run them."""

from __future__ import annotations

import argparse

from org_backup.commands import synth


def run_synth(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    synth.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["synth", *argv])
    return args.run(args)
