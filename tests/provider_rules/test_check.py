"""The AWS provider's own rules in the offline model: a full-feature synth passes every one, each
kind of rule fails a hand-written violation naming the resource, the input and the rule, and
every rules entry agrees with the installed pulumi-aws SDK (names and required inputs)."""

from __future__ import annotations

import copy
import importlib
import inspect
import re
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest
from pulumi._types import input_type_py_to_pulumi_names

from org_backup.cli import main
from org_backup.commands import synth as synth_command
from org_backup.coverage.adoption import Adoption
from org_backup.coverage.alerting import AlertsConfig, RestoreTestingConfig
from org_backup.coverage.audit_evidence import (
    AuditFrameworksConfig,
    AuditReportsConfig,
    ReportPlanConfig,
)
from org_backup.errors import MISSING
from org_backup.provider_rules import INVOKE_RULES, RESOURCE_RULES
from org_backup.provider_rules.check import (
    import_problems,
    invoke_problems,
    registration_problems,
)
from org_backup.rollout.mock_engine import ProviderRuleError, run_mocked
from org_backup.rollout.synthesize import synthesize
from tests.support.guardrail_plans import guardrails
from tests.support.plans import CENTRAL_ID, MANAGEMENT_ID, central, covered, org, policy

A, B = "111122223333", "444455556666"
REGIONS = ("us-east-1", "eu-west-1")
ALERTS = AlertsConfig(
    central_account_id=CENTRAL_ID,
    region="eu-west-1",
    bus_name="org-backup-alerts",
    emails=("oncall@example.com",),
    forwarder_role_name="OrgBackupAlertsForwarder",
    muted_accounts=(B,),
)
TESTING = RestoreTestingConfig(
    schedule="cron(0 9 ? * MON *)",
    timezone="Etc/UTC",
    selection_window_days=7,
    start_window_hours=24,
    validation_window_hours=2,
)
LOCKED_ALIAS = policy(
    vault_kms_key_arn="alias/org-backup",
    vault_lock_min_retention_days=7,
    vault_lock_max_retention_days=365,
    vault_lock_changeable_for_days=3,
    efs_automatic_backups="disable",
)
REPORTS = AuditReportsConfig(
    bucket="acme-backup-audit",
    prefix="org-backup",
    region="us-east-1",
    organization_units=(),
    plans=(ReportPlanConfig(name="org_backup_backup_jobs", template="BACKUP_JOB_REPORT"),),
)
ADOPTED = {region: f"org-backup-ai@{region}" for region in REGIONS}
FULL = org(
    covered(
        A,
        regions=REGIONS,
        policy=LOCKED_ALIAS,
        import_vaults=ADOPTED,
        managed_file_systems={"us-east-1": ("fs-0123456789abcdef0",)},
    ),
    covered(B, regions=("eu-west-1",)),
    central=central(
        kind="air-gapped",
        min_retention_days=7,
        max_retention_days=3650,
        recovery_accounts=(B,),
    ),
    alerts=ALERTS,
    restore_testing=TESTING,
    guardrails=guardrails(),
    audit_frameworks=AuditFrameworksConfig(),
    audit_reports=REPORTS,
)


@pytest.fixture(scope="module")
def resources() -> list[dict[str, Any]]:
    """Copies to an air-gapped central vault shared with a recovery account, alerts, restore
    testing, a KMS alias, vault locks, vaults adopted in two regions and guardrails (vault
    policies, the SCP): synthesize raises if any rule is broken."""
    return synthesize(FULL)["resources"]


def entry(resources, name: str) -> dict[str, Any]:
    return copy.deepcopy(next(r for r in resources if r["name"] == name))


def test_a_full_feature_synth_passes_every_rule_of_every_type_it_registers(resources):
    types = {r["type"] for r in resources if not r["type"].startswith("org-backup:")}
    assert types <= set(RESOURCE_RULES)
    assert {
        "aws:backup/logicallyAirGappedVault:LogicallyAirGappedVault",
        "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
        "aws:backup/restoreTestingSelection:RestoreTestingSelection",
        "aws:cloudwatch/eventTarget:EventTarget",
        "aws:ram/principalAssociation:PrincipalAssociation",
        "aws:backup/vaultPolicy:VaultPolicy",
        "aws:organizations/policy:Policy",
        "aws:organizations/policyAttachment:PolicyAttachment",
        "aws:backup/framework:Framework",
        "aws:backup/reportPlan:ReportPlan",
        "aws:efs/backupPolicy:BackupPolicy",
    } <= types
    imported = {r["name"]: r["import_id"] for r in resources if "import_id" in r}
    assert imported == {f"{A}-{region}-vault": f"org-backup-ai@{region}" for region in REGIONS}


