"""What AWS Config records in covered account-regions, for the audit frameworks: two read-only
calls per account-region (config DescribeConfigurationRecorders and
DescribeConfigurationRecorderStatus), through the account's read-only role (else its deploy
role). One implementation for `discover`, the program (`check_config_recording`) and `audit`.

A failed lookup is recorded as that account-region's error, never a failed account: whether
Config records is evidence to report, not a reason to stop covering anything.
"""

from __future__ import annotations

from collections.abc import Iterable

from botocore.exceptions import BotoCoreError, ClientError

from org_backup.aws.fanout import per_account
from org_backup.aws.progress import Progress
from org_backup.aws.sessions import Session, assume_role, caller_session, client, describe_error
from org_backup.aws_rules.config_recording import judge
from org_backup.coverage.model import AccountCoverage, Coverage, reading_role
from org_backup.coverage.shape import coverage_shapes
from org_backup.manifest.model import ConfigRecording


def config_recording(session: Session, region: str, needed: Iterable[str]) -> ConfigRecording:
    """One account-region, through `session` (already the account's)."""
    config = client(session, "config", region)
    operation = "config:DescribeConfigurationRecorders"
    try:
        recorders = config.describe_configuration_recorders()["ConfigurationRecorders"]
        operation = "config:DescribeConfigurationRecorderStatus"
        statuses = config.describe_configuration_recorder_status()["ConfigurationRecordersStatus"]
    except (ClientError, BotoCoreError, KeyError) as error:
        reason = describe_error(error) if not isinstance(error, KeyError) else "malformed answer"
        return ConfigRecording(error=f"{operation} in {region}: {reason}")
    found = judge(recorders, statuses, needed)
    return ConfigRecording(
        recorder=found.recorder, recording=found.recording, missing_types=list(found.missing_types)
    )


def with_config_recording(
    coverage: Coverage,
    session: Session | None,
    max_workers: int,
    readonly_role_name: str | None,
    budget_seconds: float | None,
    progress: bool = False,
) -> Coverage:
    """The coverage with `config_recording` filled for every covered account-region that has a
    framework; an account that cannot be reached gets its reason in each of its regions."""
    session = caller_session(session)
    todo = [
        (account, {shape.region: shape.framework for shape in coverage_shapes(coverage, account)})
        for account in coverage.covered
    ]
    todo = [(account, frameworks) for account, frameworks in todo if any(frameworks.values())]

    def look_up(item: tuple[AccountCoverage, dict], calls: Session) -> dict[str, ConfigRecording]:
        account, frameworks = item
        assert account.deploy_role_arn is not None
        role_arn, external_id = reading_role(
            account.deploy_role_arn, account.deploy_role_external_id, readonly_role_name
        )
        reading = assume_role(calls, role_arn, external_id)
        return {
            region: config_recording(reading, region, framework.recorded_types)
            for region, framework in frameworks.items()
            if framework is not None
        }

    found, failures = per_account(
        todo,
        key=lambda item: item[0].account_id,
        task=look_up,
        max_workers=max_workers,
        session=session,
        budget_seconds=budget_seconds,
        progress=Progress("config", len(todo)) if progress and todo else None,
    )
    updated = []
    for account in coverage.accounts:
        if account.account_id in found:
            account = account.model_copy(update={"config_recording": found[account.account_id]})
        elif account.account_id in failures:
            reason = failures[account.account_id]
            account = account.model_copy(
                update={
                    "config_recording": {
                        region: ConfigRecording(error=reason) for region in account.regions
                    }
                }
            )
        updated.append(account)
    return coverage.model_copy(update={"accounts": tuple(updated)})
