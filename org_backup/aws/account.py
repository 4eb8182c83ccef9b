"""One account's AWS calls: its own credentials, retry quota and deadline, on shared clients.

Retry budgets: botocore's retry quota is per client (500 tokens, 14 spent per retried 5xx or
timeout), so the caller's STS and Account clients, if shared by every account, let a brownout's
first accounts spend the quota of all the others: after about 35 retries every later failure is
final. So each account's calls draw on a quota of their own. Its clients are nonetheless the
run's shared ones (one per service, region and configuration): a client per account cost about
5 ms of CPU each, five per account for an adoption lookup, 30 ms per account in all against
4 ms (`make bench`, 390 accounts). An AccountClient binds each call to its account: botocore's
retry handler, rate limiter and `before-send` events of the shared client are forwarded to the
account's own, and a call under a member account's role is signed with that role's credentials
(botocore's per-request `request_credentials`). What stays shared is the adaptive rate limiter
of the caller's own credentials, one per service and region, since AWS throttles the caller's
account as a whole; calls under a member account's role get an adaptive limiter of their own,
that account being throttled on its own.

Deadlines: Python threads cannot be stopped, so the budget is kept by the calls themselves. Every
attempt of every call of the account first checks the deadline (botocore's `before-send`), each
attempt's connect and read timeouts are capped at the budget, and `fanout.per_account` stops
waiting for the account when its deadline passes.
"""

from __future__ import annotations

import functools
import json
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from botocore.config import Config
from botocore.credentials import Credentials
from botocore.hooks import HierarchicalEmitter, first_non_none_response
from botocore.retries import adaptive, standard

from org_backup.aws.answers import operation_name
from org_backup.errors import AccountFailure

BUDGET_SETTING = "account_timeout_seconds"


class AccountTimeout(AccountFailure):
    """The account's calls took longer than its budget: a failed lookup, whatever it was doing."""

    def __init__(self, budget_seconds: float, what: str):
        super().__init__(f"took longer than {BUDGET_SETTING} ({budget_seconds:g} s): {what}")


class Deadline:
    """When one account's time is up, and the call it was making."""

    def __init__(self, budget_seconds: float | None):
        self.budget_seconds = budget_seconds
        self._ends = None if budget_seconds is None else time.monotonic() + budget_seconds
        self.operation: str | None = None

    def remaining(self) -> float | None:
        return None if self._ends is None else self._ends - time.monotonic()

    @property
    def expired(self) -> bool:
        remaining = self.remaining()
        return remaining is not None and remaining <= 0

    def check(self, event_name: str, **_: Any) -> None:
        """`before-send` of every attempt: no attempt starts once the time is up."""
        operation = operation_name(event_name)
        if self.expired:
            assert self.budget_seconds is not None
            raise AccountTimeout(
                self.budget_seconds, f"stopped before another attempt of {operation}"
            )
        self.operation = operation

    def timed_out(self) -> AccountTimeout:
        """The failure of an account given up on while its call was still under way."""
        assert self.budget_seconds is not None
        what = f"{self.operation} was still under way" if self.operation else "still running"
        return AccountTimeout(self.budget_seconds, what)


class AccountSession:
    """A Session (see aws.Session) for one account's calls, from the caller's session.

    Its clients are views of the run's shared clients (`AccountClient`): making a boto3 client
    costs about 5 ms of CPU and 0.2 MB with its first call, five of them per account for an
    adoption lookup, while one call on a made client costs under 1 ms. What is the account's
    own stays its own: its credentials sign each request, its retry quota and, under a member
    account's role, its adaptive rate limiter decide each retry, and its deadline each attempt.
    """

    def __init__(self, caller: Any, budget_seconds: float | None = None):
        self.region_name = caller.region_name
        self.deadline = Deadline(budget_seconds)
        self._caller = caller
        self._states: dict[int, _AccountState] = {}  # by id of the shared client
        self._lock = threading.Lock()

    def client(self, service_name: str, **kwargs: Any) -> AccountClient:
        keys = {name: kwargs.pop(name) for name in _CREDENTIALS if name in kwargs}
        region = kwargs.pop("region_name", None)
        config: Config = kwargs.pop("config", None) or Config()
        if kwargs:
            raise TypeError(f"unexpected client arguments: {', '.join(sorted(kwargs))}")
        own_role = bool(keys)  # an AssumedRole of this account asks
        shared = _shared_client(self._caller, service_name, region, config, self.deadline, own_role)
        with self._lock:
            state = self._states.get(id(shared))
            if state is None:
                state = self._states[id(shared)] = _AccountState(shared, self.deadline, own_role)
        credentials = (
            Credentials(
                keys["aws_access_key_id"],
                keys["aws_secret_access_key"],
                keys.get("aws_session_token"),
            )
            if own_role
            else None
        )
        return AccountClient(shared, _Binding(state, credentials))


# The keyword arguments of boto3's `Session.client` that carry credentials.
_CREDENTIALS = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token")
# As many threads as Settings.max_workers allows may use one shared client at once.
_CONCURRENT_CALLS = 64


class _OwnHandlersEmitter(HierarchicalEmitter):
    """An emitter for botocore's own retry handlers and the deadline's check, which all take
    `**kwargs`: botocore's check of that, `inspect.getfullargspec` on every registration, was
    an eighth of an account's CPU in an adoption lookup (eight handlers on each of its five
    clients' states)."""

    def _verify_accept_kwargs(self, func: Callable[..., Any]) -> None:
        return None