def problems_of(resource: dict[str, Any]) -> list[str]:
    found = registration_problems(
        RESOURCE_RULES, resource["type"], resource["name"], resource["inputs"]
    )
    return [str(problem) for problem in found]


def _pop(key: str):
    return lambda inputs: inputs.pop(key)


def _set(key: str, value: Any):
    return lambda inputs: inputs.update({key: value})


VIOLATIONS = [
    # (resource, edit, what the message must say), one per kind of rule
    pytest.param(
        f"{A}-us-east-1-framework",
        _set("name", "org-backup-ai"),
        "name: 'org-backup-ai'",
        "must match ^[A-Za-z]{1}[0-9A-Za-z_]{0,255}$",
        id="framework-name",
    ),
    pytest.param(
        f"{A}-us-east-1-restore-testing-selection",
        _set("protectedResourceArns", ["*"]),
        "protectedResourceArns / protectedResourceConditions",
        "exactly one of protectedResourceArns, protectedResourceConditions must be set, 2 are",
        id="exactly-one-of",
    ),
    pytest.param(
        f"{A}-us-east-1-restore-testing-selection",
        _set("name", "ai-efs-tagged"),
        "name: 'ai-efs-tagged'",
        "must match ^[0-9A-Za-z_]+$",
        id="pattern",
    ),
    pytest.param(
        f"{A}-us-east-1-vault",
        _set("name", "a"),
        "name: 'a'",
        "must be 2 to 50 characters long",
        id="length",
    ),
    pytest.param(
        f"{A}-us-east-1-restore-testing-selection",
        _set("validationWindowHours", 169.0),
        "validationWindowHours: 169.0",
        "must be 1 to 168",
        id="integer-range",
    ),
    pytest.param(
        f"{A}-us-east-1-vault-lock",
        _set("changeableForDays", 2.0),
        "changeableForDays: 2.0",
        "must be at least 3",
        id="at-least",
    ),
    pytest.param(
        f"{A}-us-east-1-restore-testing-selection",
        _pop("iamRoleArn"),
        "iamRoleArn: is required",
        "is required",
        id="required",
    ),
    pytest.param(
        f"{A}-us-east-1-plan",
        lambda inputs: inputs["rules"][0].pop("targetVaultName"),
        "rules[0].targetVaultName: is required",
        "is required",
        id="required-nested",
    ),
    pytest.param(
        f"{A}-us-east-1-restore-testing-plan",
        lambda inputs: inputs["recoveryPointSelection"].update(recoveryPointTypes=["INCREMENTAL"]),
        "recoveryPointSelection.recoveryPointTypes",
        "must be one of CONTINUOUS, SNAPSHOT",
        id="enum",
    ),
    pytest.param(
        f"{A}-us-east-1-selection",
        lambda inputs: inputs["conditions"].append(copy.deepcopy(inputs["conditions"][0])),
        "conditions",
        "must hold 0 to 1 items (holds 2) (hashicorp/terraform-provider-aws#38114",
        id="list-size",
    ),
    pytest.param(
        f"{A}-us-east-1-selection",
        _set("iamRoleArn", "OrgBackupServiceRole"),
        "iamRoleArn: 'OrgBackupServiceRole'",
        "must be an ARN",
        id="arn",
    ),
    pytest.param(
        f"{A}-us-east-1-vault",
        _set("kmsKeyArn", f"arn:aws:kms:us-east-1:{A}:alias/org-backup"),
        "kmsKeyArn",
        "a KMS key ARN (…:key/<id>), not an alias",
        id="read-normalization-guard",
    ),
    pytest.param(
        f"{A}-us-east-1-alerts-rule",
        _pop("eventPattern"),
        "scheduleExpression / eventPattern",
        "one of scheduleExpression, eventPattern must be set",
        id="at-least-one-of",
    ),
    pytest.param(
        f"{A}-us-east-1-alerts-target",
        lambda inputs: inputs.update(input="{}", inputPath="$.detail"),
        "input / inputPath",
        "only one of input, inputPath, inputTransformer may be set",
        id="conflicts-with",
    ),
    pytest.param(
        f"{A}-us-east-1-alerts-rule",
        _set("eventPattern", '{"source": ["aws.backup"], "source": ["aws.ec2"]}'),
        "eventPattern",
        "must be valid JSON (duplicate keys source)",
        id="json",
    ),
    pytest.param(
        f"{A}-backup-role",
        _set("name", "backup role"),
        "name: 'backup role'",
        "must match ^[\\w+=,.@-]*$",
        id="iam-name",
    ),
    pytest.param(
        f"{A}-aws",
        _set("assumeRoles", f'[{{"roleArn": "arn:aws:iam::{A}:role/x", "sessionName": "x"}}]'),
        "assumeRoles[0].sessionName: 'x'",
        "must be 2 to 64 characters long",
        id="provider-json-encoded",
    ),
    pytest.param(
        f"{MANAGEMENT_ID}-guardrails-scp",
        _set("type", "SERVICE_CONTROL"),
        "type: 'SERVICE_CONTROL'",
        "must be one of SERVICE_CONTROL_POLICY, RESOURCE_CONTROL_POLICY",
        id="organizations-policy-type",
    ),
    pytest.param(
        f"{MANAGEMENT_ID}-guardrails-scp",
        _set("content", '{"Version": "2012-10-17", "Statement": ['),
        "content",
        "must be valid JSON",
        id="organizations-policy-json",
    ),
    pytest.param(
        f"{A}-us-east-1-vault-policy",
        _pop("backupVaultName"),
        "backupVaultName: is required",
        "is required",
        id="member-vault-policy-required",
    ),
]


