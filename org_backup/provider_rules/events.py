"""Amazon EventBridge: terraform-provider-aws `internal/service/events/` (bus.go, bus_policy.go,
rule.go, target.go and the name checks of validate.go), in the engine's input names."""

from __future__ import annotations

from org_backup.provider_rules.model import (
    AnyOf,
    Arn,
    Between,
    Field,
    Json,
    Length,
    NotPattern,
    OneOf,
    Pattern,
    TypeRules,
    at_least_one_of,
    conflicts_with,
)

EVENT_BUS = "aws:cloudwatch/eventBus:EventBus"
EVENT_BUS_POLICY = "aws:cloudwatch/eventBusPolicy:EventBusPolicy"
EVENT_RULE = "aws:cloudwatch/eventRule:EventRule"
EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget"

VALIDATE = "internal/service/events/validate.go"
# validateRuleName and validateTargetID: at most 64 characters of [0-9A-Za-z_.-].
RULE_NAME = (Length(1, 64), Pattern(r"^[0-9A-Za-z_.-]+$"))
# validBusName: 1-256 of the bus name characters (`/` included, for partner buses).
BUS_NAME = (Length(1, 256), Pattern(r"^[/\.\-_A-Za-z0-9]+$"))
# validBusNameOrARN: a bus name, or an event bus ARN (eventBusARNCheck).
BUS_NAME_OR_ARN = (
    Length(1, 1600),
    AnyOf(
        (
            Arn("events", r"^event-bus/[/\.\-_A-Za-z0-9]+$", "an event bus ARN"),
            Pattern(r"^[/\.\-_A-Za-z0-9]+$", "an event bus name"),
        )
    ),
)

RULES = (
    TypeRules(
        EVENT_BUS,
        ("internal/service/events/bus.go", VALIDATE),
        fields=(
            # validCustomEventBusName
            Field(
                "name",
                checks=(Length(1, 256), NotPattern(r"^default$", "cannot be 'default'")),
                replace=True,
            ),
            Field("description", checks=(Length(0, 512),)),
            Field("kmsKeyIdentifier", checks=(Length(1, 2048),)),
            Field(
                "eventSourceName",
                checks=(Length(1, 256), Pattern(r"^aws\.partner(/[\.\-_A-Za-z0-9]+){2,}$")),
                replace=True,
            ),
            Field("deadLetterConfig.arn", checks=(Length(1, 1600), Arn())),
        ),
    ),
    TypeRules(
        EVENT_BUS_POLICY,
        ("internal/service/events/bus_policy.go", VALIDATE),
        fields=(
            Field("eventBusName", checks=BUS_NAME, replace=True),
            Field("policy", required=True, checks=(Json(),)),
        ),
    ),
    TypeRules(
        EVENT_RULE,
        ("internal/service/events/rule.go", VALIDATE),
        fields=(
            Field("name", checks=RULE_NAME, replace=True),
            Field("namePrefix", replace=True),
            Field("description", checks=(Length(0, 512),)),
            Field("eventBusName", checks=BUS_NAME_OR_ARN, replace=True),
            # validateEventPatternValue: valid JSON, at most 4096 characters once normalized.
            Field("eventPattern", checks=(Json(max_length=4096),)),
            Field("roleArn", checks=(Arn(),)),
            Field("scheduleExpression", checks=(Length(0, 256),)),
            Field(
                "state",
                checks=(
                    OneOf(("ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")),
                ),
            ),
        ),
        groups=(
            at_least_one_of("scheduleExpression", "eventPattern"),
            conflicts_with("name", "namePrefix"),
            conflicts_with("isEnabled", "state"),
        ),
    ),
    TypeRules(
        EVENT_TARGET,
        ("internal/service/events/target.go", VALIDATE),
        fields=(
            Field("arn", required=True, checks=(Arn(),)),
            Field("rule", required=True, checks=RULE_NAME, replace=True),
            Field("targetId", checks=RULE_NAME, replace=True),
            Field("eventBusName", checks=BUS_NAME_OR_ARN, replace=True),
            Field("roleArn", checks=(Arn(),)),
            Field("input", checks=(Json(), Length(0, 8192))),
            Field("inputPath", checks=(Length(0, 256),)),
            Field("deadLetterConfig.arn", checks=(Arn(),)),
            Field("retryPolicy.maximumEventAgeInSeconds", checks=(Between(0, 86400),)),
            Field("retryPolicy.maximumRetryAttempts", checks=(Between(0, 185),)),
        ),
        groups=(conflicts_with("input", "inputPath", "inputTransformer"),),
    ),
)
