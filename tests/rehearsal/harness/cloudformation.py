"""Deploys a synthesized CloudFormation template to moto, resource by resource, the way
CloudFormation would: intrinsic functions resolved to the real identifiers moto hands out, in
dependency order, and the stack's outputs registered so `describe_stacks` answers as it would.

Why not moto's own CloudFormation: it reports the secret, the alarms and auto scaling as created
without creating them (docs: /work/shared/TOOLCHAIN.md), and the rehearsal must use what the
template declares. Resource types the rehearsal does not need (routes, NAT, internet gateway) are
given an identifier and listed as not emulated.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

PSEUDO = {"AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com", "AWS::NoValue": None}


class TemplateError(RuntimeError):
    """The template uses something this deployer cannot resolve, or a resource failed."""


@dataclass
class Resource:
    logical_id: str
    type: str
    ref: str
    attributes: dict[str, str] = field(default_factory=dict)
    emulated: bool = True


class Resolver:
    """Evaluates Ref, Fn::GetAtt, Fn::Join, Fn::Select, Fn::Split, Fn::Sub, Fn::GetAZs and the
    pseudo parameters against the resources created so far."""

    def __init__(self, region: str, account: str, stack_name: str, zones: list[str],
                 parameters: dict[str, str] | None = None) -> None:
        self.values = {**PSEUDO, "AWS::Region": region, "AWS::AccountId": account, "AWS::StackName": stack_name}
        self.zones = zones
        self.parameters = dict(parameters or {})
        self.resources: dict[str, Resource] = {}

    def __call__(self, node: Any) -> Any:
        if isinstance(node, list):
            return [self(item) for item in node if not _is_no_value(item)]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            (key, value), = node.items()
            if key == "Ref":
                return self.ref(value)
            if key == "Fn::GetAtt":
                logical, attribute = value if isinstance(value, list) else value.split(".", 1)
                return self.attribute(logical, attribute)
            if key == "Fn::Join":
                separator, items = value
                return separator.join(str(self(item)) for item in self(items))
            if key == "Fn::Select":
                index, items = value
                return self(items)[int(self(index))]
            if key == "Fn::Split":
                separator, text = value
                return str(self(text)).split(separator)
            if key == "Fn::GetAZs":
                return list(self.zones)
            if key == "Fn::Sub":
                return self.sub(value)
            if key.startswith("Fn::"):
                raise TemplateError(f"{key} is not supported by the rehearsal's deployer")
        return {key: self(value) for key, value in node.items() if not _is_no_value(value)}

    def ref(self, name: str) -> Any:
        if name in self.values:
            return self.values[name]
        if name in self.parameters:
            return self.parameters[name]
        if name in self.resources:
            return self.resources[name].ref
        raise TemplateError(f"Ref {name}: no such resource or parameter (yet)")

    def attribute(self, logical: str, attribute: str) -> str:
        resource = self.resources.get(logical)
        if resource is None:
            raise TemplateError(f"Fn::GetAtt {logical}.{attribute}: {logical} is not created (yet)")
        if attribute not in resource.attributes and not resource.emulated:
            return f"{resource.ref}-{attribute.lower()}"  # a resource nothing here reads
        if attribute not in resource.attributes:
            raise TemplateError(f"Fn::GetAtt {logical}.{attribute}: {resource.type} has no such attribute here")
        return resource.attributes[attribute]

    def sub(self, value: Any) -> str:
        text, variables = (value, {}) if isinstance(value, str) else (value[0], self(value[1]))

        def replace(match: re.Match) -> str:
            name = match.group(1)
            if name in variables:
                return str(variables[name])
            if "." in name:
                return str(self.attribute(*name.split(".", 1)))
            return str(self.ref(name))

        return re.sub(r"\$\{([^}!][^}]*)\}", replace, text)


def _is_no_value(node: Any) -> bool:
    return isinstance(node, dict) and node == {"Ref": "AWS::NoValue"}


def dependencies(resource: dict) -> set[str]:
    found: set[str] = set()

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if len(node) == 1 and "Ref" in node and isinstance(node["Ref"], str):
                found.add(node["Ref"])
            elif len(node) == 1 and "Fn::GetAtt" in node:
                value = node["Fn::GetAtt"]
                found.add(value[0] if isinstance(value, list) else value.split(".", 1)[0])
            for child in node.values():
                visit(child)
        elif isinstance(node, list):
            for child in node:
                visit(child)

    visit(resource.get("Properties", {}))
    depends = resource.get("DependsOn", [])
    found.update([depends] if isinstance(depends, str) else depends)
    return found


def creation_order(resources: dict[str, dict]) -> list[str]:
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(name: str) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            raise TemplateError(f"circular dependency through {name}")
        state[name] = "visiting"
        for dependency in sorted(dependencies(resources[name]) & resources.keys()):
            visit(dependency)
        state[name] = "done"
        order.append(name)

    for name in resources:
        visit(name)
    return order


def physical_name(stack: str, logical: str, limit: int = 63) -> str:
    """CloudFormation's generated names: stack, logical id and a random suffix."""
    suffix = uuid.uuid4().hex[:12].upper()
    return f"{stack}-{logical}"[: limit - len(suffix) - 1] + "-" + suffix


