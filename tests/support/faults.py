"""Faults injected at the HTTP edge, in front of moto: botocore's `before-send` event.

A handler registered for `before-send.<service id>.<Operation>` runs before moto's own (which
listens to every `before-send`), so an answer it returns is what the client receives: a status
and a body as the wire would carry them, parsed by botocore as any answer is. It may also send
the request elsewhere (a server that never answers). Nothing of the project is replaced.

`edge` registers on every botocore session made from then on (as moto does, through botocore's
built-in handlers: the CLI makes its own sessions) and on the sessions it is given.
"""

from __future__ import annotations

import json
import socket
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

import botocore.handlers
import pytest
from botocore.awsrequest import AWSPreparedRequest, AWSResponse

Respond = Callable[[AWSPreparedRequest], AWSResponse | None]

HTML = b"<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>"
NOT_UTF8 = b"\x00\xff\xfe garbage"


class _Body:
    def __init__(self, body: bytes):
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def http(status: int, body: bytes | str = b"", content_type: str = "text/html") -> Respond:
    """An answer with this status and body, whatever was asked."""
    data = body.encode() if isinstance(body, str) else body

    def respond(request: AWSPreparedRequest) -> AWSResponse:
        return AWSResponse(request.url, status, {"content-type": content_type}, _Body(data))

    return respond


def json_answer(document: dict[str, Any], status: int = 200) -> Respond:
    return http(status, json.dumps(document), "application/x-amz-json-1.1")


def xml_error(status: int, code: str) -> Respond:
    """A query-protocol (STS, IAM, EC2-style) error, as AWS writes it."""
    body = (
        "<ErrorResponse><Error><Type>Receiver</Type>"
        f"<Code>{code}</Code><Message>injected {code}</Message></Error>"
        "<RequestId>fault</RequestId></ErrorResponse>"
    )
    return http(status, body, "text/xml")


def json_params(request: AWSPreparedRequest) -> dict[str, Any]:
    """The parameters of a JSON or rest-JSON request."""
    return json.loads(request.body or b"{}")


def form_params(request: AWSPreparedRequest) -> dict[str, str]:
    """The parameters of a query-protocol request (STS, IAM, EC2)."""
    body = request.body.decode() if isinstance(request.body, bytes) else request.body or ""
    return {key: values[0] for key, values in parse_qs(body).items()}


class Edge:
    """Handlers by service id and operation; each call of each operation is counted."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self._monkeypatch = monkeypatch
        self._sessions: list[Any] = []
        self._handlers: dict[str, Respond] = {}
        self.calls: Counter[str] = Counter()

    def on(self, service_id: str, operation: str, respond: Respond) -> None:
        """From now on `respond` sees every request of the operation; None lets moto answer."""
        event = f"before-send.{service_id}.{operation}"
        if event not in self._handlers:
            handler = self._handler(event)
            self._monkeypatch.setattr(
                botocore.handlers,
                "BUILTIN_HANDLERS",
                [*botocore.handlers.BUILTIN_HANDLERS, (event, handler)],
            )
            for session in self._sessions:
                session.events.register(event, handler)
        self._handlers[event] = respond

    def count(self, service_id: str, *operations: str) -> None:
        """Count these operations' requests too (answered as before: by a handler, or moto)."""
        for operation in operations:
            if f"before-send.{service_id}.{operation}" not in self._handlers:
                self.on(service_id, operation, lambda request: None)

    def reach(self, session: Any) -> None:
        """Also inject into an existing boto3 session (made before the handlers)."""
        self._sessions.append(session)

    def _handler(self, event: str) -> Callable[..., AWSResponse | None]:
        def handler(request: AWSPreparedRequest, **_: Any) -> AWSResponse | None:
            self.calls[event.removeprefix("before-send.")] += 1
            return self._handlers[event](request)

        return handler


@contextmanager
def black_hole() -> Iterator[Callable[[AWSPreparedRequest], None]]:
    """A server that accepts connections and never answers; yields a function that sends a
    request there instead (the client's own connect and read timeouts then apply)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)  # the kernel accepts; nobody reads, nobody answers
    address = f"127.0.0.1:{server.getsockname()[1]}"
    held: list[socket.socket] = []
    stop = threading.Event()

    def hold() -> None:
        server.settimeout(0.05)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()

    def divert(request: AWSPreparedRequest) -> None:
        parts = urlsplit(request.url)
        request.url = urlunsplit(("http", address, parts.path, parts.query, ""))

    try:
        yield divert
    finally:
        stop.set()
        thread.join()
        for connection in held:
            connection.close()
        server.close()
