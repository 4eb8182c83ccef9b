"""Run a Pulumi program under Pulumi's own mock engine and record what it registers.

The mocks answer with ids and ARNs shaped like AWS's (right partition, account, region and
resource type), derived from logical names only, so a synthesized manifest reads like a real one
and is identical from run to run. Each run gets a fresh event loop, settings and root stack, so
it can be called any number of times in one process.

Before accepting a registration or an invoke, the mocks apply the AWS provider's own rules
(`org_backup.provider_rules`), as the real provider's Check does in `pulumi preview`; a run with
any broken rule raises `ProviderRuleError` (exit 2) naming each resource, input and rule.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import json
import uuid
from collections.abc import Awaitable, Callable
from inspect import isawaitable
from typing import Any, TypeVar

import pulumi
from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs, Mocks, set_mocks
from pulumi.runtime.settings import reset_options
from pulumi.runtime.stack import run_pulumi_func

from org_backup.aws_rules.partitions import partition_of_region
from org_backup.errors import InputError, Problem
from org_backup.provider_rules import INVOKE_RULES, RESOURCE_RULES
from org_backup.provider_rules.check import (
    import_problems,
    invoke_problems,
    registration_problems,
)
from org_backup.rollout.stack_output import READ_STACK_OUTPUTS

T = TypeVar("T")

PROVIDER_TYPE = "pulumi:providers:aws"
ROOT_STACK_TYPE = "pulumi:pulumi:Stack"
# Resources on the default provider have no account to derive ARNs from; ours never do.
UNKNOWN_ACCOUNT = "000000000000"
_NAMESPACE = uuid.UUID("6f1c2a57-3d0e-4c5b-9a41-0b5e7d2c9f10")


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def _name_of(urn: str) -> str | None:
    """The logical name in a URN or provider reference (`<urn>::<id>`); None for the stack."""
    if not urn:
        return None
    parts = urn.split("::")
    if parts[2].rpartition("$")[2] == ROOT_STACK_TYPE:
        return None
    return parts[3]


class ProviderRuleError(InputError):
    """Inputs the AWS provider's Check would refuse: exit 2, nothing deployed."""


class AwsMocks(Mocks):
    """Outputs AWS would compute, keyed by resource type; other types echo their inputs.

    Every registration and invoke is first checked against the provider's rules; what breaks
    one is collected in `problems` (the run goes on, so that one synth lists them all).
    """

    def __init__(self, stack_outputs_json: str = "{}") -> None:
        self._provider_targets: dict[str, tuple[str, str]] = {}
        # Inputs by (type, name), until RecordingMonitor takes them for its entry.
        self.inputs: dict[tuple[str, str], dict[str, Any]] = {}
        # As the engine holds them: serialized, outside the program's objects (under `pulumi
        # up` they live in the engine's process), decoded for each read.
        self._stack_outputs_json = stack_outputs_json
        self.problems: list[Problem] = []

    def call(self, args: MockCallArgs) -> dict[str, Any]:
        # the stack's own last outputs, as the engine's built-in provider answers them.
        if args.token == READ_STACK_OUTPUTS:
            return {"name": args.args["name"], "outputs": json.loads(self._stack_outputs_json)}
        self.problems += invoke_problems(INVOKE_RULES, args.token, args.args)
        invoke = _INVOKES.get(args.token)
        if invoke is None:
            return {}
        account, default_region = self._target(args.provider)
        return invoke(args.args, account, args.args.get("region") or default_region)

    def new_resource(self, args: MockResourceArgs) -> tuple[str, dict[str, Any]]:
        inputs = args.inputs
        self.inputs[(args.typ, args.name)] = inputs
        if args.custom or args.typ == PROVIDER_TYPE:
            self._check(args)
        if args.typ == PROVIDER_TYPE:
            return self._provider(args.name, inputs), inputs
        if not args.custom:
            return "", {}
        account, default_region = self._target(args.provider)
        region = inputs.get("region") or default_region
        outputs = _OUTPUTS.get(args.typ)
        if outputs is None:
            return f"{args.name}-id", inputs
        resource_id, computed = outputs(
            args.name, inputs, account, region, partition_of_region(region)
        )
        return resource_id, {**inputs, **computed}

    def _check(self, args: MockResourceArgs) -> None:
        """The provider's Check: the inputs against the type's rules, and an import id against
        the region the resource lives in."""
        self.problems += registration_problems(RESOURCE_RULES, args.typ, args.name, args.inputs)
        if args.resource_id:
            _, provider_region = self._target(args.provider)
            self.problems += import_problems(
                RESOURCE_RULES, args.typ, args.name, args.resource_id, args.inputs, provider_region
            )

    def _target(self, provider: str) -> tuple[str, str]:
        """The account and default region of a provider reference (`<urn>::<id>`)."""
        return self._provider_targets.get(
            provider.rpartition("::")[2], (UNKNOWN_ACCOUNT, "us-east-1")
        )

    def _provider(self, name: str, inputs: dict[str, Any]) -> str:
        """Remember the account and region a provider deploys to, for its resources' ARNs."""
        allowed = inputs.get("allowedAccountIds")
        accounts = json.loads(allowed) if isinstance(allowed, str) else allowed or []
        provider_id = _uuid("provider", name)
        self._provider_targets[provider_id] = (
            accounts[0] if accounts else UNKNOWN_ACCOUNT,
            inputs.get("region") or "us-east-1",
        )
        return provider_id


