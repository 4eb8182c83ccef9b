"""The AWS provider's own rules, as data: what `pulumi preview` would refuse, known offline.

botocore knows the AWS API; the provider in front of it (pulumi-aws, which bridges
hashicorp/terraform-provider-aws) adds its own checks: required arguments, exactly-one-of and
conflicts-with groups, name patterns and lengths, integer ranges, list sizes, enums. The mock
engine (`rollout/mock_engine.py`) applies them to every registration and invoke, so `synth` and
the tests fail where the real provider's Check would, naming the resource, the input and the
rule (exit 2). The same entries say which inputs force a replacement (`Field.replace`), which
`state/replacements.py` uses to predict replacements before `pulumi up`.

One module per AWS service, one `TypeRules` entry per resource type or invoke, each citing the
upstream files it was read from. To add a type the program starts registering:

1. read its schema in terraform-provider-aws (`internal/service/<service>/<resource>.go`: every
   `Required`, `ValidateFunc`/`Validators`, `ConflictsWith`/`ExactlyOneOf`/`AtLeastOneOf`,
   `MaxItems`, `ForceNew`/`RequiresReplace`), and its input names in the installed pulumi-aws
   SDK (the `@pulumi.getter(name=...)` of its `...Args` class);
2. add a `TypeRules(token, (files,), fields=(Field(path, required=..., checks=(...),
   replace=...), ...), groups=(...))` to the service's module (or a new module, listed in
   `_MODULES` below);
3. run `tests/provider_rules/test_check.py`: it fails while a registered type or invoke has no
   entry, and checks every entry's names and required inputs against the SDK.
"""

from __future__ import annotations

from org_backup.provider_rules import (
    aws_provider,
    backup,
    efs,
    events,
    iam,
    kms,
    organizations,
    ram,
    sns,
)
from org_backup.provider_rules.model import TypeRules

_MODULES = (aws_provider, backup, efs, events, iam, organizations, ram, sns)

RESOURCE_RULES: dict[str, TypeRules] = {
    rules.token: rules for module in _MODULES for rules in module.RULES
}
INVOKE_RULES: dict[str, TypeRules] = {rules.token: rules for rules in kms.INVOKE_RULES}
