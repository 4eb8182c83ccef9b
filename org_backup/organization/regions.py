"""Which configured regions are enabled in which account.

Regions enabled by default are enabled everywhere, so they cost no per-account call. Only an
opt-in region is looked up, per account: `account:ListRegions` from the management account
first, and when that fails for the account, `ec2:DescribeRegions` inside the account through
its deploy role. Once ListRegions is denied or missing, every later account goes to EC2 at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from botocore.exceptions import BotoCoreError, ClientError

from org_backup.aws.sessions import Session, client, describe_error
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

    def __init__(self, management_account_id: str):
        self._management_id = management_account_id
        # Set once account:ListRegions is denied or missing: that holds for every account.
        self._account_api_unusable = False

    def enabled(
        self,
        account_id: str,
        candidates: Iterable[str],
        management: Session,
        deploy_session: Callable[[], Session],
    ) -> frozenset[str]:
        """The candidates enabled in the account; raises with both reasons when neither works.

        `management` makes the account's account:ListRegions call (its AccountSession of the
        management account's credentials). A throttle, 5xx, reset, timeout or malformed answer
        fails this account's lookup only, which then goes through `deploy_session`'s EC2; only a
        denial or a missing API sends every later account there too.
        """
        candidates = frozenset(candidates)
        first_reason = None
        if not self._account_api_unusable:
            try:
                return candidates & self._via_account_api(management, account_id)
            except (ClientError, BotoCoreError) as error:
                if denied_or_missing(error):
                    self._account_api_unusable = True
                first_reason = f"account:ListRegions: {describe_error(error)}"
        try:
            return candidates & self._via_ec2(deploy_session())
        except (ClientError, BotoCoreError) as error:
            reasons = [first_reason] if first_reason else []
            reasons.append(f"ec2:DescribeRegions through the deploy role: {describe_error(error)}")
            raise RegionLookupError("; ".join(reasons)) from error

    def _via_account_api(self, management: Session, account_id: str) -> frozenset[str]:
        params = {"RegionOptStatusContains": ["ENABLED", "ENABLED_BY_DEFAULT"]}
        if account_id != self._management_id:
            # The management account must not name itself (ValidationException).
            params["AccountId"] = account_id
        paginator = client(management, "account").get_paginator("list_regions")
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


# An answer that holds for every account: the caller may not use the API, or it is not there
# (an endpoint without the route answers 404).
_DENIED = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnknownOperationException",
        "InvalidAction",
    }
)


def denied_or_missing(error: Exception) -> bool:
    """A denial or a missing API; not a throttle, 5xx, reset, timeout or malformed answer."""
    if not isinstance(error, ClientError):
        return False
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return error.response.get("Error", {}).get("Code") in _DENIED or status == 404


class RegionLookupError(AccountFailure):
    """Both ways to learn an account's opt-in regions failed; the message says why."""

    def __init__(self, reasons: str):
        super().__init__(f"region lookup failed: {reasons}")
