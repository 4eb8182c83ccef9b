"""The guardrails as resolve_guardrails makes them, for programs built without discovery."""

from __future__ import annotations

from typing import Any

from org_backup.config.settings import Settings
from org_backup.coverage.guardrails import GuardrailsCoverage, scp_text

DEPLOY = "OrganizationAccountAccessRole"


def guardrails(**settings: Any) -> GuardrailsCoverage:
    values = Settings(guardrails_enabled=True, **settings)
    return GuardrailsCoverage(
        document=scp_text(values, [], "aws"),
        targets=("ou-ab12-11111111", "ou-ab12-22222222"),
        exempt_role_names=(DEPLOY,),
        region="us-east-1",
    )
