"""`accounts done of total` on stderr, only when stderr is a terminal (stdout stays clean)."""

from __future__ import annotations

import sys
import threading
from typing import TextIO


class Progress:
    def __init__(self, label: str, total: int, stream: TextIO | None = None):
        self._stream = stream if stream is not None else sys.stderr
        self._enabled = total > 0 and self._stream.isatty()
        self._label = label
        self._total = total
        self._done = 0
        self._lock = threading.Lock()

    def advance(self) -> None:
        with self._lock:
            self._done += 1
            if self._enabled:
                end = "\n" if self._done == self._total else ""
                self._stream.write(f"\r{self._label}: {self._done}/{self._total} accounts{end}")
                self._stream.flush()
