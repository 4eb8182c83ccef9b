"""Count every AWS request, from every client of every session, assumed-role ones included.

Clients are created deep inside the code under test (one per assumed role), so no single
session's event system sees them all: the one place every client passes through is
`BaseClient._make_api_call`, where each client gets a `before-send` hook once. Counting at
`before-send` means what reaches AWS: one per page, retries included.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from botocore.client import BaseClient


@contextmanager
def counted_requests() -> Iterator[Counter[str]]:
    """Yield a Counter of `service:Operation` that fills while the block runs (thread-safe)."""
    counts: Counter[str] = Counter()
    lock = threading.Lock()
    # A client that outlives an earlier block keeps that block's hook; a fresh id adds ours.
    hook_id = f"bench-count-{uuid.uuid4()}"
    original = BaseClient._make_api_call

    def on_send(event_name: str, **_: Any) -> None:
        _, service, operation = event_name.split(".", 2)  # before-send.<service>.<Operation>
        with lock:
            counts[f"{service}:{operation}"] += 1

    def make_api_call(self: BaseClient, operation_name: str, api_params: dict) -> Any:
        self.meta.events.register("before-send", on_send, unique_id=hook_id)
        return original(self, operation_name, api_params)

    BaseClient._make_api_call = make_api_call  # type: ignore[method-assign]
    try:
        yield counts
    finally:
        BaseClient._make_api_call = original  # type: ignore[method-assign]
