"""The degraded-accounts limit: a run in which more covered accounts are degraded than
`max_accounts_degraded` allows stops before anything is registered (exit 3).

A degraded account is kept exactly as it was (coverage/resolve.py): right for one account whose
role broke overnight, wrong as the outcome of a whole night. When most of the organization
cannot be reached (an STS outage, a deploy role broken everywhere, a new SCP), a run that exits
0 repairs nothing and says nothing; it must fail where the nightly job shows it.
"""

from __future__ import annotations

import re
from collections import Counter

from org_backup.config.settings import ENV_PREFIX
from org_backup.coverage.model import Coverage
from org_backup.errors import DegradedRunError

SETTING = "max_accounts_degraded"
# The default limit: a handful of accounts, or this share of those covered when larger.
HANDFUL = 5
SHARE_PERCENT = 10
# Reasons differ by the account ids they name (role ARNs, callers); grouped without them.
_ACCOUNT_ID = re.compile(r"\b\d{12}\b")


def degraded_limit(setting: int | None, covered: int) -> int:
    """The setting, or when unset the larger of HANDFUL and SHARE_PERCENT % of `covered`
    (rounded down)."""
    if setting is not None:
        return setting
    return max(HANDFUL, covered * SHARE_PERCENT // 100)


def check_degraded(coverage: Coverage, setting: int | None) -> None:
    """Nothing when within the limit; otherwise DegradedRunError, one line with the count and
    the most common reason."""
    degraded = coverage.degraded
    covered = len(coverage.covered)
    limit = degraded_limit(setting, covered)
    if len(degraded) <= limit:
        return
    reasons = Counter(_ACCOUNT_ID.sub("<account>", account.degraded or "") for account in degraded)
    reason, count = reasons.most_common(1)[0]
    example = next(
        account.account_id
        for account in degraded
        if _ACCOUNT_ID.sub("<account>", account.degraded or "") == reason
    )
    how = "" if setting is not None else f", unset: the larger of {HANDFUL} and {SHARE_PERCENT} %"
    raise DegradedRunError(
        f"{len(degraded)} of {covered} covered accounts are degraded (their lookup failed in this"
        f" run, so they are only kept as they were), more than {SETTING} allows ({limit}{how});"
        f" most common reason, {count} accounts (e.g. {example}): {reason}. Nothing was deployed"
        f" or written: fix the cause and run again, or allow it for one run with"
        f" {ENV_PREFIX}{SETTING.upper()}={len(degraded)}."
    )