@pytest.mark.parametrize(("name", "edit", "where", "rule"), VIOLATIONS)
def test_each_kind_of_rule_fails_a_hand_written_violation(resources, name, edit, where, rule):
    resource = entry(resources, name)
    assert problems_of(resource) == []
    edit(resource["inputs"])

    found = problems_of(resource)

    assert found, "the violation went through"
    (message,) = [m for m in found if where in m]
    assert message.startswith(f"resource {name} ({resource['type']}): ")
    assert rule in message
    assert "terraform-provider-aws" in message or "#" in message  # the rule's source


def test_global_settings_must_set_every_key_the_provider_reads_back(resources):
    resource = entry(resources, f"{MANAGEMENT_ID}-backup-global-settings")
    del resource["inputs"]["globalSettings"]["isMpaEnabled"]
    (message,) = problems_of(resource)
    assert "missing isMpaEnabled" in message and "resourceGlobalSettingsRead" in message


def test_an_import_id_must_name_the_region_the_resource_lives_in(resources):
    vault = entry(resources, f"{A}-eu-west-1-vault")
    assert import_problems(RESOURCE_RULES, vault["type"], vault["name"], "org-backup-ai@eu-west-1", vault["inputs"], "us-east-1") == []  # fmt: skip

    (problem,) = import_problems(
        RESOURCE_RULES, vault["type"], vault["name"], "org-backup-ai", vault["inputs"], "us-east-1"
    )

    assert "would be read in us-east-1, not in the resource's region eu-west-1" in str(problem)
    assert "must end with @eu-west-1" in str(problem)


def test_an_invoke_is_checked_too():
    assert invoke_problems(INVOKE_RULES, "aws:kms/getKey:getKey", {"keyId": "alias/x"}) == []
    (problem,) = invoke_problems(INVOKE_RULES, "aws:kms/getKey:getKey", {"keyId": "my key"})
    assert problem.source == "invoke aws:kms/getKey:getKey" and problem.field == "keyId"
    for kind in ("(a key id) or must be a key ARN", "(an alias name) or must be an alias ARN"):
        assert kind in problem.message
    (missing,) = invoke_problems(INVOKE_RULES, "aws:kms/getKey:getKey", {})
    assert missing.value is MISSING


def test_a_type_or_invoke_without_rules_cannot_pass():
    (resource,) = registration_problems(RESOURCE_RULES, "aws:s3/bucket:Bucket", "logs", {})
    (invoke,) = invoke_problems(INVOKE_RULES, "aws:index/getRegion:getRegion", {})
    for problem in (resource, invoke):
        assert "has no rules in org_backup/provider_rules" in problem.message


def test_the_mock_engine_refuses_what_the_provider_would_and_names_it():
    """A program of our own, registering what the provider refuses: the run raises (exit 2)
    with one line per broken rule."""

    def program() -> pulumi.Output[str]:
        selection = aws.backup.RestoreTestingSelection(
            "bad-selection",
            name="bad-name",
            restore_testing_plan_name="plan",
            protected_resource_type="EFS",
            protected_resource_arns=["*"],
            protected_resource_conditions=aws.backup.RestoreTestingSelectionProtectedResourceConditionsArgs(
                string_equals=[
                    aws.backup.RestoreTestingSelectionProtectedResourceConditionsStringEqualArgs(
                        key="aws:ResourceTag/Name", value="AIFilesystem"
                    )
                ]
            ),
            iam_role_arn="arn:aws:iam::111122223333:role/r",
            validation_window_hours=200,
        )
        return selection.id

    with pytest.raises(ProviderRuleError) as raised:
        run_mocked(program, project="p", stack="s")
    lines = str(raised.value).splitlines()
    assert len(lines) == 3
    assert all(line.startswith("resource bad-selection (aws:backup/") for line in lines)
    assert "exactly one of protectedResourceArns" in lines[2]


