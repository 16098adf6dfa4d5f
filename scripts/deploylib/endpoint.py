"""SageMaker: the model/config/endpoint by API (the `--skip-cdk` path), waiting, and what runs now."""

from __future__ import annotations

import re
import time
from datetime import datetime, timezone
from typing import Callable

from .errors import DeployError
from .settings_bridge import VARIANT_NAME, Settings


def describe_endpoint(client, name: str) -> dict | None:
    try:
        return client.describe_endpoint(EndpointName=name)
    except client.exceptions.ClientError as error:
        if error.response["Error"]["Code"] in ("ValidationException", "ResourceNotFound"):
            return None
        raise


def current_model(client, endpoint_name: str) -> dict | None:
    """The model the endpoint's AllTraffic variant runs (DescribeModel output), if any."""
    endpoint = describe_endpoint(client, endpoint_name)
    if endpoint is None:
        return None
    config = client.describe_endpoint_config(EndpointConfigName=endpoint["EndpointConfigName"])
    variant = next(v for v in config["ProductionVariants"] if v["VariantName"] == VARIANT_NAME)
    return client.describe_model(ModelName=variant["ModelName"])


def resource_name(endpoint_name: str, tag: str, now: datetime | None = None) -> str:
    """A model / endpoint-config name: endpoint, tag and time, within SageMaker's 63 characters."""
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%d%H%M%S")
    safe_tag = re.sub(r"[^A-Za-z0-9-]", "-", tag)[:20].strip("-")
    return f"{endpoint_name[:40]}-{safe_tag}-{stamp}"[:63].strip("-")


def deploy_by_api(client, settings: Settings, *, image_uri: str, tag: str, role_arn: str, secret_arn: str,
                  region: str, vpc_config: dict | None) -> str:
    """Creates a model and endpoint configuration for `image_uri` and points the endpoint at them
    (CreateEndpoint the first time, UpdateEndpoint after). Returns `created` or `updated`."""
    name = resource_name(settings.endpoint_name, tag)
    tags = [{"Key": "project", "Value": "rag-worker"}, {"Key": "environment", "Value": settings.env},
            {"Key": "image-tag", "Value": tag}]
    model = {
        "ModelName": name,
        "ExecutionRoleArn": role_arn,
        "PrimaryContainer": {"Image": image_uri, "Mode": "SingleModel",
                             "Environment": settings.model_environment(secret_arn, region)},
        "Tags": tags,
    }
    if vpc_config:
        model["VpcConfig"] = vpc_config
    client.create_model(**model)
    client.create_endpoint_config(
        EndpointConfigName=name,
        ProductionVariants=[{
            "VariantName": VARIANT_NAME,
            "ModelName": name,
            "InstanceType": settings.instance_type,
            "InitialInstanceCount": settings.initial_instance_count,
            "InitialVariantWeight": 1.0,
            "ContainerStartupHealthCheckTimeoutInSeconds": settings.startup_health_check_timeout_seconds,
        }],
        Tags=tags,
    )
    if describe_endpoint(client, settings.endpoint_name) is None:
        client.create_endpoint(EndpointName=settings.endpoint_name, EndpointConfigName=name, Tags=tags)
        return "created"
    client.update_endpoint(
        EndpointName=settings.endpoint_name,
        EndpointConfigName=name,
        RetainAllVariantProperties=True,
        DeploymentConfig={"BlueGreenUpdatePolicy": {
            "TrafficRoutingConfiguration": {"Type": "ALL_AT_ONCE", "WaitIntervalInSeconds": 0},
            "TerminationWaitInSeconds": settings.termination_wait_seconds,
            "MaximumExecutionTimeoutInSeconds": 3600,
        }},
    )
    return "updated"


def wait_in_service(client, name: str, *, timeout: float, poll: float,
                    report: Callable[[str], None], clock=time.monotonic, sleep=time.sleep) -> dict:
    """Polls DescribeEndpoint until InService; a Failed endpoint or the timeout is an error."""
    deadline = clock() + timeout
    last = None
    while True:
        endpoint = describe_endpoint(client, name)
        if endpoint is None:
            raise DeployError(f"endpoint {name} does not exist")
        status = endpoint["EndpointStatus"]
        if status != last:
            report(f"endpoint {name}: {status}")
            last = status
        if status == "InService":
            return endpoint
        if status in ("Failed", "OutOfService", "Deleting"):
            reason = endpoint.get("FailureReason", "no reason given")
            raise DeployError(f"endpoint {name} is {status}: {reason} "
                              f"(container output: log group /aws/sagemaker/Endpoints/{name})")
        if clock() >= deadline:
            raise DeployError(f"endpoint {name} still {status} after {timeout:.0f} s")
        sleep(poll)
