"""The AWS API requests that synthesized resources stand for, checked against botocore.

pulumi-aws turns a vault, lock, plan or selection into CreateBackupVault,
PutBackupVaultLockConfiguration, CreateBackupPlan or CreateBackupSelection (and the central
account's resources into UpdateGlobalSettings, CreateLogicallyAirGappedBackupVault,
PutBackupVaultAccessPolicy and AWS RAM's CreateResourceShare and AssociateResourceShare; the
guardrail SCP into AWS Organizations' CreatePolicy and AttachPolicy; Backup Audit Manager's
frameworks and report plans into CreateFramework and CreateReportPlan). Translating the
camelCase inputs the engine received into those requests, and validating them with botocore's
own model, lets the tests catch what AWS would otherwise reject only during `pulumi up`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import botocore.session
from botocore.model import OperationModel, ServiceModel, Shape
from botocore.validate import ParamValidator


@dataclass(frozen=True)
class ApiRequest:
    """One AWS Backup call: the resource it comes from, its region and its parameters."""

    resource: str
    operation: str
    region: str
    params: dict[str, Any]
    service: str = "backup"


def api_requests(resources: Sequence[Mapping[str, Any]]) -> list[ApiRequest]:
    """The requests of every AWS Backup resource in synth's `resources` list, in its order.

    Tags include the default tags of the resource's provider, as the real provider sends them.
    """
    providers = {
        r["name"]: r["inputs"] for r in resources if r["type"].startswith("pulumi:providers:")
    }
    requests = []
    for resource in resources:
        translate = _TRANSLATIONS.get(resource["type"])
        if translate is None:
            continue
        provider = providers.get(resource["provider"], {})
        inputs = resource["inputs"]
        operation, params = translate(inputs, _default_tags(provider))
        region = inputs.get("region") or provider.get("region", "")
        service = _SERVICES.get(resource["type"].split("/")[0], "backup")
        requests.append(
            ApiRequest(resource["name"], operation, region, _without_none(params), service)
        )
    return requests


def validation_errors(request: ApiRequest) -> list[str]:
    """What botocore's model rejects: types and required members (its ParamValidator), and the
    patterns and maximums it declares but does not check client-side."""
    shape = _operation(request.operation, request.service).input_shape
    report = ParamValidator().validate(request.params, shape)
    errors = [report.generate_report()] if report.has_errors() else []
    errors.extend(_constraint_errors(request.params, shape, request.operation))
    return errors


@cache
def _service(name: str) -> ServiceModel:
    return botocore.session.get_session().get_service_model(name)


def _operation(name: str, service: str = "backup") -> OperationModel:
    return _service(service).operation_model(name)


def _constraint_errors(value: Any, shape: Shape, path: str) -> list[str]:
    errors = []
    pattern, maximum = shape.metadata.get("pattern"), shape.metadata.get("max")
    if isinstance(value, str) and pattern and not re.fullmatch(_python_pattern(pattern), value):
        errors.append(f"{path}: {value!r} does not match {pattern}")
    if maximum is not None and isinstance(value, (str, list, dict)) and len(value) > maximum:
        errors.append(f"{path}: longer than {maximum}")
    if maximum is not None and isinstance(value, int) and value > maximum:
        errors.append(f"{path}: {value} exceeds {maximum}")
    if shape.type_name == "structure" and isinstance(value, dict):
        for key, member in value.items():
            if key in shape.members:
                errors += _constraint_errors(member, shape.members[key], f"{path}.{key}")
    elif shape.type_name == "list" and isinstance(value, list):
        for index, item in enumerate(value):
            errors += _constraint_errors(item, shape.member, f"{path}[{index}]")
    return errors


def _python_pattern(pattern: str) -> str:
    """IAM's and EventBridge's tag patterns use Unicode classes Python's `re` lacks:
    letters and numbers (\\p{L}, \\p{N}) become \\w, separators (\\p{Z}) \\s."""
    return pattern.replace(r"\p{L}", r"\w").replace(r"\p{N}", r"\w").replace(r"\p{Z}", r"\s")


def _default_tags(provider_inputs: Mapping[str, Any]) -> dict[str, str]:
    """Provider inputs reach the engine as JSON strings: `{"tags": {...}}`."""
    raw = provider_inputs.get("defaultTags")
    default_tags = json.loads(raw) if isinstance(raw, str) else raw or {}
    return dict(default_tags.get("tags") or {})


def _tags(inputs: Mapping[str, Any], default_tags: Mapping[str, str]) -> dict[str, str] | None:
    tags = {**default_tags, **(inputs.get("tags") or {})}
    return tags or None


def _number(value: Any) -> Any:
    """The engine hands integers over as floats; the provider sends them as integers."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _plan(inputs: Mapping[str, Any], default_tags: Mapping[str, str]) -> tuple[str, dict]:
    return "CreateBackupPlan", {
        "BackupPlan": {
            "BackupPlanName": inputs.get("name"),
            "Rules": [_rule(rule) for rule in inputs.get("rules") or []],
        },
        "BackupPlanTags": _tags(inputs, default_tags),
    }


