"""Pulumi entry point (`pulumi preview` / `pulumi up`): wiring only; the program is
`org_backup.rollout.program.run_program`, the same one `python -m org_backup synth` runs.
"""

from pathlib import Path

import boto3
import pulumi

from org_backup.aws.sessions import name_sessions
from org_backup.coverage.adoption import Adoption
from org_backup.coverage.pipeline import load_rollout_coverage
from org_backup.coverage.state.previous import PreviousState
from org_backup.errors import AwsFailure, InputError
from org_backup.rollout.program import run_program
from org_backup.rollout.stack_config import stack_config_from_pulumi
from org_backup.rollout.stack_output import WITHOUT_STATE_WARNING, exported_state


def resolve_coverage(previous: PreviousState | None) -> Adoption:
    """Settings, `accounts/` and discovery, against this stack's own last output."""
    adoption = load_rollout_coverage(
        Path("accounts"),
        stack_config_from_pulumi(),
        boto3.Session(),
        previous,
        stack_name=pulumi.get_stack(),
    )
    for warning in (*adoption.coverage.warnings, *adoption.warnings):
        pulumi.log.warn(warning)
    return adoption


async def main() -> None:
    """Plan, then register; invalid input, a removal over `max_accounts_removed` or more
    degraded accounts than `max_accounts_degraded` stop the update before any resource is
    registered. The state comes from the export ORG_BACKUP_STATE_EXPORT names (`make up`).
    An async entrypoint (`pulumi.run`), so that resources register while the entering
    accounts' vaults are still being looked up."""
    name_sessions("preview" if pulumi.runtime.is_dry_run() else "deploy")
    try:
        exported = exported_state()
        if exported is None:
            pulumi.log.warn(WITHOUT_STATE_WARNING)
        adoption, manifest = await run_program(resolve_coverage, exported=exported)
    except InputError as error:
        for problem in error.problems:
            pulumi.log.error(str(problem))
        # RunError: Pulumi reports the message and fails the update, without a traceback.
        raise pulumi.RunError(
            f"{len(error.problems)} problem(s) found; nothing was deployed."
        ) from None
    except AwsFailure as error:
        raise pulumi.RunError(str(error)) from None
    for warning in adoption.lookups.warnings if adoption.lookups else ():
        pulumi.log.warn(warning)
    pulumi.export("org_backup", manifest)


pulumi.run(main)
