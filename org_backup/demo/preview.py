"""`make preview`: the whole job on a demo organization, with no AWS account and no Pulumi CLI.

Starts a moto server on 127.0.0.1, seeds the demo organization into it, writes one account
override file, then runs `discover`, `synth` and `report` exactly as a user would, with boto3
pointed at the emulator through `AWS_ENDPOINT_URL` and dummy credentials. Nothing is deployed, so
the report judges the synthesized plan with `--planned`, and says so.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import boto3

from org_backup.cli import main as cli
from org_backup.demo.seed import (
    DEMO_REGIONS,
    demo_settings,
    demo_spec,
    seed_organization,
    write_demo_accounts_dir,
)
from org_backup.demo.server import client_environ, moto_server


def preview(build_dir: Path) -> int:
    """Run every step; the first that fails ends the preview with its exit code."""
    accounts_dir = build_dir / "demo-accounts"
    manifest = build_dir / "manifest.json"
    build_dir.mkdir(parents=True, exist_ok=True)
    with moto_server() as endpoint:
        os.environ.update(client_environ(endpoint))
        os.environ.setdefault("ORG_BACKUP_REGIONS", json.dumps(list(DEMO_REGIONS)))
        seeded = seed_organization(boto3.Session(), demo_spec())
        for name, value in demo_settings(seeded).items():  # a central account
            os.environ.setdefault(name, value)
        accounts_dir.mkdir(exist_ok=True)
        write_demo_accounts_dir(accounts_dir, seeded)
        _say(
            f"Demo organization {seeded.organization_id} on {endpoint}:"
            f" {len(seeded.account_ids)} accounts, {len(seeded.file_systems)} EFS file systems;"
            f" override file {accounts_dir}/"
        )
        steps = [
            ("discover", ["discover", "--accounts-dir", str(accounts_dir)]),
            ("synth", ["synth", "--accounts-dir", str(accounts_dir), "--out", str(manifest)]),
        ]
        for title, argv in steps:
            _say(f"$ python -m org_backup {' '.join(argv)}")
            code = cli(argv)
            if code != 0:
                _say(f"preview: {title} failed with exit code {code}")
                return code
    checks = [
        "--planned",
        "--min-retention-days",
        "30",
        "--max-interval-hours",
        "24",
        "--require-copy",
    ]
    for fmt, name in (("markdown", "report.md"), ("html", "report.html")):
        out = str(build_dir / name)
        argv = ["report", "--input", str(manifest), *checks, "--format", fmt, "--out", out]
        _say(f"$ python -m org_backup {' '.join(argv)}")
        code = cli(argv)
        if code != 0:
            _say(f"preview: the demo plan's report found problems (exit code {code})")
            return code
    sys.stdout.write((build_dir / "report.md").read_text())
    _say(
        f"Wrote {manifest}, {build_dir / 'report.md'} and {build_dir / 'report.html'}: a plan"
        " judged on its policy (--planned); after `pulumi up`, report on the stack outputs."
    )
    return 0


def _say(message: str) -> None:
    print(message, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m org_backup.demo.preview")
    parser.add_argument("--build-dir", type=Path, default=Path("build"))
    return preview(parser.parse_args(argv).build_dir)


if __name__ == "__main__":
    sys.exit(main())
