"""Run one task per account on a bounded set of threads; a failure stays that account's own.

Each task gets the account's own AccountSession (its own credentials and retry budget on the
run's shared clients, and its deadline). An account whose deadline passes is given up on there
and then: its failure is recorded, a new thread takes its place, and the old one, which Python
cannot stop, ends at its next attempt (the deadline is checked before every attempt). Worker
threads are daemons, so a call still under way never holds the end of the run either. An
interrupt (Ctrl-C, SIGTERM) stops the run at once: no queued account is started after it.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from org_backup.aws.account import AccountSession
from org_backup.aws.progress import Progress
from org_backup.aws.sessions import Session, describe_error

T = TypeVar("T")
R = TypeVar("R")

# A thread that has taken an account but not yet started its clock is only a moment away.
_POLL_SECONDS = 0.05


def per_account(
    items: Iterable[T],
    key: Callable[[T], str],
    task: Callable[[T, Session], R],
    max_workers: int,
    session: Session,
    budget_seconds: float | None = None,
    progress: Progress | None = None,
    on_done: Callable[[str, R | None, str | None], None] | None = None,
    stop: threading.Event | None = None,
) -> tuple[dict[str, R], dict[str, str]]:
    """Results and failure reasons, both keyed by account id. Never raises for one account.

    `task(item, calls)` makes the account's AWS calls through `calls`, an AccountSession of
    `session` with `budget_seconds` from the moment the task starts (None: no deadline).
    `on_done(account_id, result, failure)` hears of each account as soon as it is settled, from
    the calling thread; setting `stop` starts no account after it (a caller on another thread).
    """
    run = _Run(key, task, session, budget_seconds, progress, on_done, stop)
    return run.until_done(list(items), max_workers)


class _Run(Generic[T, R]):
    def __init__(
        self,
        key: Callable[[T], str],
        task: Callable[[T, Session], R],
        session: Session,
        budget_seconds: float | None,
        progress: Progress | None,
        on_done: Callable[[str, R | None, str | None], None] | None,
        stop: threading.Event | None,
    ):
        self._key, self._task, self._session = key, task, session
        self._budget, self._progress, self._on_done = budget_seconds, progress, on_done
        self._todo: queue.SimpleQueue[T] = queue.SimpleQueue()
        self._done: queue.SimpleQueue[tuple[str, Any, Exception | None]] = queue.SimpleQueue()
        self._running: dict[str, AccountSession] = {}  # started, not finished nor given up
        self._given_up: set[str] = set()
        self._stopped = stop or threading.Event()
        self.results: dict[str, R] = {}
        self.failures: dict[str, str] = {}

    def until_done(self, items: list[T], max_workers: int) -> tuple[dict[str, R], dict[str, str]]:
        for item in items:
            self._todo.put(item)
        try:
            return self._collect(len(items), max_workers)
        except BaseException:
            self._cancel()
            raise

    def _cancel(self) -> None:
        """No account not yet started starts; the ones in a call end with the process."""
        self._stopped.set()
        while True:
            try:
                self._todo.get_nowait()
            except queue.Empty:
                return

    def _collect(self, total: int, max_workers: int) -> tuple[dict[str, R], dict[str, str]]:
        for _ in range(min(max_workers, total)):
            self._start_worker()
        while len(self.results) + len(self.failures) < total and not self._stopped.is_set():
            try:
                account_id, result, error = self._done.get(timeout=self._next_wait())
            except queue.Empty:
                self._give_up_late_accounts()
                continue
            if account_id in self._given_up:
                continue  # it answered after all, too late
            self._running.pop(account_id, None)
            if error is None:
                self.results[account_id] = result
            else:
                self.failures[account_id] = describe_error(error)
            self._advance(account_id)
        return self.results, self.failures

    def _start_worker(self) -> None:
        threading.Thread(target=self._work, name="org-backup-account", daemon=True).start()

    def _work(self) -> None:
        while not self._stopped.is_set():
            try:
                item = self._todo.get_nowait()
            except queue.Empty:
                return
            account_id = self._key(item)
            calls = AccountSession(self._session, self._budget)
            self._running[account_id] = calls
            try:
                self._done.put((account_id, self._task(item, calls), None))
            except Exception as error:  # whatever it is, it is this account's failure
                self._done.put((account_id, None, error))
            if account_id in self._given_up:
                return  # another thread has taken this one's place

    def _next_wait(self) -> float | None:
        """Until the first running account's deadline; without a budget, a poll for `stop`."""
        if self._budget is None:
            return _POLL_SECONDS
        remaining = [
            left
            for calls in list(self._running.values())
            if (left := calls.deadline.remaining()) is not None
        ]
        return max(0.0, min(remaining)) if remaining else _POLL_SECONDS

    def _give_up_late_accounts(self) -> None:
        for account_id, calls in list(self._running.items()):
            if calls.deadline.expired and account_id not in self._given_up:
                self._given_up.add(account_id)
                del self._running[account_id]
                self.failures[account_id] = str(calls.deadline.timed_out())
                self._start_worker()
                self._advance(account_id)

    def _advance(self, account_id: str) -> None:
        if self._progress is not None:
            self._progress.advance()
        if self._on_done is not None:
            self._on_done(account_id, self.results.get(account_id), self.failures.get(account_id))
