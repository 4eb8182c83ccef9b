"""`discover`'s filters: which accounts of the coverage to show (`--status`, `--ou`, `--account`).

They only narrow what is printed; discovery and planning still see the whole organization, so a
filtered line reads exactly as it would in the full listing.
"""

from __future__ import annotations

import argparse

from org_backup.aws_rules.limits import check_account_id
from org_backup.coverage.model import AccountCoverage, Coverage


def add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--status", choices=("covered", "skipped"), help="only accounts with this status"
    )
    parser.add_argument(
        "--ou",
        metavar="PATH_PREFIX",
        help="only accounts in this OU path or below it, e.g. Root/ML (whole path segments)",
    )
    parser.add_argument(
        "-a",
        "--account",
        action="extend",
        default=[],
        type=account_ids,
        metavar="ID",
        help="only this account (repeat, or a comma list)",
    )


def apply_filters(coverage: Coverage, args: argparse.Namespace) -> Coverage:
    """The coverage with only the accounts that pass every given filter."""
    wanted = set(args.account)

    def keep(account: AccountCoverage) -> bool:
        return (
            (args.status is None or account.status == args.status)
            and (args.ou is None or in_ou(account.ou_path, args.ou))
            and (not wanted or account.account_id in wanted)
        )

    return coverage.model_copy(update={"accounts": tuple(filter(keep, coverage.accounts))})


def account_ids(text: str) -> list[str]:
    """An argparse type: `-a ID,ID`, each checked."""
    return [account_id(part.strip()) for part in text.split(",") if part.strip()]


def account_id(text: str) -> str:
    """An argparse type: a bad id is rejected (exit 2) before any AWS call."""
    message = check_account_id(text)
    if message:
        raise argparse.ArgumentTypeError(f"{text!r} {message}")
    return text


def in_ou(ou_path: str, prefix: str) -> bool:
    """`Root/ML` holds `Root/ML` and `Root/ML/Prod`, not `Root/MLOps`."""
    prefix = prefix.rstrip("/")
    return ou_path == prefix or ou_path.startswith(prefix + "/")