Computed = tuple[str, dict[str, Any]]


def _role(name: str, inputs: dict, account: str, region: str, partition: str) -> Computed:
    role = inputs["name"]
    unique = base64.b32encode(uuid.UUID(_uuid("role", account, role)).bytes).decode()[:17]
    return role, {
        "arn": f"arn:{partition}:iam::{account}:role/{role}",
        "uniqueId": f"AROA{unique}",
        "path": "/",
    }


def _attachment(name: str, inputs: dict, account: str, region: str, partition: str) -> Computed:
    return f"{inputs['role']}/{inputs['policyArn']}", {}


def _vault(name: str, inputs: dict, account: str, region: str, partition: str) -> Computed:
    vault = inputs["name"]
    return vault, {
        "arn": f"arn:{partition}:backup:{region}:{account}:backup-vault:{vault}",
        "recoveryPoints": 0,
    }


def _vault_lock(name: str, inputs: dict, account: str, region: str, partition: str) -> Computed:
    vault = inputs["backupVaultName"]
    return vault, {
        "backupVaultArn": f"arn:{partition}:backup:{region}:{account}:backup-vault:{vault}"
    }


def _plan(name: str, inputs: dict, account: str, region: str, partition: str) -> Computed:
    plan_id = _uuid("plan", name)
    version = base64.b64encode(_uuid("plan-version", name).encode()).decode()
    return plan_id, {
        "arn": f"arn:{partition}:backup:{region}:{account}:backup-plan:{plan_id}",
        "version": version,
    }


def _selection(name: str, inputs: dict, account: str, region: str, partition: str) -> Computed:
    return _uuid("selection", name), {}


# Restore testing plans and selections, EventBridge and SNS: ids and ARNs as AWS makes them
def _restore_testing_plan(
    name: str, inputs: dict, account: str, region: str, partition: str
) -> Computed:
    plan = inputs["name"]
    suffix = _uuid("restore-testing-plan", name)[:8]
    return plan, {
        "arn": f"arn:{partition}:backup:{region}:{account}:restore-testing-plan:{plan}-{suffix}"
    }


def _restore_testing_selection(
    name: str, inputs: dict, account: str, region: str, partition: str
) -> Computed:
    return f"{inputs['restoreTestingPlanName']}:{inputs['name']}", {}


def _role_policy(name: str, inputs: dict, account: str, region: str, partition: str) -> Computed:
    return f"{inputs['role']}:{inputs['name']}", {}


def _event_rule(name: str, inputs: dict, account: str, region: str, partition: str) -> Computed:
    """Id and ARN name the bus unless it is the default one, as EventBridge does."""
    rule, bus = inputs["name"], inputs.get("eventBusName") or "default"
    path = rule if bus == "default" else f"{bus}/{rule}"
    return path, {
        "arn": f"arn:{partition}:events:{region}:{account}:rule/{path}",
        "eventBusName": bus,
    }


def _event_target(name: str, inputs: dict, account: str, region: str, partition: str) -> Computed:
    return f"{inputs['rule']}-{inputs['targetId']}", {}


def _event_bus(name: str, inputs: dict, account: str, region: str, partition: str) -> Computed:
    bus = inputs["name"]
    return bus, {"arn": f"arn:{partition}:events:{region}:{account}:event-bus/{bus}"}


def _event_bus_policy(
    name: str, inputs: dict, account: str, region: str, partition: str
) -> Computed:
    return inputs["eventBusName"], {}


def _topic(name: str, inputs: dict, account: str, region: str, partition: str) -> Computed:
    arn = f"arn:{partition}:sns:{region}:{account}:{inputs['name']}"
    return arn, {"arn": arn, "owner": account}


