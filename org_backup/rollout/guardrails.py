"""Shard 0's guardrail SCP: created in the management account and attached to every target
(`target_ous`, or the organization's root), so that no principal of a covered member account
but the deploy role can change or delete org-backup's resources (guardrails/documents.py).

SCPs never apply to the management account (docs/guardrails.md, "Limits").
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from org_backup.coverage.guardrails import GuardrailsCoverage


def register_guardrails(
    guardrails: GuardrailsCoverage,
    management_account_id: str,
    parent: pulumi.Resource,
    provider: aws.Provider,
) -> aws.organizations.Policy:
    """The SCP and one attachment per target, through the management account's provider."""
    child = pulumi.ResourceOptions(parent=parent, provider=provider)
    policy = aws.organizations.Policy(
        f"{management_account_id}-guardrails-scp",
        name=guardrails.scp_name,
        description="org-backup: only the deploy role changes or deletes org-backup's backups",
        type="SERVICE_CONTROL_POLICY",
        content=guardrails.document,
        opts=child,
    )
    for target in guardrails.targets:
        aws.organizations.PolicyAttachment(
            f"{management_account_id}-guardrails-scp-{target}",
            policy_id=policy.id,
            target_id=target,
            opts=child,
        )
    return policy
