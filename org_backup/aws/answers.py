"""What an AWS answer must carry, checked in one place for every client the project makes.

botocore does not fail a malformed answer by itself. Measured with botocore 1.44 by answering
each call at the HTTP edge: a JSON or rest-JSON service (Organizations, Account, AWS Backup,
tagging) that gets an HTML page, a truncated or an empty body with status 200 returns `{}`, so a
missing list reads as empty and a missing vault as present; a body that is not UTF-8 raises
UnicodeDecodeError. A query or EC2 service (STS, IAM, EC2) raises botocore's ResponseParserError
(a plain Exception, not a BotoCoreError) on broken XML, and on well-formed XML of the wrong shape
either returns `{}` (EC2) or raises KeyError (STS, IAM). None of those is retried.

So every client gets two handlers: `after-call` checks a 2xx answer against the fields its
operation must carry (REQUIRED), and `after-call-error` turns a parser's failure into the same
MalformedAnswer. MalformedAnswer is a BotoCoreError, so every reader's existing handler of AWS
failures (exit 3 for the organization-wide calls, the account's own failure otherwise) takes it
as a failure of that call, never as "exists" or "empty".
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import Any

from botocore.exceptions import BotoCoreError
from botocore.parsers import ResponseParserError

# IAM action prefixes where they differ from botocore's service id (`tag:GetResources`).
ACTION_PREFIX = {
    "resource-groups-tagging-api": "tag",
    "config-service": "config",
    "efs": "elasticfilesystem",
}

# Per service id and operation, the fields a successful answer must carry. "A.B": B inside the
# object A; "A[]": A is a list (empty is fine, absent is not); "A[].B": every item carries B;
# "A|B": either field. Only what the readers use: an answer is never judged on anything else.
REQUIRED: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "organizations": {
        "DescribeOrganization": (
            "Organization.Id",
            "Organization.Arn",
            "Organization.MasterAccountId",
        ),
        "ListRoots": ("Roots[].Id",),
        "ListAccounts": ("Accounts[].Id", "Accounts[].State|Status"),
        "ListAccountsForParent": ("Accounts[].Id", "Accounts[].State|Status"),
        "ListOrganizationalUnitsForParent": (
            "OrganizationalUnits[].Id",
            "OrganizationalUnits[].Name",
        ),
        "ListParents": ("Parents[].Id", "Parents[].Type"),
        "DescribeOrganizationalUnit": ("OrganizationalUnit.Id", "OrganizationalUnit.Name"),
    },
    "account": {"ListRegions": ("Regions[].RegionName",)},
    "ec2": {"DescribeRegions": ("Regions[].RegionName", "Regions[].OptInStatus")},
    "sts": {
        "AssumeRole": (
            "Credentials.AccessKeyId",
            "Credentials.SecretAccessKey",
            "Credentials.SessionToken",
        ),
        "GetCallerIdentity": ("Account",),
    },
    "iam": {"GetRole": ("Role.RoleName", "Role.Arn")},
    "backup": {
        "DescribeBackupVault": ("BackupVaultName", "BackupVaultArn"),
        "GetBackupVaultAccessPolicy": ("BackupVaultName",),
        "ListBackupPlans": ("BackupPlansList[].BackupPlanId", "BackupPlansList[].BackupPlanName"),
        "GetBackupPlan": (
            "BackupPlanId",
            "BackupPlan.Rules[].RuleName",
            "BackupPlan.Rules[].TargetBackupVaultName",
        ),
        "ListBackupSelections": (
            "BackupSelectionsList[].SelectionId",
            "BackupSelectionsList[].SelectionName",
        ),
        "GetBackupSelection": ("SelectionId", "BackupSelection.IamRoleArn"),
        "ListRecoveryPointsByResource": ("RecoveryPoints[]",),
        "ListRecoveryPointsByBackupVault": ("RecoveryPoints[]",),
        "GetRestoreTestingPlan": ("RestoreTestingPlan.RestoreTestingPlanArn",),
        "ListRestoreJobsByProtectedResource": ("RestoreJobs[]",),
        "DescribeFramework": ("FrameworkName",),
    },
    "config-service": {
        "DescribeConfigurationRecorders": ("ConfigurationRecorders[]",),
        "DescribeConfigurationRecorderStatus": ("ConfigurationRecordersStatus[]",),
    },
    "efs": {"DescribeBackupPolicy": ("BackupPolicy.Status",)},
    "resource-groups-tagging-api": {"GetResources": ("ResourceTagMappingList[].ResourceARN",)},
}

# What a parser raises on a body it cannot read (see the module docstring); anything else
# (a ClientError, a connection error, an account's deadline) keeps its own meaning.
_PARSER_FAILURES = (ResponseParserError, ValueError, LookupError, TypeError)
_SHOWN = 160  # characters of a parser's message: its first line, without the body it quotes


class MalformedAnswer(BotoCoreError):
    """An answer that is not what the operation returns: a failure of that call."""

    fmt = "{operation} answered {what}"

    def __init__(self, operation: str, what: str):
        super().__init__(operation=operation, what=what)
        self.operation = operation


def install(client: Any) -> None:
    """Check every answer `client` receives (see the module docstring). Once per event emitter:
    an account's clients are views of shared ones (aws/account.py), five per account in an
    adoption lookup, and botocore inspects a handler's signature on every registration."""
    events = client.meta.events
    if events in _INSTALLED:
        return
    events.register("after-call", _check_answer, unique_id="org-backup-answers")
    events.register(
        "after-call-error", _check_parser_failure, unique_id="org-backup-parser-failures"
    )
    _INSTALLED.add(events)