def _topic_policy(name: str, inputs: dict, account: str, region: str, partition: str) -> Computed:
    return inputs["arn"], {"owner": account}


def _topic_subscription(
    name: str, inputs: dict, account: str, region: str, partition: str
) -> Computed:
    arn = f"{inputs['topic']}:{_uuid('subscription', name)}"
    return arn, {"arn": arn, "pendingConfirmation": True, "ownerId": account}


_ALERTING_OUTPUTS: dict[str, Callable[[str, dict, str, str, str], Computed]] = {
    "aws:backup/restoreTestingPlan:RestoreTestingPlan": _restore_testing_plan,
    "aws:backup/restoreTestingSelection:RestoreTestingSelection": _restore_testing_selection,
    "aws:iam/rolePolicy:RolePolicy": _role_policy,
    "aws:cloudwatch/eventRule:EventRule": _event_rule,
    "aws:cloudwatch/eventTarget:EventTarget": _event_target,
    "aws:cloudwatch/eventBus:EventBus": _event_bus,
    "aws:cloudwatch/eventBusPolicy:EventBusPolicy": _event_bus_policy,
    "aws:sns/topic:Topic": _topic,
    "aws:sns/topicPolicy:TopicPolicy": _topic_policy,
    "aws:sns/topicSubscription:TopicSubscription": _topic_subscription,
}


# The organization-level resources (global settings, central vaults, their RAM share)
def _global_settings(
    name: str, inputs: dict, account: str, region: str, partition: str
) -> Computed:
    return account, {}


def _vault_policy(name: str, inputs: dict, account: str, region: str, partition: str) -> Computed:
    vault = inputs["backupVaultName"]
    return vault, {
        "backupVaultArn": f"arn:{partition}:backup:{region}:{account}:backup-vault:{vault}"
    }


def _share(name: str, inputs: dict, account: str, region: str, partition: str) -> Computed:
    arn = f"arn:{partition}:ram:{region}:{account}:resource-share/{_uuid('share', name)}"
    return arn, {"arn": arn}


def _share_association(
    name: str, inputs: dict, account: str, region: str, partition: str
) -> Computed:
    member = inputs.get("resourceArn") or inputs.get("principal")
    return f"{inputs['resourceShareArn']},{member}", {}


_COPIES_OUTPUTS: dict[str, Callable[[str, dict, str, str, str], Computed]] = {
    "aws:backup/globalSettings:GlobalSettings": _global_settings,
    "aws:backup/logicallyAirGappedVault:LogicallyAirGappedVault": _vault,
    "aws:backup/vaultPolicy:VaultPolicy": _vault_policy,
    "aws:ram/resourceShare:ResourceShare": _share,
    "aws:ram/resourceAssociation:ResourceAssociation": _share_association,
    "aws:ram/principalAssociation:PrincipalAssociation": _share_association,
}


# The guardrail SCP (ids like AWS Organizations': p- and at least 8 characters) and its
# attachments (import id `<target>:<policy>`)
def _scp(name: str, inputs: dict, account: str, region: str, partition: str) -> Computed:
    policy_id = "p-" + _uuid("scp", name).replace("-", "")[:8]
    return policy_id, {
        "arn": f"arn:{partition}:organizations::{account}:policy/o-mock/service_control_policy"
        f"/{policy_id}"
    }


def _scp_attachment(name: str, inputs: dict, account: str, region: str, partition: str) -> Computed:
    return f"{inputs['targetId']}:{inputs['policyId']}", {}


# Backup Audit Manager: named by their name, ARNs with the suffix AWS adds
def _framework(name: str, inputs: dict, account: str, region: str, partition: str) -> Computed:
    framework = inputs["name"]
    suffix = _uuid("framework", name)
    return framework, {
        "arn": f"arn:{partition}:backup:{region}:{account}:framework:{framework}-{suffix}"
    }


def _report_plan(name: str, inputs: dict, account: str, region: str, partition: str) -> Computed:
    plan = inputs["name"]
    suffix = _uuid("report-plan", name)
    return plan, {"arn": f"arn:{partition}:backup:{region}:{account}:report-plan:{plan}-{suffix}"}


def _efs_backup_policy(
    name: str, inputs: dict, account: str, region: str, partition: str
) -> Computed:
    return inputs["fileSystemId"], {}


