"""Which configured regions are enabled in which account.

Regions enabled by default are enabled everywhere, so they cost no per-account call. Only an
opt-in region is looked up, per account: `account:ListRegions` from the management account
first, and when that is unavailable or denied, `ec2:DescribeRegions` inside the account
through its deploy role.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from botocore.exceptions import BotoCoreError, ClientError

from org_backup.aws import Session, client, describe_error
from org_backup.errors import AccountFailure, AwsCallError

ENABLED_OPT_IN = frozenset({"opted-in", "opt-in-not-required"})


def default_enabled_regions(session: Session) -> frozenset[str]:
    """The regions that need no opt-in (the same for every account): one EC2 call."""
    try:
        regions = client(session, "ec2").describe_regions(AllRegions=True)["Regions"]
    except (ClientError, BotoCoreError) as error:
        raise AwsCallError(
            "ec2:DescribeRegions", "management (caller)", describe_error(error)
        ) from error
    return frozenset(
        region["RegionName"]
        for region in regions
        if region.get("OptInStatus") == "opt-in-not-required"
    )


class OptInLookup:
    """Looks opt-in regions up per account; shared by the worker threads of one discovery."""

    def __init__(self, management: Session, management_account_id: str):
        self._management = management
        self._management_id = management_account_id
        self._account_api: bool | None = None  # unknown until the first answer
        self._lock = threading.Lock()

    def enabled(
        self,
        account_id: str,
        candidates: Iterable[str],
        deploy_session: Callable[[], Session],
    ) -> frozenset[str]:
        """The candidates enabled in the account; raises with both reasons when neither works."""
        candidates = frozenset(candidates)
        try:
            found = self._ask_account_api(account_id)
        except (ClientError, BotoCoreError) as error:
            first_reason = f"account:ListRegions: {describe_error(error)}"
        else:
            if found is not None:
                return candidates & found
            first_reason = None
        try:
            return candidates & self._via_ec2(deploy_session())
        except (ClientError, BotoCoreError) as error:
            reasons = [first_reason] if first_reason else []
            reasons.append(f"ec2:DescribeRegions through the deploy role: {describe_error(error)}")
            raise RegionLookupError("; ".join(reasons)) from error

    def _ask_account_api(self, account_id: str) -> frozenset[str] | None:
        """None once the API has proved unusable: denied or missing for one means for all."""
        if self._account_api is None:
            with self._lock:  # the first caller probes; the others wait for its answer
                if self._account_api is None:
                    try:
                        found = self._via_account_api(account_id)
                    except (ClientError, BotoCoreError):
                        self._account_api = False
                        raise
                    self._account_api = True
                    return found
        return self._via_account_api(account_id) if self._account_api else None

    def _via_account_api(self, account_id: str) -> frozenset[str]:
        params = {"RegionOptStatusContains": ["ENABLED", "ENABLED_BY_DEFAULT"]}
        if account_id != self._management_id:
            # The management account must not name itself (ValidationException).
            params["AccountId"] = account_id
        paginator = client(self._management, "account").get_paginator("list_regions")
        return frozenset(
            region["RegionName"]
            for page in paginator.paginate(**params)
            for region in page["Regions"]
        )

    @staticmethod
    def _via_ec2(session: Session) -> frozenset[str]:
        # Filters are applied here too: some emulators ignore AllRegions and the filter.
        regions = client(session, "ec2").describe_regions(AllRegions=True)["Regions"]
        return frozenset(
            region["RegionName"]
            for region in regions
            if region.get("OptInStatus") in ENABLED_OPT_IN
        )


class RegionLookupError(AccountFailure):
    """Both ways to learn an account's opt-in regions failed; the message says why."""

    def __init__(self, reasons: str):
        super().__init__(f"region lookup failed: {reasons}")