def _rule(rule: Mapping[str, Any]) -> dict[str, Any]:
    lifecycle = rule.get("lifecycle") or {}
    return {
        "RuleName": rule.get("ruleName"),
        "TargetBackupVaultName": rule.get("targetVaultName"),
        "ScheduleExpression": rule.get("schedule"),
        "ScheduleExpressionTimezone": rule.get("scheduleExpressionTimezone"),
        "StartWindowMinutes": _number(rule.get("startWindow")),
        "CompletionWindowMinutes": _number(rule.get("completionWindow")),
        "EnableContinuousBackup": rule.get("enableContinuousBackup"),
        "RecoveryPointTags": rule.get("recoveryPointTags"),
        "Lifecycle": _lifecycle(lifecycle),
        "CopyActions": [
            {
                "DestinationBackupVaultArn": action.get("destinationVaultArn"),
                "Lifecycle": _lifecycle(action.get("lifecycle")),
            }
            for action in rule.get("copyActions") or []
        ]
        or None,
    }


def _lifecycle(lifecycle: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not lifecycle:
        return None
    return {
        "DeleteAfterDays": _number(lifecycle.get("deleteAfter")),
        "MoveToColdStorageAfterDays": _number(lifecycle.get("coldStorageAfter")),
    }


# Pulumi's list of condition blocks becomes one Conditions structure; every entry is ANDed.
_CONDITIONS = {
    "stringEquals": "StringEquals",
    "stringNotEquals": "StringNotEquals",
    "stringLikes": "StringLike",
    "stringNotLikes": "StringNotLike",
}


def _selection(inputs: Mapping[str, Any], default_tags: Mapping[str, str]) -> tuple[str, dict]:
    conditions: dict[str, list[dict[str, str]]] = {}
    for block in inputs.get("conditions") or []:
        for pulumi_key, api_key in _CONDITIONS.items():
            for item in block.get(pulumi_key) or []:
                conditions.setdefault(api_key, []).append(
                    {"ConditionKey": item.get("key"), "ConditionValue": item.get("value")}
                )
    tags = [
        {
            "ConditionType": t.get("type"),
            "ConditionKey": t.get("key"),
            "ConditionValue": t.get("value"),
        }
        for t in inputs.get("selectionTags") or []
    ]
    return "CreateBackupSelection", {
        "BackupPlanId": inputs.get("planId"),
        "BackupSelection": {
            "SelectionName": inputs.get("name"),
            "IamRoleArn": inputs.get("iamRoleArn"),
            "Resources": inputs.get("resources"),
            "NotResources": inputs.get("notResources"),
            "ListOfTags": tags or None,
            "Conditions": conditions or None,
        },
    }


def _restore_testing_plan(
    inputs: Mapping[str, Any], default_tags: Mapping[str, str]
) -> tuple[str, dict]:
    selection = inputs.get("recoveryPointSelection") or {}
    return "CreateRestoreTestingPlan", {
        "RestoreTestingPlan": {
            "RestoreTestingPlanName": inputs.get("name"),
            "ScheduleExpression": inputs.get("scheduleExpression"),
            "ScheduleExpressionTimezone": inputs.get("scheduleExpressionTimezone"),
            "StartWindowHours": _number(inputs.get("startWindowHours")),
            "RecoveryPointSelection": {
                "Algorithm": selection.get("algorithm"),
                "IncludeVaults": selection.get("includeVaults"),
                "ExcludeVaults": selection.get("excludeVaults"),
                "RecoveryPointTypes": selection.get("recoveryPointTypes"),
                "SelectionWindowDays": _number(selection.get("selectionWindowDays")),
            },
        },
        "Tags": _tags(inputs, default_tags),
    }


def _restore_testing_selection(
    inputs: Mapping[str, Any], default_tags: Mapping[str, str]
) -> tuple[str, dict]:
    conditions = inputs.get("protectedResourceConditions") or {}
    return "CreateRestoreTestingSelection", {
        "RestoreTestingPlanName": inputs.get("restoreTestingPlanName"),
        "RestoreTestingSelection": {
            "RestoreTestingSelectionName": inputs.get("name"),
            "IamRoleArn": inputs.get("iamRoleArn"),
            "ProtectedResourceType": inputs.get("protectedResourceType"),
            "ProtectedResourceArns": inputs.get("protectedResourceArns"),
            "ProtectedResourceConditions": {
                api_key: [
                    {"Key": item.get("key"), "Value": item.get("value")}
                    for item in conditions.get(pulumi_key) or []
                ]
                for pulumi_key, api_key in (
                    ("stringEquals", "StringEquals"),
                    ("stringNotEquals", "StringNotEquals"),
                )
                if conditions.get(pulumi_key)
            }
            or None,
            "ValidationWindowHours": _number(inputs.get("validationWindowHours")),
        },
    }


def _framework(inputs: Mapping[str, Any], default_tags: Mapping[str, str]) -> tuple[str, dict]:
    """Empty lists are left out, as the provider expands only non-empty sets."""
    return "CreateFramework", {
        "FrameworkName": inputs.get("name"),
        "FrameworkDescription": inputs.get("description"),
        "FrameworkControls": [
            {
                "ControlName": control.get("name"),
                "ControlInputParameters": [
                    {"ParameterName": item.get("name"), "ParameterValue": item.get("value")}
                    for item in control.get("inputParameters") or []
                ]
                or None,
                "ControlScope": {
                    "ComplianceResourceIds": (control.get("scope") or {}).get(
                        "complianceResourceIds"
                    )
                    or None,
                    "ComplianceResourceTypes": (control.get("scope") or {}).get(
                        "complianceResourceTypes"
                    )
                    or None,
                    "Tags": (control.get("scope") or {}).get("tags") or None,
                }
                if control.get("scope")
                else None,
            }
            for control in inputs.get("controls") or []
        ],
        "FrameworkTags": _tags(inputs, default_tags),
    }


def _report_plan(inputs: Mapping[str, Any], default_tags: Mapping[str, str]) -> tuple[str, dict]:
    channel = inputs.get("reportDeliveryChannel") or {}
    setting = inputs.get("reportSetting") or {}
    return "CreateReportPlan", {
        "ReportPlanName": inputs.get("name"),
        "ReportPlanDescription": inputs.get("description"),
        "ReportDeliveryChannel": {
            "S3BucketName": channel.get("s3BucketName"),
            "S3KeyPrefix": channel.get("s3KeyPrefix"),
            "Formats": channel.get("formats"),
        },
        "ReportSetting": {
            "ReportTemplate": setting.get("reportTemplate"),
            "FrameworkArns": setting.get("frameworkArns") or None,
            "NumberOfFrameworks": _number(setting.get("numberOfFrameworks")),
            "Accounts": setting.get("accounts") or None,
            "OrganizationUnits": setting.get("organizationUnits") or None,
            "Regions": setting.get("regions") or None,
        },
        "ReportPlanTags": _tags(inputs, default_tags),
    }


def _efs_backup_policy(
    inputs: Mapping[str, Any], default_tags: Mapping[str, str]
) -> tuple[str, dict]:
    return "PutBackupPolicy", {
        "FileSystemId": inputs.get("fileSystemId"),
        "BackupPolicy": {"Status": (inputs.get("backupPolicy") or {}).get("status")},
    }


def _tag_list(inputs: Mapping[str, Any], default_tags: Mapping[str, str]) -> list | None:
    """EventBridge and SNS take tags as a list of Key/Value pairs."""
    tags = _tags(inputs, default_tags)
    return [{"Key": key, "Value": value} for key, value in tags.items()] if tags else None


def _event_target(inputs: Mapping[str, Any], default_tags: Mapping[str, str]) -> tuple[str, dict]:
    return "PutTargets", {
        "Rule": inputs.get("rule"),
        "EventBusName": inputs.get("eventBusName"),
        "Targets": [
            {
                "Id": inputs.get("targetId"),
                "Arn": inputs.get("arn"),
                "RoleArn": inputs.get("roleArn"),
                "Input": inputs.get("input"),
                "InputPath": inputs.get("inputPath"),
            }
        ],
    }


def _topic(inputs: Mapping[str, Any], default_tags: Mapping[str, str]) -> tuple[str, dict]:
    attributes = {
        "DisplayName": inputs.get("displayName"),
        "KmsMasterKeyId": inputs.get("kmsMasterKeyId"),
        "FifoTopic": "true" if inputs.get("fifoTopic") else None,
    }
    return "CreateTopic", {
        "Name": inputs.get("name"),
        "Attributes": {k: v for k, v in attributes.items() if v is not None} or None,
        "Tags": _tag_list(inputs, default_tags),
    }


def _resource_association(
    inputs: Mapping[str, Any], default_tags: Mapping[str, str]
) -> tuple[str, dict]:
    return "AssociateResourceShare", {
        "resourceShareArn": inputs.get("resourceShareArn"),
        "resourceArns": [inputs.get("resourceArn")],
    }


def _principal_association(
    inputs: Mapping[str, Any], default_tags: Mapping[str, str]
) -> tuple[str, dict]:
    return "AssociateResourceShare", {
        "resourceShareArn": inputs.get("resourceShareArn"),
        "principals": [inputs.get("principal")],
    }


@dataclass(frozen=True)
class Flat:
    """A resource whose request renames its inputs one for one: `params` maps each API parameter
    to the engine input it takes (`numbers`: those the engine passes as floats), `constants`
    adds fixed ones, and `tags`, when the request takes them, names the parameter and its form:
    a map, a list of Key/Value pairs, or RAM's key/value pairs."""

    operation: str
    params: Mapping[str, str]
    numbers: frozenset[str] = frozenset()
    constants: Mapping[str, Any] = field(default_factory=dict)
    tags: tuple[str, str] | None = None

    def __call__(
        self, inputs: Mapping[str, Any], default_tags: Mapping[str, str]
    ) -> tuple[str, dict]:
        params: dict[str, Any] = {
            api: _number(inputs.get(name)) if api in self.numbers else inputs.get(name)
            for api, name in self.params.items()
        }
        params.update(self.constants)
        if self.tags is not None:
            parameter, form = self.tags
            tags = _tags(inputs, default_tags)
            key, value = ("key", "value") if form == "ram" else ("Key", "Value")
            params[parameter] = (
                tags
                if form == "map"
                else [{key: k, value: v} for k, v in (tags or {}).items()] or None
            )
        return self.operation, params


_RETENTION = frozenset({"MinRetentionDays", "MaxRetentionDays"})
_TRANSLATIONS: dict[str, Callable[[Mapping[str, Any], Mapping[str, str]], tuple[str, dict]]] = {
    "aws:backup/vault:Vault": Flat(
        "CreateBackupVault",
        {"BackupVaultName": "name", "EncryptionKeyArn": "kmsKeyArn"},
        tags=("BackupVaultTags", "map"),
    ),
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration": Flat(
        "PutBackupVaultLockConfiguration",
        {
            "BackupVaultName": "backupVaultName",
            "MinRetentionDays": "minRetentionDays",
            "MaxRetentionDays": "maxRetentionDays",
            "ChangeableForDays": "changeableForDays",
        },
        numbers=_RETENTION | {"ChangeableForDays"},
    ),
    "aws:backup/plan:Plan": _plan,
    "aws:backup/selection:Selection": _selection,
    "aws:backup/globalSettings:GlobalSettings": Flat(
        "UpdateGlobalSettings", {"GlobalSettings": "globalSettings"}
    ),
    "aws:backup/logicallyAirGappedVault:LogicallyAirGappedVault": Flat(
        "CreateLogicallyAirGappedBackupVault",
        {
            "BackupVaultName": "name",
            "MinRetentionDays": "minRetentionDays",
            "MaxRetentionDays": "maxRetentionDays",
            "EncryptionKeyArn": "encryptionKeyArn",
        },
        numbers=_RETENTION,
        tags=("BackupVaultTags", "map"),
    ),
    "aws:backup/vaultPolicy:VaultPolicy": Flat(
        "PutBackupVaultAccessPolicy", {"BackupVaultName": "backupVaultName", "Policy": "policy"}
    ),
    "aws:ram/resourceShare:ResourceShare": Flat(
        "CreateResourceShare",
        {"name": "name", "allowExternalPrincipals": "allowExternalPrincipals"},
        tags=("tags", "ram"),
    ),
    "aws:ram/resourceAssociation:ResourceAssociation": _resource_association,
    "aws:ram/principalAssociation:PrincipalAssociation": _principal_association,
    "aws:backup/restoreTestingPlan:RestoreTestingPlan": _restore_testing_plan,
    "aws:backup/restoreTestingSelection:RestoreTestingSelection": _restore_testing_selection,
    "aws:backup/framework:Framework": _framework,
    "aws:efs/backupPolicy:BackupPolicy": _efs_backup_policy,
    "aws:backup/reportPlan:ReportPlan": _report_plan,
    "aws:cloudwatch/eventRule:EventRule": Flat(
        "PutRule",
        {
            "Name": "name",
            "EventPattern": "eventPattern",
            "ScheduleExpression": "scheduleExpression",
            "State": "state",
            "Description": "description",
            "RoleArn": "roleArn",
            "EventBusName": "eventBusName",
        },
        tags=("Tags", "list"),
    ),
    "aws:cloudwatch/eventTarget:EventTarget": _event_target,
    "aws:cloudwatch/eventBus:EventBus": Flat(
        "CreateEventBus",
        {"Name": "name", "Description": "description", "KmsKeyIdentifier": "kmsKeyIdentifier"},
        tags=("Tags", "list"),
    ),
    "aws:cloudwatch/eventBusPolicy:EventBusPolicy": Flat(
        "PutPermission", {"EventBusName": "eventBusName", "Policy": "policy"}
    ),
    "aws:sns/topic:Topic": _topic,
    "aws:sns/topicPolicy:TopicPolicy": Flat(
        "SetTopicAttributes",
        {"TopicArn": "arn", "AttributeValue": "policy"},
        constants={"AttributeName": "Policy"},
    ),
    "aws:sns/topicSubscription:TopicSubscription": Flat(
        "Subscribe", {"TopicArn": "topic", "Protocol": "protocol", "Endpoint": "endpoint"}
    ),
    "aws:iam/role:Role": Flat(
        "CreateRole",
        {
            "RoleName": "name",
            "AssumeRolePolicyDocument": "assumeRolePolicy",
            "Description": "description",
        },
        tags=("Tags", "list"),
    ),
    "aws:iam/rolePolicy:RolePolicy": Flat(
        "PutRolePolicy", {"RoleName": "role", "PolicyName": "name", "PolicyDocument": "policy"}
    ),
    "aws:organizations/policy:Policy": Flat(
        "CreatePolicy",
        {"Name": "name", "Description": "description", "Type": "type", "Content": "content"},
        tags=("Tags", "list"),
    ),
    "aws:organizations/policyAttachment:PolicyAttachment": Flat(
        "AttachPolicy", {"PolicyId": "policyId", "TargetId": "targetId"}
    ),
}

# The botocore service of each resource module; AWS Backup unless listed.
_SERVICES = {
    "aws:ram": "ram",
    "aws:cloudwatch": "events",
    "aws:sns": "sns",
    "aws:iam": "iam",
    "aws:organizations": "organizations",
    "aws:efs": "efs",
}


def _without_none(value: Any) -> Any:
    """Omitted arguments are absent from the request, not null."""
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(item) for item in value]
    return value