_OUTPUTS: dict[str, Callable[[str, dict, str, str, str], Computed]] = {
    "aws:iam/role:Role": _role,
    "aws:efs/backupPolicy:BackupPolicy": _efs_backup_policy,
    "aws:backup/framework:Framework": _framework,
    "aws:backup/reportPlan:ReportPlan": _report_plan,
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": _attachment,
    "aws:backup/vault:Vault": _vault,
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration": _vault_lock,
    "aws:backup/plan:Plan": _plan,
    "aws:backup/selection:Selection": _selection,
    **_ALERTING_OUTPUTS,
    **_COPIES_OUTPUTS,
    "aws:organizations/policy:Policy": _scp,
    "aws:organizations/policyAttachment:PolicyAttachment": _scp_attachment,
}


# Invokes (provider functions), answered as AWS would for the provider's account and region.


def _kms_key(args: dict, account: str, region: str) -> dict[str, Any]:
    """kms:DescribeKey: an alias (name, or ARN naming its own account and region) resolves to a
    key ARN; the key id is derived from the alias, so every run gives the same one."""
    key_id = args["keyId"]
    if key_id.startswith("arn:"):
        _, partition, _, region, account, resource = key_id.split(":", 5)
    else:
        partition, resource = partition_of_region(region), key_id
    if resource.startswith("key/"):
        uuid_text = resource.removeprefix("key/")
    else:
        uuid_text = _uuid("kms-key", account, region, resource)
    aws_managed = resource.startswith("alias/aws/")
    return {
        "arn": f"arn:{partition}:kms:{region}:{account}:key/{uuid_text}",
        "id": uuid_text,
        "keyId": uuid_text,
        "awsAccountId": account,
        "region": region,
        "enabled": True,
        "keyState": "Enabled",
        "keyManager": "AWS" if aws_managed else "CUSTOMER",
        "keyUsage": "ENCRYPT_DECRYPT",
        "keySpec": "SYMMETRIC_DEFAULT",
        "customerMasterKeySpec": "SYMMETRIC_DEFAULT",
        "origin": "AWS_KMS",
        "multiRegion": False,
    }


_INVOKES: dict[str, Callable[[dict, str, str], dict[str, Any]]] = {
    "aws:kms/getKey:getKey": _kms_key,
}


