"""The AWS Backup calls moto 5.2.5 lacks, answered in front of it for the demo emulator only.

moto has no backup selections and no recovery points, so a deployed demo would read as "no
selection, never backed up" everywhere. This WSGI layer answers CreateBackupSelection,
ListBackupSelections, GetBackupSelection and ListRecoveryPointsByResource from a small in-memory
store and passes every other request to moto unchanged. Plan ids are UUIDs and recovery points
are keyed by the file system's ARN (which holds account and region), so nothing needs the
caller's account. Recovery points are stored by age, so they stay as old as seeded however long
the demo runs.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote

Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

_SELECTIONS = re.compile(r"^/backup/plans/(?P<plan>[^/]+)/selections/(?P<selection>[^/]*)$")
_POINTS = re.compile(r"^/resources/(?P<arn>.+)/recovery-points/?$")


@dataclass
class BackupGaps:
    """What the layer remembers: selections by plan id, recovery point ages by file system."""

    selections: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    recovery_point_ages: dict[str, list[timedelta]] = field(default_factory=dict)
    vault_of: dict[str, str] = field(default_factory=dict)  # file system ARN -> vault name
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_recovery_point(self, file_system_arn: str, vault_name: str, age: timedelta) -> None:
        with self.lock:
            self.recovery_point_ages.setdefault(file_system_arn, []).append(age)
            self.vault_of[file_system_arn] = vault_name

    def wrap(self, moto_app: Wsgi) -> Wsgi:
        """`moto_app` with the calls above answered here."""

        def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            answer = self._answer(environ)
            if answer is None:
                return moto_app(environ, start_response)
            status, body = answer
            payload = json.dumps(body, default=_timestamp).encode()
            start_response(status, [("Content-Type", "application/json")])
            return [payload]

        return app

    def _answer(self, environ: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
        if "/backup/" not in environ.get("HTTP_AUTHORIZATION", ""):
            return None  # the credential scope names the service: only AWS Backup's calls
        path, method = unquote(environ.get("PATH_INFO", "")), environ["REQUEST_METHOD"]
        if match := _SELECTIONS.match(path):
            return self._selection_call(environ, method, match["plan"], match["selection"])
        if (match := _POINTS.match(path)) and method == "GET":
            return "200 OK", {"RecoveryPoints": self._points(match["arn"])}
        return None

    def _selection_call(
        self, environ: dict[str, Any], method: str, plan_id: str, selection_id: str
    ) -> tuple[str, dict[str, Any]] | None:
        with self.lock:
            plan = self.selections.setdefault(plan_id, {})
            if method == "PUT" and not selection_id:
                length = int(environ.get("CONTENT_LENGTH") or 0)
                request = json.loads(environ["wsgi.input"].read(length) or b"{}")
                new_id = str(uuid.uuid4())
                plan[new_id] = request["BackupSelection"]
                return "200 OK", {"SelectionId": new_id, "BackupPlanId": plan_id}
            if method == "GET" and not selection_id:
                listed = [
                    {"SelectionId": key, "SelectionName": value["SelectionName"]}
                    for key, value in plan.items()
                ]
                return "200 OK", {"BackupSelectionsList": listed}
            if method == "GET" and selection_id in plan:
                return "200 OK", {
                    "BackupSelection": plan[selection_id],
                    "SelectionId": selection_id,
                    "BackupPlanId": plan_id,
                }
            if method == "DELETE" and plan.pop(selection_id, None) is not None:
                return "200 OK", {}
        return None

    def _points(self, arn: str) -> list[dict[str, Any]]:
        now = datetime.now(UTC)
        with self.lock:
            ages, vault = self.recovery_point_ages.get(arn, []), self.vault_of.get(arn)
        return [
            {
                "RecoveryPointArn": f"{arn}:recovery-point:{index}",
                "CreationDate": now - age,
                "Status": "COMPLETED",
                "BackupVaultName": vault,
            }
            for index, age in enumerate(ages)
        ]


def _timestamp(value: Any) -> float:
    if isinstance(value, datetime):
        return value.timestamp()  # AWS's rest-json timestamps: epoch seconds
    raise TypeError(f"cannot serialize {type(value).__name__}")
