"""Why an account is skipped: the `skip_reason` values the rollout writes (CONTRACT.md), and
which of them are a policy decision, reported as a SKIPPED row with no finding, rather than a
failure, which is a finding (CONTRACT.md, "Reports").
"""

from __future__ import annotations

SUSPENDED = "suspended"
PENDING_CLOSURE = "pending closure"
CLOSED = "closed"
PENDING_ACTIVATION = "pending activation"
MANAGEMENT_ACCOUNT = "management account"
EXCLUDED = "excluded"
DISABLED_BY_FILE = "disabled in its accounts/ file"
OUTSIDE_TARGET_OUS = "outside target OUs"
NOT_LISTED = "not listed"
# Failures: the reason goes on to say which regions or which role, and why.
NO_ENABLED_REGIONS = "no enabled regions"
DEPLOY_ROLE_CANNOT_BE_ASSUMED = "deploy role cannot be assumed"

# An Organizations account state other than ACTIVE, and the reason such an account is skipped.
ACCOUNT_STATE_REASONS = {
    "SUSPENDED": SUSPENDED,
    "PENDING_CLOSURE": PENDING_CLOSURE,
    "CLOSED": CLOSED,
    "PENDING_ACTIVATION": PENDING_ACTIVATION,
}

POLICY_SKIP_REASONS = frozenset(
    {
        SUSPENDED,
        PENDING_CLOSURE,
        CLOSED,
        EXCLUDED,
        DISABLED_BY_FILE,
        OUTSIDE_TARGET_OUS,
        NOT_LISTED,
        MANAGEMENT_ACCOUNT,
        PENDING_ACTIVATION,
    }
)


def state_reason(state: str) -> str:
    """The skip reason of an account in Organizations state `state` (not ACTIVE)."""
    return ACCOUNT_STATE_REASONS.get(state, state.lower())
