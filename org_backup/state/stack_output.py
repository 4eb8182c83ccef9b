"""Inside the Pulumi program: this stack's own last `org_backup` output, read before any
resource is registered.

The engine's built-in provider offers `pulumi:pulumi:readStackOutputs`, the function behind
every StackReference read (pulumi/pulumi pkg/resource/deploy/builtins.go), and the Python SDK's
`pulumi.runtime.invoke` waits for it, so the outputs are a plain value when planning starts, in
`pulumi preview` and `pulumi up` alike. During an update the stack resource keeps its previous
outputs until the program ends, so this reads the last successful run's manifest. A stack with
no outputs yet answers an empty map: no previous state. See docs/rollout.md.
"""

from __future__ import annotations

import pulumi

from org_backup.errors import MISSING, InputError, Problem
from org_backup.state.previous import PreviousState, previous_from_stack_outputs

READ_STACK_OUTPUTS = "pulumi:pulumi:readStackOutputs"
# Self-managed (DIY) backends have no organizations and always report this one.
DIY_ORGANIZATION = "organization"


def own_stack_name() -> str:
    """How the backend names this stack: Pulumi Cloud wants `<org>/<project>/<stack>`; a
    self-managed backend takes the bare stack name in both its legacy and project layouts."""
    organization = pulumi.get_organization()
    if not organization or organization == DIY_ORGANIZATION:
        return pulumi.get_stack()
    return f"{organization}/{pulumi.get_project()}/{pulumi.get_stack()}"


def read_own_previous(source: str | None = None) -> PreviousState | None:
    """The previous state, or None for a stack never updated; `source` names it in messages.

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
    return previous_from_stack_outputs((result.value or {}).get("outputs") or {}, source)