class _AccountState:
    """One account's retry quota (and, under its own role, adaptive rate limiter) and deadline
    for the calls of one shared client, held on an event emitter of its own, as botocore
    registers them on a client."""

    def __init__(self, shared: Any, deadline: Deadline, own_role: bool):
        self.events = _OwnHandlersEmitter()
        own = SimpleNamespace(meta=SimpleNamespace(service_model=shared.meta.service_model))
        own.meta.events = self.events
        standard.register_retry_handler(own, shared.meta.config.retries.get("total_max_attempts"))
        if own_role:
            adaptive.register_retry_handler(own)
        if deadline.budget_seconds is not None:
            self.events.register("before-send", deadline.check)


@dataclass(frozen=True)
class _Binding:
    """Whose calls a shared client makes: the account's state, and its role's credentials
    (None: the caller's own, which the shared client holds)."""

    state: _AccountState
    credentials: Credentials | None


_BOUND: ContextVar[_Binding | None] = ContextVar("org_backup_account_calls", default=None)


class AccountClient:
    """A shared client's calls made as one account: each API call, and each page a paginator
    fetches, runs with the account's binding (see `AccountSession`)."""

    def __init__(self, shared: Any, binding: _Binding):
        self._shared = shared
        self._binding = binding

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._shared, name)
        if name in self._shared.meta.method_to_api_mapping:
            return functools.partial(_bound, self._binding, attribute)
        return attribute

    def get_paginator(self, operation_name: str) -> _Paginator:
        return _Paginator(self._shared.get_paginator(operation_name), self._binding)


class _Paginator:
    def __init__(self, paginator: Any, binding: _Binding):
        self._paginator = paginator
        self._binding = binding

    def paginate(self, **kwargs: Any) -> Iterator[Any]:
        pages = iter(self._paginator.paginate(**kwargs))
        while True:
            token = _BOUND.set(self._binding)
            try:
                page = next(pages)
            except StopIteration:
                return
            finally:
                _BOUND.reset(token)
            yield page


def _bound(binding: _Binding, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    token = _BOUND.set(binding)
    try:
        return call(*args, **kwargs)
    finally:
        _BOUND.reset(token)


def _forward(event_name: str, **kwargs: Any) -> Any:
    """A shared client's event, to the account whose call it is (its retry handler, limiter,
    deadline); no account, no retry."""
    binding = _BOUND.get()
    if binding is None:
        return None
    return first_non_none_response(binding.state.events.emit(event_name, **kwargs))


def _sign_as_account(context: dict[str, Any], **_: Any) -> None:
    """Before a call's request is built: its attempts are signed with the account's role
    credentials (botocore's per-request `request_credentials`), never with the placeholder the
    shared client was made with; a call outside an AccountClient fails here."""
    binding = _BOUND.get()
    if binding is None or binding.credentials is None:
        raise RuntimeError("a shared client of member accounts called outside AccountClient")
    context.setdefault("signing", {})["request_credentials"] = binding.credentials


_SHARED: weakref.WeakKeyDictionary[Any, dict[tuple[Any, ...], Any]] = weakref.WeakKeyDictionary()
_SHARED_LOCK = threading.Lock()
_PLACEHOLDER = {name: "org-backup-unsigned" for name in _CREDENTIALS}


def _shared_client(
    caller: Any,
    service_name: str,
    region: str | None,
    config: Config,
    deadline: Deadline,
    own_role: bool,
) -> Any:
    """The caller's one client for this service, region and configuration, made on first use.

    Under a member account's role (`own_role`) it is made with placeholder credentials that
    `_sign_as_account` replaces in every call, and no rate limiter of its own; with the
    caller's credentials it keeps botocore's adaptive limiter, shared by every account, since
    AWS throttles the caller's account as a whole. Either way botocore's own retry handler
    (one quota for all) is replaced by `_forward`, to each account's own.
    """
    budget = deadline.budget_seconds
    options: dict[str, Any] = {
        "retries": {**(config.retries or {}), "mode": "standard" if own_role else "adaptive"},
        "max_pool_connections": _CONCURRENT_CALLS,
    }
    if budget is not None:
        options["connect_timeout"] = min(config.connect_timeout, budget)
        options["read_timeout"] = min(config.read_timeout, budget)
    merged = config.merge(Config(**options))
    key = (
        service_name,
        region,
        own_role,
        json.dumps(merged.retries, sort_keys=True),
        merged.connect_timeout,
        merged.read_timeout,
    )
    with _SHARED_LOCK:
        clients = _SHARED.setdefault(caller, {})
        if key not in clients:
            credentials = _PLACEHOLDER if own_role else {}
            made = caller.client(service_name, region_name=region, config=merged, **credentials)
            service = made.meta.service_model.service_id.hyphenize()
            made.meta.events.unregister(
                f"needs-retry.{service}", unique_id=f"retry-config-{service}"
            )
            for event in ("before-send", "needs-retry", "after-call"):
                made.meta.events.register(event, _forward, unique_id=f"org-backup-{event}")
            if own_role:
                made.meta.events.register(
                    "before-parameter-build",
                    _sign_as_account,
                    unique_id="org-backup-sign-as-account",
                )
            clients[key] = made
        return clients[key]
