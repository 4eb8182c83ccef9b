"""One account's AWS calls: clients of its own, and a deadline checked before every attempt.

Retry budgets: botocore's retry quota is per client (500 tokens, 14 spent per retried 5xx or
timeout), so the caller's STS and Account clients, if shared by every account, let a brownout's
first accounts spend the quota of all the others: after about 35 retries every later failure is
final. An AccountSession makes that account's clients for itself, so its retries draw on its own
quota. What stays shared is the adaptive rate limiter of the caller's own credentials, one per
service and region, since AWS throttles the caller's account as a whole; clients under a member
account's role keep botocore's adaptive mode, that account being throttled on its own.

Deadlines: Python threads cannot be stopped, so the budget is kept by the calls themselves. Every
attempt of every call of the account first checks the deadline (botocore's `before-send`), each
attempt's connect and read timeouts are capped at the budget, and `fanout.per_account` stops
waiting for the account when its deadline passes.
"""

from __future__ import annotations

import threading
import time
import weakref
from typing import Any

from botocore.config import Config
from botocore.retries import adaptive

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
    """A Session (see aws.Session) for one account's calls, from the caller's session."""

    def __init__(self, caller: Any, budget_seconds: float | None = None):
        self.region_name = caller.region_name
        self.deadline = Deadline(budget_seconds)
        self._caller = caller

    def client(self, service_name: str, **kwargs: Any) -> Any:
        own_role = "aws_access_key_id" in kwargs  # an AssumedRole of this account asks
        config: Config = kwargs.pop("config", None) or Config()
        options: dict[str, Any] = {}
        if not own_role:
            options["retries"] = {**(config.retries or {}), "mode": "standard"}
        budget = self.deadline.budget_seconds
        if budget is not None:
            options["connect_timeout"] = min(config.connect_timeout, budget)
            options["read_timeout"] = min(config.read_timeout, budget)
        made = self._caller.client(service_name, config=config.merge(Config(**options)), **kwargs)
        if not own_role:
            _shared_limiter(self._caller, made).attach(made)
        if budget is not None:
            made.meta.events.register("before-send", self.deadline.check)
        return made


class _Limiter:
    """One adaptive rate limiter, fed and obeyed by several clients."""

    def __init__(self, first_client: Any):
        self._limiter = adaptive.register_retry_handler(first_client)
        self._first = weakref.ref(first_client)

    def attach(self, client: Any) -> None:
        if self._first() is client:
            return  # registered on it when made
        client.meta.events.register("before-send", self._limiter.on_sending_request)
        client.meta.events.register("needs-retry", self._limiter.on_receiving_response)


_LIMITERS: weakref.WeakKeyDictionary[Any, dict[tuple[str, str | None], _Limiter]] = (
    weakref.WeakKeyDictionary()
)
_LIMITERS_LOCK = threading.Lock()


def _shared_limiter(caller: Any, client: Any) -> _Limiter:
    """The caller's limiter for the client's service and region, made with the first client."""
    key = (client.meta.service_model.service_name, client.meta.region_name)
    with _LIMITERS_LOCK:
        limiters = _LIMITERS.setdefault(caller, {})
        if key not in limiters:
            limiters[key] = _Limiter(client)
        return limiters[key]
