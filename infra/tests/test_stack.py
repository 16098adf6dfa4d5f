"""The synthesized stacks hold every resource and property the deployment relies on."""

from __future__ import annotations

import json

import pytest
from aws_cdk.assertions import Match

from infra_support import (
    EXISTING_SUBNETS,
    EXISTING_VPC,
    IMAGE_DIGEST,
    IMAGE_TAG,
    IMPORTED_SECRET_ARN,
    INFRA,
    ZONES,
)
from rag_worker_infra.settings import load_settings

FULL = ("dev", "prod", "existing")


def _joined(value) -> str:
    """Flattens an Fn::Join of literals and intrinsics into a readable string."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(_joined(part) for part in parts)
    return json.dumps(value, sort_keys=True)


def _logical_id(variants, name: str, cfn_type: str) -> str:
    (key,) = variants[name].resources(cfn_type).keys()
    return key


# MARK: ECR

@pytest.mark.parametrize("name", FULL)
def test_repository_scans_on_push_keeps_tags_immutable_and_expires_old_images(variants, name):
    variant = variants[name]
    repository = variant.only("AWS::ECR::Repository")["Properties"]
    assert repository["RepositoryName"] == variant.settings.repository_name
    assert repository["ImageScanningConfiguration"] == {"ScanOnPush": True}
    assert repository["ImageTagMutability"] == "IMMUTABLE"
    rules = json.loads(repository["LifecyclePolicy"]["LifecyclePolicyText"])["rules"]
    by_status = {rule["selection"]["tagStatus"]: rule["selection"] for rule in rules}
    assert by_status["untagged"]["countType"] == "sinceImagePushed"
    assert by_status["any"] == {"tagStatus": "any", "countType": "imageCountMoreThan",
                                "countNumber": variant.settings.image_retention_count}


def test_prod_keeps_repository_and_log_groups_when_the_stack_goes_dev_does_not(variants):
    for name, policy in (("prod", "Retain"), ("dev", "Delete")):
        assert variants[name].only("AWS::ECR::Repository")["DeletionPolicy"] == policy, name
        for logical, group in variants[name].resources("AWS::Logs::LogGroup").items():
            assert group["DeletionPolicy"] == policy, (name, logical)


# MARK: secret

@pytest.mark.parametrize("name", ("dev", "prod"))
def test_secret_is_created_empty_and_retained(variants, name):
    secret = variants[name].only("AWS::SecretsManager::Secret")
    assert secret["Properties"]["Name"] == variants[name].settings.secret_name
    assert "SecretString" not in secret["Properties"]
    assert "GenerateSecretString" not in secret["Properties"]
    assert secret["DeletionPolicy"] == "Retain"


def test_imported_secret_is_referenced_by_arn_and_not_created(variants):
    variant = variants["existing"]
    assert variant.resources("AWS::SecretsManager::Secret") == {}
    model = variant.only("AWS::SageMaker::Model")["Properties"]
    assert model["PrimaryContainer"]["Environment"]["RAG_SECRET_ID"] == IMPORTED_SECRET_ARN
    statements = variant.only("AWS::IAM::Role")["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    read = next(s for s in statements if s["Sid"] == "ReadWorkerSecret")
    assert read["Resource"] == IMPORTED_SECRET_ARN


def test_no_template_contains_a_secret_value(variants):
    for variant in variants.values():
        text = json.dumps(variant.template)
        for key in ("OPENAI_API_KEY", "COHERE_API_KEY", "SUPABASE_KEY", "WEBHOOK_SECRET", "DATABASE_URL"):
            assert key not in text, (variant.name, key)


# MARK: model, endpoint configuration, endpoint

@pytest.mark.parametrize("name", ("dev", "prod"))
def test_model_environment_is_what_the_worker_reads(variants, name):
    variant = variants[name]
    environment = variant.only("AWS::SageMaker::Model")["Properties"]["PrimaryContainer"]["Environment"]
    secret_id = _logical_id(variants, name, "AWS::SecretsManager::Secret")
    endpoint = variant.settings.endpoint_name
    assert environment == {
        "RAG_PLATFORM": "sagemaker",
        "RAG_PROFILE": "production",
        "RAG_SECRET_ID": {"Ref": secret_id},
        "AWS_REGION": variant.settings.region,
        "RAG_ENDPOINT_NAME": endpoint,
        "RAG_CLOUDWATCH": "on",
        "RAG_LOG_GROUP": f"/aws/sagemaker/Endpoints/{endpoint}",
        "RAG_METRICS_NAMESPACE": "RAGWorker",
        "LOG_LEVEL": "info",
        "RAG_CONCURRENCY": str(variant.settings.concurrency),
        "RAG_MAX_INSTANCES": str(variant.settings.max_instances),
    }


def test_model_image_is_the_repository_at_the_tag_or_the_digest(variants):
    dev_image = _joined(variants["dev"].only("AWS::SageMaker::Model")["Properties"]["PrimaryContainer"]["Image"])
    assert dev_image.endswith(f"/{{\"Ref\": \"{_logical_id(variants, 'dev', 'AWS::ECR::Repository')}\"}}:{IMAGE_TAG}")
    existing = variants["existing"].only("AWS::SageMaker::Model")["Properties"]["PrimaryContainer"]["Image"]
    assert _joined(existing).endswith(f"@{IMAGE_DIGEST}")


@pytest.mark.parametrize("name", FULL)
def test_endpoint_config_has_the_all_traffic_variant_on_an_ml_instance(variants, name):
    variant = variants[name]
    (production_variant,) = variant.only("AWS::SageMaker::EndpointConfig")["Properties"]["ProductionVariants"]
    assert production_variant["VariantName"] == "AllTraffic"
    assert production_variant["InstanceType"].startswith("ml.")
    assert production_variant["InstanceType"] == variant.settings.instance_type
    assert production_variant["InitialInstanceCount"] == variant.settings.initial_instance_count
    assert production_variant["ContainerStartupHealthCheckTimeoutInSeconds"] == \
        variant.settings.startup_health_check_timeout_seconds
    assert production_variant["ModelName"] == {"Fn::GetAtt": [_logical_id(variants, name, "AWS::SageMaker::Model"),
                                                              "ModelName"]}


def test_instance_types_per_environment(variants):
    assert variants["dev"].settings.instance_type == "ml.t2.medium"
    assert variants["prod"].settings.instance_type == "ml.m5.large"


@pytest.mark.parametrize("name", FULL)
def test_endpoint_is_named_waits_for_its_log_group_and_keeps_scaled_capacity(variants, name):
    variant = variants[name]
    endpoint = variant.only("AWS::SageMaker::Endpoint")
    assert endpoint["Properties"]["EndpointName"] == variant.settings.endpoint_name
    assert endpoint["Properties"]["RetainAllVariantProperties"] is True
    assert variant.endpoint_log_group[0] in endpoint["DependsOn"]
    policy = endpoint["Properties"]["DeploymentConfig"]["BlueGreenUpdatePolicy"]
    assert policy["TerminationWaitInSeconds"] >= 120, "the old fleet must outlive a job's 120 s budget"


# MARK: logging

@pytest.mark.parametrize("name", FULL)
def test_log_group_is_the_endpoint_group_with_a_retention(variants, name):
    variant = variants[name]
    group = variant.endpoint_log_group[1]["Properties"]
    assert group["LogGroupName"] == f"/aws/sagemaker/Endpoints/{variant.settings.endpoint_name}"
    assert group["RetentionInDays"] == variant.settings.log_retention_days


# MARK: network

@pytest.mark.parametrize("name", FULL)
def test_security_group_lets_out_only_https_and_postgres_and_nothing_in(variants, name):
    group = variants[name].only("AWS::EC2::SecurityGroup")["Properties"]
    assert "SecurityGroupIngress" not in group
    assert sorted((rule["IpProtocol"], rule["FromPort"], rule["ToPort"]) for rule in group["SecurityGroupEgress"]) == [
        ("tcp", 443, 443), ("tcp", 5432, 5432), ("tcp", 6543, 6543),
    ]


@pytest.mark.parametrize("name", ("dev", "prod"))
def test_new_vpc_puts_the_endpoint_in_private_subnets_of_real_zones_behind_nat(variants, name):
    variant = variants[name]
    subnets = variant.resources("AWS::EC2::Subnet")
    model = variant.only("AWS::SageMaker::Model")["Properties"]
    chosen = [ref["Ref"] for ref in model["VpcConfig"]["Subnets"]]
    assert len(chosen) == 2
    for subnet_id in chosen:
        properties = subnets[subnet_id]["Properties"]
        assert properties["MapPublicIpOnLaunch"] is False
        assert properties["AvailabilityZone"] in ZONES, "dummy zones mean the AZ context was missing"
    assert len({subnets[s]["Properties"]["AvailabilityZone"] for s in chosen}) == 2
    routes = variant.resources("AWS::EC2::Route").values()
    nat_routes = [r for r in routes if "NatGatewayId" in r["Properties"]]
    assert {r["Properties"]["RouteTableId"]["Ref"] for r in nat_routes} and len(nat_routes) == 2
    assert len(variant.resources("AWS::EC2::NatGateway")) == variant.settings.network.nat_gateways
    group_id = _logical_id(variants, name, "AWS::EC2::SecurityGroup")
    assert model["VpcConfig"]["SecurityGroupIds"] == [{"Fn::GetAtt": [group_id, "GroupId"]}]


def test_existing_vpc_uses_the_given_ids_and_builds_no_network(variants):
    variant = variants["existing"]
    assert variant.resources("AWS::EC2::VPC") == {}
    assert variant.resources("AWS::EC2::NatGateway") == {}
    model = variant.only("AWS::SageMaker::Model")["Properties"]
    assert model["VpcConfig"]["Subnets"] == list(EXISTING_SUBNETS)
    assert variant.only("AWS::EC2::SecurityGroup")["Properties"]["VpcId"] == EXISTING_VPC


def test_prod_has_a_nat_gateway_per_zone_dev_shares_one(variants):
    assert len(variants["prod"].resources("AWS::EC2::NatGateway")) == 2
    assert len(variants["dev"].resources("AWS::EC2::NatGateway")) == 1


# MARK: auto scaling

@pytest.mark.parametrize("name", FULL)
def test_auto_scaling_targets_the_variant_between_min_and_max(variants, name):
    variant = variants[name]
    target = variant.only("AWS::ApplicationAutoScaling::ScalableTarget")["Properties"]
    endpoint_id = _logical_id(variants, name, "AWS::SageMaker::Endpoint")
    assert _joined(target["ResourceId"]) == \
        f"endpoint/{json.dumps({'Fn::GetAtt': [endpoint_id, 'EndpointName']}, sort_keys=True)}/variant/AllTraffic"
    assert target["ScalableDimension"] == "sagemaker:variant:DesiredInstanceCount"
    assert target["ServiceNamespace"] == "sagemaker"
    assert (target["MinCapacity"], target["MaxCapacity"]) == \
        (variant.settings.min_instances, variant.settings.max_instances)
    assert "RoleARN" not in target, "Application Auto Scaling uses its service-linked role"


def _policies(variant) -> dict[str, dict]:
    """The variant's scaling policies by name, their properties."""
    return {policy["Properties"]["PolicyName"]: policy["Properties"]
            for policy in variant.resources("AWS::ApplicationAutoScaling::ScalingPolicy").values()}