class RecordingMonitor(MockMonitor):
    """The mock monitor, also keeping each registration as an entry of synth's `resources` list.

    Options such as `retainOnDelete` reach only the monitor, not `Mocks.new_resource`. With
    `states`, it also appends each resource as the engine's state would hold it after the update
    (the fields of pulumi/pulumi sdk/go/common/apitype/core.go ResourceV3), root stack first.
    """

    mocks: AwsMocks

    def __init__(
        self,
        mocks: AwsMocks,
        states: list[dict[str, Any]] | None = None,
        on_register: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(mocks)
        self.registered: list[dict[str, Any]] = []
        self.states = states
        self.on_register = on_register
        # Each resource's state, by the mock's URN (the engine's differs, see `_engine_urn`).
        self._states: dict[str, dict[str, Any]] = {}

    def RegisterResource(self, request):  # the gRPC method's name
        response = super().RegisterResource(request)
        inputs = {}
        if request.type != ROOT_STACK_TYPE:
            inputs = self.mocks.inputs.pop((request.type, request.name))
            self.registered.append(
                {
                    "type": request.type,
                    "name": request.name,
                    "provider": _name_of(request.provider),
                    "parent": _name_of(request.parent),
                    "retain_on_delete": request.retainOnDelete,
                    "inputs": inputs,
                }
            )
            # A resource imported instead of created (coverage/adoption.py).
            if request.importId:
                self.registered[-1]["import_id"] = request.importId
            # What it waits for beyond its inputs (`depends_on`): the ordering the real engine
            # keeps, e.g. a restore testing selection after the role's backup selection.
            explicit = _explicit_dependencies(request)
            if explicit:
                self.registered[-1]["depends_on"] = explicit
        if self.states is not None:
            self._states[response.urn] = self._state(request, response, inputs)
            self.states.append(self._states[response.urn])
        if self.on_register is not None:
            self.on_register(request.type)
        return response

    def RegisterResourceOutputs(self, request):  # a component's (or the stack's) outputs
        if self.states is not None:
            self._states[request.urn]["outputs"] = rpc.deserialize_properties(request.outputs)
        return super().RegisterResourceOutputs(request)

    def _state(self, request, response, inputs: dict[str, Any]) -> dict[str, Any]:
        parent = self._states[request.parent]["urn"] if request.parent else ""
        urn = _engine_urn(response.urn, parent, request.type, request.name)
        state: dict[str, Any] = {"urn": urn, "custom": bool(request.custom), "type": request.type}
        if request.custom:
            state["id"] = response.id
            state["outputs"] = self.resources[response.urn].state
        state["inputs"] = inputs
        if parent:
            state["parent"] = parent
        if request.dependencies:
            state["dependencies"] = [self._states[urn]["urn"] for urn in request.dependencies]
        if request.provider:
            provider_urn, _, provider_id = request.provider.rpartition("::")
            state["provider"] = f"{self._states[provider_urn]['urn']}::{provider_id}"
        if request.retainOnDelete:
            state["retainOnDelete"] = True
        if request.importId:
            state["importID"] = request.importId
        return state


def _engine_urn(mock_urn: str, parent: str, type_: str, name: str) -> str:
    """The URN the engine gives: the parent's whole qualified type before the resource's own,
    and nothing for the root stack (pkg/resource/deploy/deployment.go, generateURN). The mock
    monitor keeps the root stack's type and only the parent's last one."""
    stack, project = mock_urn.removeprefix("urn:pulumi:").split("::")[:2]
    parent_type = parent.split("::", 3)[2] if parent else ""
    if parent_type and parent_type != ROOT_STACK_TYPE:
        type_ = f"{parent_type}${type_}"
    return f"urn:pulumi:{stack}::{project}::{type_}::{name}"


def _explicit_dependencies(request: Any) -> list[str]:
    """Logical names of `depends_on`: every dependency no input carries."""
    through_inputs = {urn for deps in request.propertyDependencies.values() for urn in deps.urns}
    return sorted(
        name
        for urn in request.dependencies
        if urn not in through_inputs and (name := _name_of(urn)) is not None
    )


class _CancellingExecutor(concurrent.futures.ThreadPoolExecutor):
    """A thread pool whose shutdown drops the work not yet started (asyncio's own shutdown
    waits for all of it: a Ctrl-C would otherwise keep registering for seconds).

    Each worker gets an event loop of its own when it starts, closed at shutdown: the SDK's
    mock monitor makes one in every thread it runs in (`_ensure_event_loop`,
    pulumi/runtime/mocks.py) and never closes it, so the garbage collector did, warning about
    an unclosed loop."""

    def __init__(self) -> None:
        self._loops: list[asyncio.AbstractEventLoop] = []
        super().__init__(thread_name_prefix="mock-engine", initializer=self._own_loop)

    def _own_loop(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loops.append(loop)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        super().shutdown(wait=wait, cancel_futures=True)
        if wait:  # no worker runs any more
            for loop in self._loops:
                loop.close()


def run_mocked(
    program: Callable[[], pulumi.Output[T] | Awaitable[pulumi.Output[T]]],
    *,
    project: str,
    stack: str,
    stack_outputs_json: str = "{}",
    states: list[dict[str, Any]] | None = None,
    on_register: Callable[[str], None] | None = None,
    make_monitor: Callable[..., RecordingMonitor] = RecordingMonitor,
) -> tuple[T, list[dict[str, Any]]]:
    """Run `program` under the mocks; return what its Output resolved to and the registrations.

    `stack_outputs_json` is what the stack exported at its last update, as JSON text (`{}`: a
    new stack).
    Entries are sorted by logical name (account first), so the list is stable between runs.
    `states`, when given, receives the state the engine would hold after the update, in
    registration order (what `pulumi stack export` lists). `on_register` is called with each
    registration's type, from the SDK's worker threads. `make_monitor` lets a caller record
    more of each registration (bench/graph.py).
    Raises ProviderRuleError when any registration or invoke breaks the provider's rules.
    """
    mocks = AwsMocks(stack_outputs_json)
    monitor = make_monitor(mocks, states, on_register)

    async def main() -> T:
        # The SDK registers through the loop's default executor; on an interrupt, asyncio's
        # shutdown then waits for the registration under way only, not for every queued one.
        asyncio.get_running_loop().set_default_executor(_CancellingExecutor())
        # Inside the loop's task: the settings and root stack live in this run's context only.
        reset_options(project=project, stack=stack)
        set_mocks(mocks, project=project, stack=stack, preview=False, monitor=monitor)
        resolved: list[T] = []

        async def body() -> None:
            output = program()
            if isawaitable(output):  # an async program, as `pulumi.run` takes
                output = await output
            resolved.append(await output.future())

        await run_pulumi_func(body)
        return resolved[0]

    value = asyncio.run(main())
    if mocks.problems:
        raise ProviderRuleError(mocks.problems)
    return value, sorted(monitor.registered, key=lambda entry: (entry["name"], entry["type"]))
