"""The vocabulary of the AWS provider's rules: what a value must be, where it sits in a
resource's inputs, and which upstream file says so.

Each check mirrors one validator of terraform-provider-aws (the upstream pulumi-aws bridges) and
says, when a value breaks it, what the provider requires. The data modules next to this one
(`backup.py`, `events.py`, ...) describe each resource type with these; `check.py` applies them.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

UPSTREAM = "terraform-provider-aws"


class Check(Protocol):
    """One validator: the requirement a value breaks, or None when it meets it."""

    def problem(self, value: Any) -> str | None: ...


@dataclass(frozen=True)
class Length:
    """validation.StringLenBetween / stringvalidator.LengthBetween."""

    min: int
    max: int

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, str):
            return "must be a string"
        if not self.min <= len(value) <= self.max:
            return f"must be {self.min} to {self.max} characters long (is {len(value)})"
        return None


@dataclass(frozen=True)
class Pattern:
    """validation.StringMatch / stringvalidator.RegexMatches: Go's MatchString, which finds the
    pattern anywhere unless it is anchored, as upstream's patterns are."""

    regex: str
    meaning: str = ""

    def problem(self, value: Any) -> str | None:
        # re.ASCII: Go's \w and \d are ASCII-only, as Python's are with this flag.
        if not isinstance(value, str) or re.search(self.regex, value, re.ASCII) is None:
            return f"must match {self.regex}" + (f" ({self.meaning})" if self.meaning else "")
        return None


@dataclass(frozen=True)
class NotPattern:
    """validation.StringDoesNotMatch."""

    regex: str
    meaning: str

    def problem(self, value: Any) -> str | None:
        if isinstance(value, str) and re.search(self.regex, value, re.ASCII) is not None:
            return self.meaning
        return None


@dataclass(frozen=True)
class Between:
    """validation.IntBetween / int64validator.Between (and AtLeast, with no upper bound)."""

    min: int
    max: int | None = None

    def problem(self, value: Any) -> str | None:
        # The engine passes every number as a double: 7.0 is the integer 7.
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "must be an integer"
        if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
            return "must be an integer"
        if value < self.min or (self.max is not None and value > self.max):
            bounds = f"at least {self.min}" if self.max is None else f"{self.min} to {self.max}"
            return f"must be {bounds} (is {value:g})"
        return None


@dataclass(frozen=True)
class OneOf:
    """validation.StringInSlice / stringvalidator.OneOf / an AWS SDK enum type."""

    values: tuple[str, ...]

    def problem(self, value: Any) -> str | None:
        if value not in self.values:
            return f"must be one of {', '.join(self.values)}"
        return None


_PARTITION = re.compile(r"^aws(-[a-z]+)*$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
_ACCOUNT = re.compile(r"^(aws|aws-managed|third-party|\d{12}|cw.{10})$")


@dataclass(frozen=True)
class Arn:
    """verify.ValidARN (internal/verify/validate.go): parseable, a valid partition, a valid or
    empty region and account, a resource; `service` and `resource` narrow it further, as
    upstream's ARN checks for one kind of ARN do."""

    service: str | None = None
    resource: str | None = None  # a regex the resource part must match
    meaning: str = "an ARN"

    def problem(self, value: Any) -> str | None:
        parts = value.split(":", 5) if isinstance(value, str) else []
        if len(parts) != 6 or parts[0] != "arn":
            return f"must be {self.meaning}"
        _, partition, service, region, account, resource = parts
        valid = (
            _PARTITION.match(partition)
            and (not region or _REGION.match(region))
            and (not account or _ACCOUNT.match(account))
            and resource
            and (self.service is None or service == self.service)
            and (self.resource is None or re.search(self.resource, resource))
        )
        return None if valid else f"must be {self.meaning}"


@dataclass(frozen=True)
class AnyOf:
    """validation.Any / stringvalidator.Any: one of the checks must pass."""

    checks: tuple[Check, ...]

    def problem(self, value: Any) -> str | None:
        found = [check.problem(value) for check in self.checks]
        if all(found):
            return " or ".join(message for message in found if message)
        return None


@dataclass(frozen=True)
class Json:
    """validation.StringIsJSON; `policy` adds verify.ValidIAMPolicyJSON's checks: an object,
    without leading whitespace and without duplicate keys."""

    policy: bool = False
    max_length: int | None = None  # of the normalized (compact) JSON

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, str):
            return "must be a JSON string"
        if self.policy and not value.startswith("{"):
            return "must be a JSON object with no leading whitespace (an IAM policy document)"
        try:
            document = json.loads(value, object_pairs_hook=_no_duplicate_keys)
        except ValueError as error:
            return f"must be valid JSON ({error})"
        normalized = json.dumps(document, separators=(",", ":"))
        if self.max_length is not None and len(normalized) > self.max_length:
            return f"must be at most {self.max_length} characters as compact JSON (is {len(normalized)})"
        return None


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    duplicated = sorted({key for key in keys if keys.count(key) > 1})
    if duplicated:
        raise ValueError(f"duplicate keys {', '.join(duplicated)}")
    return dict(pairs)