@pytest.mark.parametrize("name", FULL)
def test_the_scaling_policy_follows_the_workers_backlog_per_instance(variants, name):
    variant = variants[name]
    settings = variant.settings
    policy = _policies(variant)[f"{settings.endpoint_name}-backlog-per-instance"]
    assert policy["PolicyType"] == "TargetTrackingScaling"
    target_id = _logical_id(variants, name, "AWS::ApplicationAutoScaling::ScalableTarget")
    assert policy["ScalingTargetId"] == {"Ref": target_id}
    tracking = policy["TargetTrackingScalingPolicyConfiguration"]
    assert tracking["CustomizedMetricSpecification"] == {
        "Namespace": settings.metrics_namespace,
        "MetricName": "BacklogPerInstance",
        "Dimensions": [{"Name": "EndpointName", "Value": settings.endpoint_name}],
        "Statistic": "Average",
    }
    assert "PredefinedMetricSpecification" not in tracking
    assert tracking["TargetValue"] == settings.target_backlog_per_instance
    assert (tracking["ScaleOutCooldown"], tracking["ScaleInCooldown"]) == \
        (settings.scale_out_cooldown_seconds, settings.scale_in_cooldown_seconds)
    assert tracking.get("DisableScaleIn") in (None, False), "scale-in is safe: a draining worker gives its jobs back"


