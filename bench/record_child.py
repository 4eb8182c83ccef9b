"""Child process, not measured: the resource graph `synth` registers for this organization,
recorded for the SDK floor (bench/graph.py) to replay.

The same synth as bench/synth_child.py, under a monitor that also records the graph.

    python -m bench.record_child ACCOUNTS_DIR REGIONS_JSON GRAPH_OUT [PREVIOUS]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bench.child import emit, registrations
from bench.graph import GraphRecorder
from bench.synth_child import synth


def main(accounts_dir: Path, regions: list[str], graph_path: Path, previous: str | None) -> None:
    recorders: list[GraphRecorder] = []

    def recorder(*args: Any) -> GraphRecorder:
        recorders.append(GraphRecorder(*args))
        return recorders[-1]

    result = synth(accounts_dir, regions, previous, recorder)
    graph_path.write_text(json.dumps(recorders[0].graph))
    emit(registrations(result["resources"]))


if __name__ == "__main__":
    main(
        Path(sys.argv[1]),
        json.loads(sys.argv[2]),
        Path(sys.argv[3]),
        sys.argv[4] if len(sys.argv) > 4 else None,
    )