@dataclass(frozen=True)
class Size:
    """MaxItems / MinItems / listvalidator.SizeBetween: how many items a list may hold."""

    min: int = 0
    max: int | None = None

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, list):
            return "must be a list"
        if len(value) < self.min or (self.max is not None and len(value) > self.max):
            bounds = f"at least {self.min}" if self.max is None else f"{self.min} to {self.max}"
            return f"must hold {bounds} items (holds {len(value)})"
        return None


@dataclass(frozen=True)
class Each:
    """setvalidator.ValueStringsAre / an Elem's ValidateFunc: every item passes `check`."""

    check: Check

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, list):
            return "must be a list"
        for index, item in enumerate(value):
            message = self.check.problem(item)
            if message:
                return f"item {index} ({item!r}) {message}"
        return None


@dataclass(frozen=True)
class HasKeys:
    """A map that must name every one of `keys` (a guard against a perpetual diff: the provider
    reads back the whole map AWS returns)."""

    keys: tuple[str, ...]

    def problem(self, value: Any) -> str | None:
        missing = [key for key in self.keys if not isinstance(value, Mapping) or key not in value]
        if missing:
            return f"must set every key AWS returns; missing {', '.join(missing)}"
        return None


@dataclass(frozen=True)
class Field:
    """The rules of one input. `path` is in the engine's (camelCase) shape: `rules[].ruleName`
    is the `ruleName` of every item of `rules`. `replace` marks an input whose change makes
    the provider replace the resource (ForceNew / RequiresReplace). `source` cites a rule that
    is not the provider's validator but a guard against a known upstream behaviour (an issue, a
    Read that normalizes); without it the type's sources apply."""

    path: str
    required: bool = False
    checks: tuple[Check, ...] = ()
    replace: bool = False
    source: str | None = None


@dataclass(frozen=True)
class Group:
    """A rule over several top-level inputs: `exactly one of`, `at least one of`, or `conflicts
    with` (at most one of them set)."""

    kind: str  # "exactly_one_of" | "at_least_one_of" | "conflicts_with"
    paths: tuple[str, ...]


def exactly_one_of(*paths: str) -> Group:
    return Group("exactly_one_of", paths)


def at_least_one_of(*paths: str) -> Group:
    return Group("at_least_one_of", paths)


def conflicts_with(*paths: str) -> Group:
    return Group("conflicts_with", paths)


# Import ids ending in `@<region>` pick the region of the imported resource; without it, the
# provider's own region (internal/provider/sdkv2/region.go and framework/region.go, importRegion).
REGION_SUFFIX = re.compile(r"^(.+)@([a-z]{2}(?:-[a-z]+)+-\d{1,2})$")


@dataclass(frozen=True)
class TypeRules:
    """Everything the provider checks about one resource type or invoke, and where it says so.

    `sources` are files of terraform-provider-aws (or issues, for a guard against a known
    upstream bug), read from the stored copy named in the module that declares the entry.
    `regional`: the type has pulumi-aws v7's `region` input, whose change forces a replacement
    and which an import id selects with `@<region>` (pulumi-aws docs/enhanced-region-support.md).
    `json_encoded`: inputs the engine passes as JSON strings (a provider's configuration).
    """

    token: str
    sources: tuple[str, ...]
    fields: tuple[Field, ...] = ()
    groups: tuple[Group, ...] = ()
    regional: bool = True
    json_encoded: tuple[str, ...] = ()

    @property
    def source(self) -> str:
        return f"{UPSTREAM} {', '.join(self.sources)}"

    def replacing_inputs(self) -> tuple[str, ...]:
        """The inputs whose change replaces the resource, `region` included where it exists."""
        paths = tuple(f.path for f in self.fields if f.replace)
        return (*paths, "region") if self.regional else paths