def test_the_backlog_metric_is_the_one_the_workers_publish():
    # The dashboard is rendered from the worker's metric catalogue (Swift): the metric the policy
    # tracks must be drawn there under the same name, namespace and dimensions.
    dashboard = json.loads((INFRA.parent / "dashboards" / "rag-worker-prod.json").read_text())
    prod = load_settings("prod")
    rows = [row for widget in dashboard["widgets"] for row in widget.get("properties", {}).get("metrics", [])]
    assert [prod.metrics_namespace, "BacklogPerInstance", "EndpointName", prod.endpoint_name] in \
        [row[:4] for row in rows if isinstance(row, list)]


def test_invocations_per_instance_is_a_second_policy_only_when_asked(variants):
    # Default: none (docs/deployment.md explains why); the `existing` variant asks for one.
    for name in ("dev", "prod"):
        assert list(_policies(variants[name])) == [f"{variants[name].settings.endpoint_name}-backlog-per-instance"]
    existing = variants["existing"]
    second = _policies(existing)[f"{existing.settings.endpoint_name}-invocations-per-instance"]
    tracking = second["TargetTrackingScalingPolicyConfiguration"]
    assert tracking["PredefinedMetricSpecification"] == {"PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"}
    assert tracking["TargetValue"] == existing.settings.target_invocations_per_instance == 40


