"""Run one task per account in a bounded thread pool; a failure stays that account's own."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import TypeVar

from org_backup.aws import describe_error
from org_backup.progress import Progress

T = TypeVar("T")
R = TypeVar("R")


def per_account(
    items: Iterable[T],
    key: Callable[[T], str],
    task: Callable[[T], R],
    max_workers: int,
    progress: Progress | None = None,
) -> tuple[dict[str, R], dict[str, str]]:
    """Results and failure reasons, both keyed by account id. Never raises for one account."""
    results: dict[str, R] = {}
    failures: dict[str, str] = {}
    items = list(items)
    if not items:
        return results, failures
    with ThreadPoolExecutor(max_workers=min(max_workers, len(items))) as pool:
        futures = {pool.submit(task, item): key(item) for item in items}
        for future in as_completed(futures):
            account_id = futures[future]
            error = future.exception()
            if error is None:
                results[account_id] = future.result()
            else:
                failures[account_id] = describe_error(error)
            if progress is not None:
                progress.advance()
    return results, failures
