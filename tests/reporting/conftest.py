"""Reports made here are dated alike, so golden files stay byte-identical."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _dated_alike(fixed_clock: None) -> None:
    """`fixed_clock` (tests/support/reports.py) for every test of this directory."""
