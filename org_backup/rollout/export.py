"""The manifest this stack exports (CONTRACT.md, schema_version 1), built from the coverage.

`discover --json` builds it from the coverage alone (deployment ids null); the Pulumi program and
`synth` build it from the coverage plus the ids its resources resolved to. Each covered region is
its backup shape as the manifest records it (`coverage/shape.py`), so what is exported is what
is registered.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from org_backup.coverage.model import AccountCoverage, Coverage
from org_backup.coverage.shape import DeployedRegion, coverage_shapes, manifest_region
from org_backup.manifest.model import (
    SCHEMA_VERSION,
    Account,
    AuditReports,
    CentralAlerts,
    Guardrails,
    Manifest,
    Organization,
    ReportPlan,
    Shard,
)


class DeployedAccount(BaseModel):
    backup_role_arn: str | None = None
    regions: dict[str, DeployedRegion] = {}


def build_manifest(
    coverage: Coverage,
    deployed: Mapping[str, DeployedAccount] | None = None,
    report_plan_arns: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The manifest as a JSON-ready dict; accounts without deployed ids get nulls, and so do
    report plans `report_plan_arns` (by name) does not know (other shards' manifests)."""
    deployed = deployed or {}
    alerts, guardrails, central = coverage.alerts, coverage.guardrails, coverage.central
    manifest = Manifest(
        schema_version=SCHEMA_VERSION,
        organization=Organization(
            id=coverage.organization_id, management_account_id=coverage.management_account_id
        ),
        shard=Shard(index=coverage.shard_index, count=coverage.shard_count),
        alerts=CentralAlerts(
            bus_arn=alerts.bus_arn,
            topic_arn=alerts.topic_arn,
            region=alerts.region,
            muted_accounts=list(alerts.muted_accounts),
        )
        if alerts
        else None,
        central=central.manifest_entry(coverage.partition) if central else None,
        audit_reports=_audit_reports(coverage, report_plan_arns or {}),
        guardrails=Guardrails(
            scp_name=guardrails.scp_name,
            targets=list(guardrails.targets),
            exempt_role_names=list(guardrails.exempt_role_names),
        )
        if guardrails
        else None,
        accounts=[
            _account(coverage, account, deployed.get(account.account_id))
            for account in coverage.accounts
        ],
    )
    return manifest.model_dump(mode="json", exclude_none=False)


def _audit_reports(coverage: Coverage, arns: Mapping[str, str]) -> AuditReports | None:
    reports = coverage.audit_reports
    if reports is None:
        return None
    return AuditReports(
        bucket=reports.bucket,
        prefix=reports.prefix,
        region=reports.region,
        organization_units=list(reports.organization_units),
        report_plans=[
            ReportPlan(name=plan.name, template=plan.template, arn=arns.get(plan.name))
            for plan in reports.plans
        ],
    )


def _account(
    coverage: Coverage, account: AccountCoverage, deployed: DeployedAccount | None
) -> Account:
    entry: dict[str, Any] = {
        "account_id": account.account_id,
        "name": account.name,
        "ou_path": account.ou_path,
        "source": account.source,
        "placement": account.placement,
    }
    if not account.covered or account.policy is None:
        return Account(**entry, status="skipped", skip_reason=account.skip_reason)
    deployed = deployed or DeployedAccount()
    return Account(
        **entry,
        status="covered",
        deploy_role_arn=account.deploy_role_arn,
        backup_role_arn=deployed.backup_role_arn,
        regions=[
            manifest_region(
                shape,
                deployed.regions.get(shape.region),
                account.config_recording.get(shape.region),
            )
            for shape in coverage_shapes(coverage, account)
        ],
        regions_not_enabled=list(account.regions_not_enabled),
        degraded=account.degraded,
    )
