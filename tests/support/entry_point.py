"""The root `__main__.py` as Pulumi's language host runs it: its module code, then the async
entrypoint it hands to `pulumi.run` (pulumi/runtime/stack.py, `run_in_stack`)."""

from __future__ import annotations

import runpy
from collections.abc import Awaitable, Callable
from pathlib import Path

import pulumi
import pytest

ENTRY_POINT = Path(__file__).resolve().parents[2] / "__main__.py"


async def run_entry_point(monkeypatch: pytest.MonkeyPatch) -> None:
    entrypoints: list[Callable[[], Awaitable[None]]] = []
    monkeypatch.setattr(pulumi, "run", entrypoints.append)
    runpy.run_path(str(ENTRY_POINT), run_name="__main__")
    [entrypoint] = entrypoints  # pulumi.run may be called once only
    await entrypoint()
