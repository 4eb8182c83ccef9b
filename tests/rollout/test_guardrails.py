"""Guardrails on: every member vault gets a Deny-all-but-the-deploy-role access policy, and shard
0 creates the SCP in the management account and attaches it to the covered OUs (or the root).
The documents deny exactly the listed actions and pass parliament; an SCP too large is exit 2."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import parliament
import pytest
from moto import mock_aws

from org_backup.cli import main
from org_backup.config.settings import Settings
from org_backup.coverage.alerting import AlertsConfig
from org_backup.coverage.central import vault_access_policy
from org_backup.coverage.guardrail_documents import (
    SCP_DENIES,
    SCP_MAX_CHARACTERS,
    VAULT_POLICY_DENIES,
    member_vault_policy,
)
from org_backup.coverage.guardrails import SCP_NAME, scp_text
from org_backup.rollout.central_alerts import bus_policy
from org_backup.rollout.synthesize import synthesize
from tests.support.api_shapes import api_requests, validation_errors
from tests.support.guardrail_plans import DEPLOY, guardrails
from tests.support.orgs import new_org
from tests.support.plans import (
    CENTRAL_ID,
    MANAGEMENT_ID,
    PLAN,
    VAULT_POLICY,
    by_type,
    central,
    covered,
    org,
)

A, B = "111122223333", "222233334444"
SCP = "aws:organizations/policy:Policy"
ATTACHMENT = "aws:organizations/policyAttachment:PolicyAttachment"


@pytest.fixture(scope="module")
def guarded() -> list[dict[str, Any]]:
    plan = org(
        covered(A),
        covered(B, regions=("us-east-1",)),
        covered(MANAGEMENT_ID, regions=("us-east-1",)),
        guardrails=guardrails(),
    )
    return synthesize(plan)["resources"]


def _document(resource: dict[str, Any], key: str) -> dict[str, Any]:
    return json.loads(resource["inputs"][key])


def test_every_member_vault_gets_the_guardrail_policy(guarded):
    policies = by_type(guarded, VAULT_POLICY)
    assert Counter((p["parent"], p["inputs"]["region"]) for p in policies) == {
        (A, "us-east-1"): 1,
        (A, "eu-west-1"): 1,
        (B, "us-east-1"): 1,
    }  # none in the management account: it deploys with the caller's own credentials
    for policy in policies:
        account = policy["parent"]
        assert policy["provider"] == f"{account}-aws"
        assert policy["inputs"]["backupVaultName"] == "org-backup-ai"
        assert _document(policy, "policy") == member_vault_policy(
            f"arn:aws:iam::{account}:role/{DEPLOY}"
        )


def test_the_vault_policy_denies_exactly_the_listed_actions_to_all_but_the_deploy_role(guarded):
    (statement,) = _document(by_type(guarded, VAULT_POLICY)[0], "policy")["Statement"]
    assert statement["Effect"] == "Deny" and statement["Principal"] == "*"
    assert statement["Resource"] == "*"
    assert set(statement["Action"]) == {
        "backup:DeleteRecoveryPoint",  # delete recovery points
        "backup:UpdateRecoveryPointLifecycle",  # change their lifecycle
        "backup:DeleteBackupVaultAccessPolicy",  # remove the policy (or replace it)
        "backup:PutBackupVaultAccessPolicy",
        "backup:DeleteBackupVaultLockConfiguration",  # remove the lock (or replace it)
        "backup:PutBackupVaultLockConfiguration",
    }
    assert statement["Condition"] == {
        "ArnNotEquals": {"aws:PrincipalArn": f"arn:aws:iam::{A}:role/{DEPLOY}"}
    }


def test_recovery_points_carry_the_tag_the_scp_recognizes(guarded):
    plans = {p["parent"]: p for p in by_type(guarded, PLAN)}
    assert plans[A]["inputs"]["rules"][0]["recoveryPointTags"] == {"managed-by": "org-backup"}
    assert "recoveryPointTags" not in plans[MANAGEMENT_ID]["inputs"]["rules"][0]


def test_shard_0_creates_the_scp_and_attaches_it_to_every_target(guarded):
    (scp,) = by_type(guarded, SCP)
    assert scp["provider"] == f"org-{MANAGEMENT_ID}-aws" and scp["parent"] == "organization"
    assert scp["inputs"]["name"] == SCP_NAME
    assert scp["inputs"]["type"] == "SERVICE_CONTROL_POLICY"
    attachments = by_type(guarded, ATTACHMENT)
    assert sorted(a["inputs"]["targetId"] for a in attachments) == [
        "ou-ab12-11111111",
        "ou-ab12-22222222",
    ]
    assert {a["inputs"]["policyId"] for a in attachments} == {scp["name"] and _scp_id(guarded)}
    assert {a["provider"] for a in attachments} == {f"org-{MANAGEMENT_ID}-aws"}


def _scp_id(resources: list[dict[str, Any]]) -> str:
    (attachment, *_) = by_type(resources, ATTACHMENT)
    return attachment["inputs"]["policyId"]


def test_the_scp_denies_exactly_the_listed_actions_on_org_backups_resources(guarded):
    document = _document(by_type(guarded, SCP)[0], "content")
    statements = {s["Sid"]: s for s in document["Statement"]}
    denied = {action for s in document["Statement"] for action in s["Action"]}
    listed = {
        a
        for group, actions in SCP_DENIES.items()
        if group not in ("alert rules", "audit frameworks")
        for a in actions
    }
    assert denied == listed  # no alerts, no frameworks: neither to protect
    assert all(s["Effect"] == "Deny" for s in document["Statement"])
    exempt = {"aws:PrincipalArn": [f"arn:aws:iam::*:role/{DEPLOY}"]}
    assert all(s["Condition"]["ArnNotLike"] == exempt for s in document["Statement"])
    assert (
        statements["OrgBackupVaults"]["Resource"] == "arn:aws:backup:*:*:backup-vault:org-backup-ai"
    )
    assert set(statements["OrgBackupRoles"]["Resource"]) == {
        "arn:aws:iam::*:role/OrgBackupServiceRole",
        f"arn:aws:iam::*:role/{DEPLOY}",  # whoever changed its trust would take its exemption
    }
    tagged = {"aws:ResourceTag/managed-by": "org-backup"}
    assert statements["OrgBackupRecoveryPoints"]["Condition"]["StringEquals"] == tagged
    assert statements["OrgBackupPlans"]["Condition"]["StringEquals"] == tagged
    assert "OrgBackupAlertRules" not in statements  # no alerts, no rules to protect


def test_with_alerts_and_a_central_vault_the_scp_protects_them_too():
    document = json.loads(
        scp_text(
            Settings(
                guardrails_enabled=True,
                central_account_id=CENTRAL_ID,
                central_mpa_enabled=False,
                central_delegated_administrator_enabled=False,
                alerts_enabled=True,
            ),
            [],
            "aws",
        )
    )
    statements = {s["Sid"]: s for s in document["Statement"]}
    assert set(statements["OrgBackupVaults"]["Resource"]) == {
        "arn:aws:backup:*:*:backup-vault:org-backup-ai",
        "arn:aws:backup:*:*:backup-vault:org-backup-central",
    }
    assert set(statements["OrgBackupAlertRules"]["Resource"]) == {
        "arn:aws:events:*:*:rule/org-backup-alerts-forward",
        "arn:aws:events:*:*:rule/org-backup-alerts/org-backup-alerts-to-email",
    }
    assert (
        "arn:aws:iam::*:role/OrgBackupAlertsForwarder" in statements["OrgBackupRoles"]["Resource"]
    )


def test_the_central_vault_policy_admits_copies_and_also_guards_the_copies():
    resources = synthesize(
        org(covered(A), central=central(), guardrails=guardrails(central_account_id=CENTRAL_ID,
            central_mpa_enabled=False, central_delegated_administrator_enabled=False))
    )["resources"]  # fmt: skip
    central_policies = [
        p for p in by_type(resources, VAULT_POLICY) if p["parent"] == "organization"
    ]
    assert len(central_policies) == 2
    allow, deny = _document(central_policies[0], "policy")["Statement"]
    assert allow["Action"] == "backup:CopyIntoBackupVault" and allow["Effect"] == "Allow"
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {
        "ArnNotEquals": {"aws:PrincipalArn": f"arn:aws:iam::{CENTRAL_ID}:role/{DEPLOY}"}
    }


def test_other_shards_guard_their_vaults_but_register_no_scp():
    resources = synthesize(org(covered(A), guardrails=guardrails(), shard_index=1, shard_count=2))[
        "resources"
    ]
    assert len(by_type(resources, VAULT_POLICY)) == 2
    assert not by_type(resources, SCP) and not by_type(resources, ATTACHMENT)


def test_guardrails_off_registers_none_of_it():
    resources = synthesize(org(covered(A)))["resources"]
    assert not by_type(resources, VAULT_POLICY) and not by_type(resources, SCP)
    assert all("recoveryPointTags" not in p["inputs"]["rules"][0] for p in by_type(resources, PLAN))


def test_guardrail_requests_pass_botocore_validation(guarded):
    requests = [r for r in api_requests(guarded) if r.service in ("organizations",) or
                r.operation == "PutBackupVaultAccessPolicy"]  # fmt: skip
    assert Counter(r.operation for r in requests) == {
        "PutBackupVaultAccessPolicy": 3,
        "CreatePolicy": 1,
        "AttachPolicy": 2,
    }
    for request in requests:
        assert validation_errors(request) == [], request


def _parliament(document: dict[str, Any]) -> list[str]:
    policy = parliament.analyze_policy_string(json.dumps(document), include_community_auditors=True)
    return [f"{finding.issue}: {finding.detail}" for finding in policy.findings]


def test_every_policy_document_passes_parliament(guarded):
    documents = [_document(p, "policy") for p in by_type(guarded, VAULT_POLICY)]
    documents += [_document(s, "content") for s in by_type(guarded, SCP)]
    documents.append(json.loads(scp_text(Settings(guardrails_enabled=True, alerts_enabled=True,
        central_account_id=CENTRAL_ID, central_mpa_enabled=False,
        central_delegated_administrator_enabled=False), [], "aws")))  # fmt: skip
    for document in documents:
        assert _parliament(document) == [], document
    alerts = AlertsConfig(
        central_account_id=CENTRAL_ID, region="us-east-1", bus_name="b", emails=(),
        forwarder_role_name="OrgBackupAlertsForwarder",
    )  # fmt: skip
    # "*" in a resource policy is the resource itself (the vault): parliament's only remark
    assert _parliament(vault_access_policy("o-exampleorg1", deploy_role_arn="arn:aws:iam::"
                       f"{A}:role/{DEPLOY}")) == ["RESOURCE_STAR: ['backup:CopyIntoBackupVault']"]  # fmt: skip
    assert _parliament(bus_policy(alerts, "o-exampleorg1")) == []


def test_parliament_would_catch_a_misspelled_action(guarded):
    document = _document(by_type(guarded, VAULT_POLICY)[0], "policy")
    document["Statement"][0]["Action"].append("backup:DeleteRecoveryPoints")
    assert _parliament(document) == ["UNKNOWN_ACTION: Unknown action backup:DeleteRecoveryPoints"]


def test_with_audit_frameworks_the_scp_keeps_them_from_the_accounts_own_administrators():
    document = json.loads(
        scp_text(Settings(guardrails_enabled=True, audit_frameworks_enabled=True), [], "aws")
    )
    statements = {s["Sid"]: s for s in document["Statement"]}
    frameworks = statements["OrgBackupFrameworks"]
    assert frameworks["Action"] == ["backup:DeleteFramework", "backup:UpdateFramework"]
    assert frameworks["Resource"] == "arn:aws:backup:*:*:framework:*"
    assert frameworks["Condition"]["StringEquals"] == {"aws:ResourceTag/managed-by": "org-backup"}


def test_the_denied_lists_are_what_the_documents_say():
    listed = {action for group in VAULT_POLICY_DENIES.values() for action in group}
    assert set(member_vault_policy("arn:aws:iam::1:role/x")["Statement"][0]["Action"]) == listed


@mock_aws
def test_an_scp_over_the_size_limit_is_exit_2_before_any_aws_call(tmp_path: Path, capsys):
    new_org()
    accounts = tmp_path / "accounts"
    accounts.mkdir()
    for index in range(40):
        account_id = f"{100000000000 + index}"
        (accounts / f"a{index}.yaml").write_text(
            f'account_id: "{account_id}"\ndeploy_role_name: DeployRoleWithARatherLongName{index:04d}\n'
        )
    assert main(["discover", "--accounts-dir", str(accounts)]) == 0  # off: no SCP, no limit
    capsys.readouterr()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ORG_BACKUP_GUARDRAILS_ENABLED", "true")
        code = main(["discover", "--accounts-dir", str(accounts)])
    err = capsys.readouterr().err
    assert code == 2
    assert "guardrails_enabled" in err and f"over the {SCP_MAX_CHARACTERS}" in err
    assert "DeployRoleWithARatherLongName0039" in err


@mock_aws
def test_synth_with_guardrails_on_shows_vault_policies_and_the_scp_on_the_root(
    tmp_path: Path, capsys, monkeypatch
):
    org = new_org()
    prod = org.account("ml-prod", "ML/Prod")
    org.account("ml-dev", "ML/Dev")
    monkeypatch.setenv("ORG_BACKUP_GUARDRAILS_ENABLED", "true")
    out = tmp_path / "synth.json"
    assert main(["synth", "--accounts-dir", str(tmp_path), "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    err = capsys.readouterr().err

    resources = result["resources"]
    root = org.root_id if hasattr(org, "root_id") else None
    (attachment,) = by_type(resources, ATTACHMENT)
    assert attachment["inputs"]["targetId"].startswith("r-")
    assert root in (None, attachment["inputs"]["targetId"])
    assert len(by_type(resources, VAULT_POLICY)) == 2  # one per covered member account-region
    assert result["guardrails"]["targets"] == [attachment["inputs"]["targetId"]]
    regions = {
        a["account_id"]: a["regions"] for a in result["accounts"] if a["status"] == "covered"
    }
    assert regions[prod][0]["guardrails"] == {"vault_policy": True, "scp": SCP_NAME}
    assert f"guardrails: 2 member vault policies, SCP {SCP_NAME} attached to r-" in err


@mock_aws
def test_synth_with_guardrails_off_says_so(tmp_path: Path, capsys):
    new_org().account("ml-prod", "ML")
    assert main(["synth", "--accounts-dir", str(tmp_path), "--out", str(tmp_path / "s.json")]) == 0
    assert "synth: guardrails off (guardrails_enabled)" in capsys.readouterr().err
