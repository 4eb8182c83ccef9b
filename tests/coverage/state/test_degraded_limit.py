"""A run where most of the organization degrades fails: more degraded accounts than
`max_accounts_degraded` (unset: the larger of 5 and 10 % of those covered) stop synth and
`pulumi up` before anything is written or registered, exit 3, with one line giving the count
and the most common reason. The denial is the emulator's own: an IAM policy denying
sts:AssumeRole on those accounts' roles, enforced by moto."""

from __future__ import annotations

import pytest

from org_backup.coverage.state.degraded_limit import degraded_limit
from tests.support.nightly import Nightly

MORE = [f"team-{n}" for n in range(7)]


@pytest.fixture
def twelve(nightly: Nightly) -> tuple[Nightly, str]:
    """Twelve members (the default limit stays 5) and the plan of a good night before."""
    for name in MORE:
        nightly.org.account(name, "ML")
    return nightly, nightly.plan("first")


def test_most_deploy_roles_denied_fails_synth_with_the_count_and_the_reason(twelve):
    nightly, previous = twelve
    denied = [nightly.org.accounts[name] for name in MORE]
    nightly.refuse_deploy_role(*denied)

    run = nightly.synth("second", "--previous", previous)

    assert run.code == 3
    (line,) = run.err.splitlines()
    assert line.startswith("error: 7 of 12 covered accounts are degraded")
    assert "more than max_accounts_degraded allows (5, unset: the larger of 5 and 10 %)" in line
    assert "most common reason, 7 accounts (e.g. " in line
    assert "deploy role cannot be assumed (arn:aws:iam::<account>:role/" in line
    assert "AccessDenied" in line and "ORG_BACKUP_MAX_ACCOUNTS_DEGRADED=7" in line


def test_one_denied_role_still_passes_degraded(twelve):
    nightly, previous = twelve
    nightly.refuse_deploy_role(nightly.org.accounts["team-3"])

    run = nightly.synth("second", "--previous", previous)

    assert run.code == 0, run.err
    assert "12 accounts covered (1 degraded, 1 skipped)" in run.err


def test_the_setting_moves_the_limit_both_ways(twelve, monkeypatch):
    nightly, previous = twelve
    nightly.refuse_deploy_role(*(nightly.org.accounts[name] for name in MORE))
    monkeypatch.setenv("ORG_BACKUP_MAX_ACCOUNTS_DEGRADED", "7")
    assert nightly.discover("--previous", previous).code == 0

    monkeypatch.setenv("ORG_BACKUP_MAX_ACCOUNTS_DEGRADED", "6")
    run = nightly.discover("--previous", previous)
    assert run.code == 3
    assert "allows (6);" in run.err


@pytest.mark.parametrize(
    ("setting", "covered", "limit"),
    [(None, 36, 5), (None, 59, 5), (None, 60, 6), (None, 1000, 100), (0, 1000, 0), (7, 3, 7)],
)
def test_the_default_is_a_handful_or_a_tenth_whichever_is_larger(setting, covered, limit):
    assert degraded_limit(setting, covered) == limit
