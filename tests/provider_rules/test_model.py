"""Each validator of the provider's rules, as upstream's behaves: what passes, what it refuses."""

from __future__ import annotations

from typing import Any

import pytest

from org_backup.provider_rules.model import (
    AnyOf,
    Arn,
    Between,
    Check,
    Each,
    HasKeys,
    Json,
    Length,
    NotPattern,
    OneOf,
    Pattern,
    Size,
)

KEY_ARN = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.mark.parametrize(
    ("check", "good", "bad", "says"),
    [
        (Length(2, 50), "ab", "a", "must be 2 to 50 characters long (is 1)"),
        (Length(2, 50), "a" * 50, "a" * 51, "(is 51)"),
        # Go's MatchString finds an unanchored pattern anywhere, and \w is ASCII only
        (Pattern(r"^[\w+=,.@-]*$"), "Role_1+=,.@-", "rôle", r"must match ^[\w+=,.@-]*$"),
        (Pattern(r"[\w+=,.@-]+"), "a b", "   ", "must match"),
        (NotPattern(r"^default$", "cannot be 'default'"), "defaults", "default", "cannot be"),
        (Between(1, 168), 168.0, 169.0, "must be 1 to 168 (is 169)"),
        (Between(1, 168), 1, 1.5, "must be an integer"),
        (Between(3), 3, 2, "must be at least 3 (is 2)"),
        (Between(3), 36500, True, "must be an integer"),
        (OneOf(("EFS", "EBS")), "EFS", "efs", "must be one of EFS, EBS"),
        (Arn(), "arn:aws-us-gov:iam::111122223333:role/x", "role/x", "must be an ARN"),
        (Arn(), "arn:aws:s3:::bucket", "arn:aws:s3:::", "must be an ARN"),  # no resource
        (Arn(), "arn:aws:iam::aws:policy/P", "arn:aws:iam::123:role/x", "must be an ARN"),
        (
            Arn(),
            "arn:aws:events:eu-west-1:111122223333:rule/r",
            "arn:aws:events:eu-west:1:r",
            "ARN",
        ),
        (
            Arn("kms", r"^key/", "a key ARN"),
            KEY_ARN,
            KEY_ARN.replace("key/", "alias/"),
            "a key ARN",
        ),
        (AnyOf((Arn(), OneOf(("*",)))), "*", "all", "must be an ARN or must be one of *"),
        (Json(), '{"a": [1, 2]}', "{'a': 1}", "must be valid JSON"),
        (Json(), "[]", '{"a": 1, "a": 2}', "duplicate keys a"),
        (Json(policy=True), '{"Version": "2012-10-17"}', ' {"Version": "2012-10-17"}', "leading"),
        (Json(max_length=12), '{ "a" : "b" }', '{"a": "bbbbbbbbb"}', "at most 12 characters"),
        (Size(0, 1), [{}], [{}, {}], "must hold 0 to 1 items (holds 2)"),
        (Size(1), ["x"], [], "must hold at least 1 items (holds 0)"),
        (Each(OneOf(("SNAPSHOT",))), ["SNAPSHOT"], ["SNAPSHOT", "X"], "item 1 ('X') must be one"),
        (HasKeys(("a", "b")), {"a": "1", "b": "2"}, {"a": "1"}, "missing b"),
    ],
)
def test_a_validator_passes_what_upstream_passes_and_refuses_the_rest(
    check: Check, good: Any, bad: Any, says: str
):
    assert check.problem(good) is None
    message = check.problem(bad)
    assert message is not None and says in message