def test_synth_exits_2_naming_resource_field_and_rule(tmp_path, monkeypatch, capsys):
    """Values no setting validates (a hand-built coverage: a central vault name out of pattern,
    a validation window out of range) that the provider refuses: synth stops with exit 2,
    naming each, and writes nothing."""
    monkeypatch.chdir(tmp_path)
    bad_central = central(
        kind="air-gapped", min_retention_days=7, max_retention_days=3650, vault_name="central vault"
    )
    bad_testing = TESTING.model_copy(update={"validation_window_hours": 200})
    bad = FULL.model_copy(update={"central": bad_central, "restore_testing": bad_testing})
    monkeypatch.setattr(
        synth_command, "load_rollout_coverage", lambda *args, **kwargs: Adoption(bad, ())
    )
    out = tmp_path / "synth.json"

    assert main(["synth", "--out", str(out)]) == 2

    err = capsys.readouterr().err
    assert (
        f"error: resource {CENTRAL_ID}-us-east-1-central-vault"
        " (aws:backup/logicallyAirGappedVault:LogicallyAirGappedVault): name: 'central vault':"
        " must match ^[a-zA-Z0-9\\-\\_]{2,50}$" in err
    )
    assert (
        f"error: resource {A}-eu-west-1-restore-testing-selection"
        " (aws:backup/restoreTestingSelection:RestoreTestingSelection): validationWindowHours:"
        " 200.0: must be 1 to 168 (is 200)" in err
    )
    assert not out.exists()


# The rules against the installed SDK: every path names real inputs, and the inputs a rule
# requires are those the schema requires (plus what upstream requires that pulumi-aws auto-names).


def _sdk_class(token: str) -> type:
    """`aws:backup/vault:Vault` -> pulumi_aws.backup.VaultArgs."""
    if token == "pulumi:providers:aws":
        return aws.ProviderArgs
    _, module_path, name = token.split(":")
    module = importlib.import_module(f"pulumi_aws.{module_path.split('/')[0]}")
    return getattr(module, f"{name}Args")


def _nested_class(cls: type, pulumi_name: str) -> tuple[type | None, bool]:
    names = {v: k for k, v in input_type_py_to_pulumi_names(cls).items()}
    assert pulumi_name in names, f"{cls.__name__} has no input {pulumi_name}"
    annotation = str(inspect.signature(getattr(cls, names[pulumi_name]).fget).return_annotation)
    match = re.search(r"'(\w+Args)'", annotation)
    if match is None:
        return None, False
    module = importlib.import_module(cls.__module__.rsplit(".", 1)[0] + "._inputs")
    return getattr(module, match.group(1)), "Sequence" in annotation


@pytest.mark.parametrize("token", sorted(RESOURCE_RULES))
def test_every_rules_entry_names_inputs_the_sdk_has(token):
    rules = RESOURCE_RULES[token]
    for field in rules.fields:
        cls: type | None = _sdk_class(token)
        *parents, leaf = field.path.split(".")
        for segment in parents:  # objects, or lists of objects where the segment says `[]`
            assert cls is not None, f"{field.path}: {segment} is not inside an object"
            cls, is_list = _nested_class(cls, segment.removesuffix("[]"))
            assert cls is not None and is_list == segment.endswith("[]"), field.path
        assert cls is not None
        _nested_class(cls, leaf)
    for group in rules.groups:
        for path in group.paths:
            _nested_class(_sdk_class(token), path)


@pytest.mark.parametrize("token", sorted(RESOURCE_RULES))
def test_required_inputs_are_the_schemas(token):
    cls = _sdk_class(token)
    names = input_type_py_to_pulumi_names(cls)
    signature = inspect.signature(cls.__init__)
    schema = {
        names[p]
        for p, v in signature.parameters.items()
        if p != "__self__" and v.default is v.empty
    }
    ruled = {f.path for f in RESOURCE_RULES[token].fields if f.required and "." not in f.path}
    assert ruled == schema


def test_invoke_rules_name_the_functions_arguments():
    parameters = inspect.signature(aws.kms.get_key).parameters
    for field in INVOKE_RULES["aws:kms/getKey:getKey"].fields:
        snake = re.sub(r"(?<!^)(?=[A-Z])", "_", field.path).lower()
        assert snake in parameters
