"""Amazon SNS: terraform-provider-aws `internal/service/sns/` (topic.go, topic_policy.go,
topic_subscription.go, consts.go)."""

from __future__ import annotations

from org_backup.provider_rules.model import (
    AnyOf,
    Arn,
    Between,
    Field,
    Json,
    OneOf,
    Pattern,
    TypeRules,
    conflicts_with,
)

TOPIC = "aws:sns/topic:Topic"
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
TOPIC_SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"

FEEDBACK_ROLES = ("application", "firehose", "http", "lambda", "sqs")

RULES = (
    TypeRules(
        TOPIC,
        ("internal/service/sns/topic.go",),
        fields=(
            # resourceTopicCustomizeDiff (runs in preview's diff): a standard topic's name, or a
            # FIFO topic's (`.fifo`).
            Field(
                "name",
                checks=(
                    AnyOf(
                        (
                            Pattern(r"^[0-9A-Za-z_-]{1,256}$"),
                            Pattern(r"^[0-9A-Za-z_-]{1,251}\.fifo$"),
                        )
                    ),
                ),
                replace=True,
            ),
            Field("namePrefix", replace=True),
            Field("fifoTopic", replace=True),
            Field("signatureVersion", checks=(Between(1, 2),)),
            Field("deliveryPolicy", checks=(Json(),)),
            Field("policy", checks=(Json(),)),
            *(Field(f"{kind}FailureFeedbackRoleArn", checks=(Arn(),)) for kind in FEEDBACK_ROLES),
            *(Field(f"{kind}SuccessFeedbackRoleArn", checks=(Arn(),)) for kind in FEEDBACK_ROLES),
            *(
                Field(f"{kind}SuccessFeedbackSampleRate", checks=(Between(0, 100),))
                for kind in FEEDBACK_ROLES
            ),
        ),
        groups=(conflicts_with("name", "namePrefix"),),
    ),
    TypeRules(
        TOPIC_POLICY,
        ("internal/service/sns/topic_policy.go", "internal/sdkv2/schema.go"),
        fields=(
            Field("arn", required=True, checks=(Arn(),), replace=True),
            Field("policy", required=True, checks=(Json(),)),
        ),
    ),
    TypeRules(
        TOPIC_SUBSCRIPTION,
        ("internal/service/sns/topic_subscription.go", "internal/service/sns/consts.go"),
        fields=(
            Field("endpoint", required=True, replace=True),
            Field(
                "protocol",
                required=True,
                checks=(
                    OneOf(
                        (
                            "application",
                            "email",
                            "email-json",
                            "firehose",
                            "http",
                            "https",
                            "lambda",
                            "sms",
                            "sqs",
                        )
                    ),
                ),
                replace=True,
            ),
            # topic_arn upstream
            Field("topic", required=True, checks=(Arn(),), replace=True),
            Field("deliveryPolicy", checks=(Json(),)),
            Field("filterPolicy", checks=(Json(),)),
            Field("filterPolicyScope", checks=(OneOf(("MessageAttributes", "MessageBody")),)),
            Field("redrivePolicy", checks=(Json(),)),
            Field("replayPolicy", checks=(Json(),)),
            Field("subscriptionRoleArn", checks=(Arn(),)),
        ),
    ),
)