def test_prod_scales_between_two_and_six_dev_between_one_and_two(variants):
    for name, bounds in (("prod", (2, 6)), ("dev", (1, 2))):
        target = variants[name].only("AWS::ApplicationAutoScaling::ScalableTarget")["Properties"]
        assert (target["MinCapacity"], target["MaxCapacity"]) == bounds


# MARK: phases and outputs

def test_foundation_phase_has_repository_secret_and_role_but_no_endpoint(variants):
    variant = variants["foundation"]
    for cfn_type in ("AWS::ECR::Repository", "AWS::SecretsManager::Secret", "AWS::IAM::Role"):
        assert len(variant.resources(cfn_type)) == 1, cfn_type
    # The endpoint's group, with its data protection policy, and the policy's audit group.
    assert len(variant.resources("AWS::Logs::LogGroup")) == 2
    for cfn_type in ("AWS::SageMaker::Model", "AWS::SageMaker::EndpointConfig", "AWS::SageMaker::Endpoint",
                     "AWS::ApplicationAutoScaling::ScalableTarget"):
        assert variant.resources(cfn_type) == {}, cfn_type
    assert "ImageUri" not in variant.template["Outputs"]


@pytest.mark.parametrize("name", FULL)
def test_outputs_give_the_deploy_script_what_it_reads(variants, name):
    outputs = variants[name].template["Outputs"]
    for key in ("EndpointName", "RepositoryName", "RepositoryUri", "SecretArn", "ExecutionRoleArn",
                "LogGroupName", "SecurityGroupId", "SubnetIds", "ImageUri"):
        assert key in outputs, key
    variants[name].assertions.has_output("EndpointName", {"Value": variants[name].settings.endpoint_name})


def test_every_resource_is_tagged_with_project_and_environment(variants):
    variants["dev"].assertions.has_resource_properties("AWS::SageMaker::Endpoint", {
        "Tags": Match.array_with([{"Key": "environment", "Value": "dev"},
                                  {"Key": "project", "Value": "rag-worker"}])})


def test_deploy_scripts_repository_lifecycle_matches_the_stacks(variants):
    """scripts/deploy --skip-cdk creates the repository by API: with the same rules as the stack."""
    import sys

    from infra_support import INFRA

    sys.path.insert(0, str(INFRA.parent / "scripts"))
    from deploylib.registry import lifecycle_policy

    for name in ("dev", "prod"):
        variant = variants[name]
        text = variant.only("AWS::ECR::Repository")["Properties"]["LifecyclePolicy"]["LifecyclePolicyText"]
        assert json.loads(text) == lifecycle_policy(variant.settings)
