"""Child process: `synthesize` of the serialized Coverage, timed alone (no discovery, no import).

python -m bench.synth_child PLAN.json MANIFEST_OUT.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench.child import emit, measure, type_counts
from org_backup.coverage.model import Coverage
from org_backup.rollout.synthesize import synthesize


def main(plan_path: Path, manifest_path: Path) -> None:
    plan = Coverage.model_validate_json(plan_path.read_text())
    result, figures = measure(lambda: synthesize(plan, stack="bench"))
    emit({**figures, "types": type_counts(result["resources"])})
    manifest_path.write_text(json.dumps(result))  # for the report benchmark


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
