"""The mock engine that `synth` and the tests run the program under leaves nothing behind."""

from __future__ import annotations

import gc
import warnings

from org_backup.rollout.synthesize import synthesize
from tests.support.plans import covered, org


def test_a_synth_leaves_no_event_loop_unclosed():
    """The SDK's mock monitor makes an event loop in every engine thread; left open, each
    was reported by the garbage collector as an unclosed loop, long after the run."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        synthesize(org(covered("111122223333")))
        gc.collect()

    unclosed = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert unclosed == []
