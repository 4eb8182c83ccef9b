"""The one way the rollout reaches an account: an explicit `aws.Provider` per account.

A member account is reached by assuming its deploy role. The management account is reached with
the deployment's own credentials: org-backup runs there (CONTRACT.md, `pulumi up` with the
management account's credentials), the management account has no OrganizationAccountAccessRole
of its own, and AWS Backup's global settings can only be written from it. Every provider is
pinned by `allowed_account_ids`, so credentials that land in another account fail before any
change instead of deploying to the wrong place.
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from org_backup.aws.sessions import SESSION_PREFIX
from org_backup.coverage.guardrail_documents import MANAGED_TAG_KEY, MANAGED_TAG_VALUE

MANAGED_BY = {MANAGED_TAG_KEY: MANAGED_TAG_VALUE}
# One name for `pulumi preview` and `pulumi up` alike: the session name is a provider input, so
# a name that changed between the two would show every account's provider as updated.
DEPLOY_SESSION_NAME = f"{SESSION_PREFIX}-deploy"


def account_provider(
    resource_name: str,
    account_id: str,
    *,
    management_account_id: str,
    deploy_role_arn: str | None,
    external_id: str | None,
    region: str,
    tags: Mapping[str, str],
    opts: pulumi.ResourceOptions | None = None,
) -> aws.Provider:
    """A provider for `account_id` whose resources default to `region` (each passes `region=`).

    The deploy role is assumed unless the account is the management account (or no role is
    given): then the caller's credentials are used, still pinned to `account_id`.
    """
    assume = account_id != management_account_id and deploy_role_arn is not None
    return aws.Provider(
        resource_name,
        assume_roles=[
            aws.ProviderAssumeRoleArgs(
                role_arn=deploy_role_arn, session_name=DEPLOY_SESSION_NAME, external_id=external_id
            )
        ]
        if assume
        else None,
        allowed_account_ids=[account_id],
        default_tags=aws.ProviderDefaultTagsArgs(tags={**tags, **MANAGED_BY}),
        region=region,
        opts=opts,
    )