class StackDeployer:
    """Creates (or, for resources already made by an earlier phase, keeps) the stack's resources.

    `clients(service)` returns boto3 clients acting as CloudFormation's execution role;
    `on_endpoint(name)` is called after CreateEndpoint, standing in for SageMaker bringing the
    endpoint into service (it raises to fail the stack, as a failed endpoint fails it).
    """

    def __init__(self, *, stack_name: str, template: dict, state_file: Path, clients: Callable[[str], Any],
                 region: str, account: str, zones: list[str], parameters: dict[str, str],
                 on_role: Callable[[str, str, list[dict]], None], on_endpoint: Callable[[str], None],
                 say: Callable[[str], None]) -> None:
        self.stack_name = stack_name
        self.template = template
        self.state_file = state_file
        self.clients = clients
        self.resolve = Resolver(region, account, stack_name, zones, parameters)
        self.region, self.account = region, account
        self.on_role, self.on_endpoint, self.say = on_role, on_endpoint, say
        self.previous: dict[str, dict] = json.loads(state_file.read_text()) if state_file.exists() else {}

    def deploy(self) -> dict[str, str]:
        resources = self.template.get("Resources", {})
        for logical in creation_order(resources):
            declared = resources[logical]
            if "Condition" in declared:
                raise TemplateError(f"{logical}: conditions are not supported by the rehearsal's deployer")
            properties = self.resolve(declared.get("Properties", {}))
            fingerprint = hashlib.sha256(json.dumps([declared["Type"], properties], sort_keys=True).encode()).hexdigest()
            kept = self.previous.get(logical)
            if kept and kept["fingerprint"] == fingerprint:
                resource = Resource(logical, kept["type"], kept["ref"], kept["attributes"], kept["emulated"])
            elif kept and kept["emulated"] and declared["Type"] not in _REPLACEABLE:
                raise TemplateError(f"{logical} ({declared['Type']}) changed: updating it is not emulated")
            else:
                resource = self.create(logical, declared["Type"], properties)
                resource_state = "CREATE_COMPLETE" if resource.emulated else "CREATE_COMPLETE (not emulated)"
                self.say(f"{self.stack_name} | {resource_state} | {declared['Type']} | {logical}")
            self.resolve.resources[logical] = resource
            self.previous[logical] = {"type": resource.type, "ref": resource.ref, "attributes": resource.attributes,
                                      "emulated": resource.emulated, "fingerprint": fingerprint}
            self.state_file.write_text(json.dumps(self.previous, indent=1))
        outputs = {key: str(self.resolve(value["Value"])) for key, value in self.template.get("Outputs", {}).items()}
        self.register(outputs)
        return outputs

    # MARK: resource types

    def create(self, logical: str, kind: str, p: dict) -> Resource:
        handler = _HANDLERS.get(kind)
        if handler is None:
            return Resource(logical, kind, f"{kind.split('::')[-1].lower()}-{uuid.uuid4().hex[:17]}", {}, emulated=False)
        return handler(self, logical, p)

    def _ecr_repository(self, logical: str, p: dict) -> Resource:
        ecr = self.clients("ecr")
        repository = ecr.create_repository(
            repositoryName=p["RepositoryName"], imageTagMutability=p.get("ImageTagMutability", "MUTABLE"),
            imageScanningConfiguration={"scanOnPush": p.get("ImageScanningConfiguration", {}).get("ScanOnPush", False)},
            tags=[{"Key": t["Key"], "Value": t["Value"]} for t in p.get("Tags", [])])["repository"]
        if "LifecyclePolicy" in p:
            ecr.put_lifecycle_policy(repositoryName=p["RepositoryName"],
                                     lifecyclePolicyText=p["LifecyclePolicy"]["LifecyclePolicyText"])
        return Resource(logical, "AWS::ECR::Repository", repository["repositoryName"],
                        {"Arn": repository["repositoryArn"], "RepositoryUri": repository["repositoryUri"]})

    def _secret(self, logical: str, p: dict) -> Resource:
        if "SecretString" in p or "GenerateSecretString" in p:
            raise TemplateError(f"{logical}: the secret would get a value from the template")
        arn = self.clients("secretsmanager").create_secret(
            Name=p["Name"], Description=p.get("Description", ""), Tags=p.get("Tags", []))["ARN"]
        return Resource(logical, "AWS::SecretsManager::Secret", arn, {"Id": arn})

    def _log_group(self, logical: str, p: dict) -> Resource:
        logs = self.clients("logs")
        name = p.get("LogGroupName") or physical_name(self.stack_name, logical, 512)
        logs.create_log_group(logGroupName=name, tags={t["Key"]: t["Value"] for t in p.get("Tags", [])})
        if "RetentionInDays" in p:
            logs.put_retention_policy(logGroupName=name, retentionInDays=int(p["RetentionInDays"]))
        return Resource(logical, "AWS::Logs::LogGroup", name,
                        {"Arn": f"arn:aws:logs:{self.region}:{self.account}:log-group:{name}:*"})

    def _vpc(self, logical: str, p: dict) -> Resource:
        vpc = self.clients("ec2").create_vpc(CidrBlock=p["CidrBlock"])["Vpc"]
        return Resource(logical, "AWS::EC2::VPC", vpc["VpcId"], {"CidrBlock": p["CidrBlock"]})

    def _subnet(self, logical: str, p: dict) -> Resource:
        subnet = self.clients("ec2").create_subnet(VpcId=p["VpcId"], CidrBlock=p["CidrBlock"],
                                                    AvailabilityZone=p["AvailabilityZone"])["Subnet"]
        return Resource(logical, "AWS::EC2::Subnet", subnet["SubnetId"], {"AvailabilityZone": p["AvailabilityZone"]})

    def _security_group(self, logical: str, p: dict) -> Resource:
        ec2 = self.clients("ec2")
        group = ec2.create_security_group(GroupName=physical_name(self.stack_name, logical, 255),
                                          Description=p["GroupDescription"], VpcId=p["VpcId"])["GroupId"]
        rules = [{"IpProtocol": r["IpProtocol"], "FromPort": int(r["FromPort"]), "ToPort": int(r["ToPort"]),
                  "IpRanges": [{"CidrIp": r["CidrIp"], "Description": r.get("Description", "")}]}
                 for r in p.get("SecurityGroupEgress", [])]
        if rules:
            ec2.authorize_security_group_egress(GroupId=group, IpPermissions=rules)
        return Resource(logical, "AWS::EC2::SecurityGroup", group, {"GroupId": group})

    def _role(self, logical: str, p: dict) -> Resource:
        iam = self.clients("iam")
        name = p.get("RoleName") or physical_name(self.stack_name, logical, 64)
        role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(p["AssumeRolePolicyDocument"]),
                               Description=p.get("Description", ""))["Role"]
        statements = []
        for policy in p.get("Policies", []):
            iam.put_role_policy(RoleName=name, PolicyName=policy["PolicyName"],
                                PolicyDocument=json.dumps(policy["PolicyDocument"]))
            statements.extend(policy["PolicyDocument"]["Statement"])
        if p.get("ManagedPolicyArns"):
            raise TemplateError(f"{logical}: managed policies are not emulated (the role's policy must be inline)")
        self.on_role(role["Arn"], name, statements)
        return Resource(logical, "AWS::IAM::Role", name, {"Arn": role["Arn"], "RoleId": role["RoleId"]})

    def _model(self, logical: str, p: dict) -> Resource:
        name = p.get("ModelName") or physical_name(self.stack_name, logical)
        arguments = {"ModelName": name, "ExecutionRoleArn": p["ExecutionRoleArn"], "Tags": p.get("Tags", [])}
        for key in ("PrimaryContainer", "VpcConfig", "Containers"):
            if key in p:
                arguments[key] = p[key]
        arn = self.clients("sagemaker").create_model(**arguments)["ModelArn"]
        return Resource(logical, "AWS::SageMaker::Model", arn, {"ModelName": name})

    def _endpoint_config(self, logical: str, p: dict) -> Resource:
        name = p.get("EndpointConfigName") or physical_name(self.stack_name, logical)
        variants = [{key: (float(value) if key == "InitialVariantWeight" else value) for key, value in variant.items()}
                    for variant in p["ProductionVariants"]]
        arn = self.clients("sagemaker").create_endpoint_config(
            EndpointConfigName=name, ProductionVariants=variants, Tags=p.get("Tags", []))["EndpointConfigArn"]
        return Resource(logical, "AWS::SageMaker::EndpointConfig", arn, {"EndpointConfigName": name})

    def _endpoint(self, logical: str, p: dict) -> Resource:
        sagemaker = self.clients("sagemaker")
        name = p.get("EndpointName") or physical_name(self.stack_name, logical)
        arn = sagemaker.create_endpoint(EndpointName=name, EndpointConfigName=p["EndpointConfigName"],
                                        Tags=p.get("Tags", []))["EndpointArn"]
        self.on_endpoint(name)
        return Resource(logical, "AWS::SageMaker::Endpoint", arn, {"EndpointName": name})

    def _scalable_target(self, logical: str, p: dict) -> Resource:
        self.clients("application-autoscaling").register_scalable_target(
            ServiceNamespace=p["ServiceNamespace"], ResourceId=p["ResourceId"],
            ScalableDimension=p["ScalableDimension"], MinCapacity=int(p["MinCapacity"]),
            MaxCapacity=int(p["MaxCapacity"]))
        ref = "|".join((p["ResourceId"], p["ScalableDimension"], p["ServiceNamespace"]))
        return Resource(logical, "AWS::ApplicationAutoScaling::ScalableTarget", ref, {})

    def _scaling_policy(self, logical: str, p: dict) -> Resource:
        resource_id, dimension, namespace = p["ScalingTargetId"].split("|")
        configuration = p["TargetTrackingScalingPolicyConfiguration"]
        arn = self.clients("application-autoscaling").put_scaling_policy(
            PolicyName=p["PolicyName"], ServiceNamespace=namespace, ResourceId=resource_id,
            ScalableDimension=dimension, PolicyType=p["PolicyType"],
            TargetTrackingScalingPolicyConfiguration={
                "TargetValue": float(configuration["TargetValue"]),
                # The backlog policy tracks the worker's own metric; a second one may track SageMaker's.
                **{key: configuration[key] for key in ("PredefinedMetricSpecification", "CustomizedMetricSpecification")
                   if key in configuration},
                "ScaleInCooldown": int(configuration.get("ScaleInCooldown", 0)),
                "ScaleOutCooldown": int(configuration.get("ScaleOutCooldown", 0)),
            })["PolicyARN"]
        return Resource(logical, "AWS::ApplicationAutoScaling::ScalingPolicy", arn, {"Arn": arn})

    # MARK: the stack itself

    def register(self, outputs: dict[str, str]) -> None:
        """A stack of the same name in moto's CloudFormation holding the outputs, so
        `describe_stacks` (scripts/deploy, scripts/rollback) sees what the real one would show."""
        cloudformation = self.clients("cloudformation")
        body = json.dumps({
            "Description": self.template.get("Description", ""),
            "Resources": {"Deployed": {"Type": "AWS::CloudFormation::WaitConditionHandle"}},
            "Outputs": {key: {"Value": value} for key, value in outputs.items()},
        })
        try:
            cloudformation.describe_stacks(StackName=self.stack_name)
            cloudformation.update_stack(StackName=self.stack_name, TemplateBody=body)
        except cloudformation.exceptions.ClientError as error:
            if "does not exist" not in str(error):
                raise
            cloudformation.create_stack(StackName=self.stack_name, TemplateBody=body)


_REPLACEABLE = {"AWS::SageMaker::Model", "AWS::SageMaker::EndpointConfig"}

_HANDLERS: dict[str, Callable[[StackDeployer, str, dict], Resource]] = {
    "AWS::ECR::Repository": StackDeployer._ecr_repository,
    "AWS::SecretsManager::Secret": StackDeployer._secret,
    "AWS::Logs::LogGroup": StackDeployer._log_group,
    "AWS::EC2::VPC": StackDeployer._vpc,
    "AWS::EC2::Subnet": StackDeployer._subnet,
    "AWS::EC2::SecurityGroup": StackDeployer._security_group,
    "AWS::IAM::Role": StackDeployer._role,
    "AWS::SageMaker::Model": StackDeployer._model,
    "AWS::SageMaker::EndpointConfig": StackDeployer._endpoint_config,
    "AWS::SageMaker::Endpoint": StackDeployer._endpoint,
    "AWS::ApplicationAutoScaling::ScalableTarget": StackDeployer._scalable_target,
    "AWS::ApplicationAutoScaling::ScalingPolicy": StackDeployer._scaling_policy,
}
