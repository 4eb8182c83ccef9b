"""Records every AWS operation botocore sends, as IAM actions, by the principal that sends it:
`caller`, or the name of the role whose assumed credentials signed it.

A `before-call` handler on a botocore session's events sees each request before it is sent,
with the credentials that will sign it (the call's `request_credentials`, else the client's) (registered first on each operation's own event, so it
runs before any canned answer of the tests); an `after-call` handler on sts:AssumeRole learns
which access key belongs to which role. Nothing of ours is replaced: the commands run as they
do.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

# Services whose operations the tests may answer with canned responses (tests/support/world.py)
ANSWERED_SERVICES = ("account", "backup", "organizations", "sts")
# IAM's service prefix where it is not botocore's service name
IAM_PREFIX = {"resourcegroupstaggingapi": "tag", "efs": "elasticfilesystem"}
POLICY_BLOCK = re.compile(r"<!-- policy: ([\w-]+) -->\s*```json\n(.*?)```", re.S)
ROOT = Path(__file__).resolve().parents[2]


class Calls:
    def __init__(self) -> None:
        self.by_principal: dict[str, set[str]] = defaultdict(set)
        self._roles: dict[str, str] = {}

    def reset(self) -> None:
        """Forget the calls so far (a test's own setup), not which key is which role."""
        self.by_principal.clear()

    def attach(self, session: Any) -> None:
        """Record what `session` (a boto3.Session) sends: every request (`before-call`), and
        first of all handlers the operations of the services the tests answer themselves."""
        events = session.events
        events.register_first("before-call", self._before)
        for service in ANSWERED_SERVICES:
            model = session._session.get_service_model(service)
            for operation in model.operation_names:
                event = f"before-call.{model.service_id.hyphenize()}.{operation}"
                events.register_first(event, self._before, unique_id=f"calls-{event}")
        events.register("after-call.sts.AssumeRole", self._assumed)

    def _before(
        self, model: Any, request_signer: Any = None, context: Any = None, **_: Any
    ) -> None:
        # a canned answer ends the event at its operation's handlers: the generic one then
        # never runs, so both are registered, and each request is counted once per handler
        service = model.service_model.service_name
        action = f"{IAM_PREFIX.get(service, service)}:{model.name}"
        # The call's own credentials (an account's role, on a client shared by accounts:
        # calls/account.py), else the client's.
        credentials = (context or {}).get("signing", {}).get("request_credentials")
        credentials = credentials or getattr(request_signer, "_credentials", None)
        key = getattr(credentials, "access_key", None)
        self.by_principal[self._roles.get(key or "", "caller")].add(action)

    def _assumed(self, parsed: dict[str, Any], **_: Any) -> None:
        if "Credentials" in parsed:
            role = parsed["AssumedRoleUser"]["Arn"].split(":assumed-role/")[1].split("/")[0]
            self._roles[parsed["Credentials"]["AccessKeyId"]] = role


def documented_policies(*docs: str) -> dict[str, dict[str, Any]]:
    """Every `<!-- policy: NAME -->` JSON block of these docs, by name."""
    found = {}
    for doc in docs:
        for name, text in POLICY_BLOCK.findall((ROOT / doc).read_text()):
            found[name] = json.loads(text)
    return found


def allowed_actions(policy: dict[str, Any]) -> set[str]:
    actions: set[str] = set()
    for statement in policy["Statement"]:
        if statement["Effect"] == "Allow":
            listed = statement["Action"]
            actions.update([listed] if isinstance(listed, str) else listed)
    return actions