_INSTALLED: weakref.WeakSet[Any] = weakref.WeakSet()


def operation_name(event_name: str) -> str:
    """`after-call.resource-groups-tagging-api.GetResources` -> `tag:GetResources`."""
    _, service_id, operation = event_name.split(".", 2)
    return f"{ACTION_PREFIX.get(service_id, service_id)}:{operation}"


def missing_fields(answer: Mapping[str, Any], required: tuple[str, ...]) -> list[str]:
    """What `answer` lacks of the required fields: the shortest part of each that is missing
    (`Accounts` when there is no list at all, `Accounts[].Id` when an item lacks its id)."""
    missing: list[str] = []
    for field in required:
        parts = field.split(".")
        for depth in range(1, len(parts) + 1):
            if not _has(answer, parts[:depth]):
                shown = ".".join(parts[:depth]).removesuffix("[]")
                if shown not in missing:
                    missing.append(shown)
                break
    return missing


def _check_answer(event_name: str, http_response: Any, parsed: Any, **_: Any) -> None:
    if getattr(http_response, "status_code", 200) >= 300:
        return  # an error answer: botocore raises ClientError for it
    _, service_id, operation = event_name.split(".", 2)
    required = REQUIRED.get(service_id, {}).get(operation)
    if not required:
        return
    if not isinstance(parsed, Mapping):
        raise MalformedAnswer(operation_name(event_name), f"{_describe(http_response)}")
    missing = missing_fields(parsed, required)
    if missing:
        raise MalformedAnswer(
            operation_name(event_name),
            f"without {', '.join(missing)} ({_describe(http_response)})",
        )


def _check_parser_failure(event_name: str, exception: Exception, **_: Any) -> None:
    if isinstance(exception, _PARSER_FAILURES) and not isinstance(exception, BotoCoreError):
        first_line = (str(exception).splitlines() or [""])[0][:_SHOWN]
        raise MalformedAnswer(
            operation_name(event_name),
            f"with a body that cannot be read ({type(exception).__name__}: {first_line})",
        ) from exception


def _has(value: Any, path: list[str]) -> bool:
    """Whether `value` carries `path`; a list needs every item to carry the rest of it."""
    if not path:
        return True
    head, rest = path[0], path[1:]
    if head.endswith("[]"):
        items = value.get(head[:-2]) if isinstance(value, Mapping) else None
        return isinstance(items, list) and all(_has(item, rest) for item in items)
    if not isinstance(value, Mapping):
        return False
    found = [value[name] for name in head.split("|") if value.get(name) is not None]
    return bool(found) and _has(found[0], rest)


def _describe(http_response: Any) -> str:
    """`HTTP 200, text/html, 52 bytes`: what came back instead."""
    status = getattr(http_response, "status_code", "?")
    headers = getattr(http_response, "headers", None) or {}
    kind = headers.get("content-type") or headers.get("Content-Type") or "no content type"
    body = getattr(http_response, "content", None)
    size = f", {len(body)} bytes" if isinstance(body, bytes | bytearray) else ""
    return f"HTTP {status}, {kind}{size}"
