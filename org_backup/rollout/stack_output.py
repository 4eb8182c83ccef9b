"""Inside the Pulumi program: this stack's own last `org_backup` output, read before any
resource is registered, and the state exported for this run.

The engine's built-in provider offers `pulumi:pulumi:readStackOutputs`, the function behind
every StackReference read (pulumi/pulumi pkg/resource/deploy/builtins.go), and the Python SDK's
`pulumi.runtime.invoke` waits for it, so the outputs are a plain value when planning starts, in
`pulumi preview` and `pulumi up` alike. During an update the stack resource keeps its previous
outputs until the program ends, so this reads the last successful run's manifest. A stack with
no outputs yet answers an empty map: no previous state.

The outputs miss what a failed or interrupted update left in the state, so `make up` and the
workflows run `pulumi stack export` just before `pulumi up` and name the file in
ORG_BACKUP_STATE_EXPORT (`.github/scripts/up-stack`); it must be this stack's and carry the same
output as the engine holds, or the run stops. See docs/rollout.md.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import pulumi

from org_backup.config.settings import STATE_EXPORT_VARIABLE
from org_backup.coverage.state.previous import (
    PreviousState,
    previous_from_stack_outputs,
    read_previous,
    with_exported_state,
)
from org_backup.errors import MISSING, InputError, Problem

READ_STACK_OUTPUTS = "pulumi:pulumi:readStackOutputs"
# Self-managed (DIY) backends have no organizations and always report this one.
DIY_ORGANIZATION = "organization"

# Said when `pulumi up` runs without an export: the guard then sees the outputs only.
WITHOUT_STATE_WARNING = (
    f"WARNING: {STATE_EXPORT_VARIABLE} is not set, so the removal guard compares with the"
    " stack's last successful output only: accounts that a failed or interrupted update left in"
    " the state, and accounts moved in by `pulumi state move`, are deleted without being counted"
    " if this run drops them. Run `make up` (it exports the state first), or set it to the file"
    " of a `pulumi stack export` taken just before."
)


def own_stack_name() -> str:
    """How the backend names this stack: Pulumi Cloud wants `<org>/<project>/<stack>`; a
    self-managed backend takes the bare stack name in both its legacy and project layouts."""
    organization = pulumi.get_organization()
    if not organization or organization == DIY_ORGANIZATION:
        return pulumi.get_stack()
    return f"{organization}/{pulumi.get_project()}/{pulumi.get_stack()}"


def read_own_previous(
    source: str | None = None, exported: PreviousState | None = None
) -> PreviousState | None:
    """The previous state, or None for a stack never updated and no export; `source` names the
    output in messages. With `exported` (a `pulumi stack export` of this stack), its state too.

    When the backend cannot answer, the run stops: without the previous state the removal guard
    could not protect what is deployed.
    """
    name = own_stack_name()
    source = source or f"stack {name} (its last org_backup output)"
    try:
        result = pulumi.runtime.invoke(READ_STACK_OUTPUTS, {"name": name})
    except Exception as error:  # the engine's own error: any kind, reported as it is
        raise InputError(
            [
                Problem(
                    f"stack {name}",
                    "outputs",
                    MISSING,
                    f"cannot be read ({error}); without the previous state the removal guard"
                    " cannot run, so nothing was deployed",
                )
            ]
        ) from None
    own = previous_from_stack_outputs((result.value or {}).get("outputs") or {}, source)
    if exported is None:
        return own
    return with_exported_state(own, exported, pulumi.get_stack())


def exported_state(environ: Mapping[str, str] = os.environ) -> PreviousState | None:
    """The export ORG_BACKUP_STATE_EXPORT names, or None when it is not set; InputError (exit 2,
    nothing deployed) when the file is missing or is not a `pulumi stack export`."""
    path = environ.get(STATE_EXPORT_VARIABLE)
    if not path:
        return None
    source = f"environment variable {STATE_EXPORT_VARIABLE}"
    if not os.path.isfile(path):
        message = (
            "no such file; `pulumi stack export --file` writes it just before `pulumi up`"
            " (`make up` does)"
        )
        raise InputError([Problem(source, STATE_EXPORT_VARIABLE, path, message)])
    exported = read_previous(path, STATE_EXPORT_VARIABLE)
    if exported.state is None:
        message = (
            "names a manifest or stack outputs, not a `pulumi stack export` file; the program"
            " reads its own outputs, the export adds the state"
        )
        raise InputError([Problem(source, STATE_EXPORT_VARIABLE, path, message)])
    return exported
