"""Stands in for `cdk deploy` in tests: records its arguments and does to moto (by API) what
CloudFormation would do for each phase, then writes the outputs file like the CDK CLI.

It acts with the keys in FAKE_CDK_ACCESS_KEY_ID / FAKE_CDK_SECRET_ACCESS_KEY: the CDK CLI assumes
the bootstrap roles, and CloudFormation creates the resources with its execution role, so the
deployer's own policy does not cover what happens here."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import boto3  # noqa: E402

from deploylib import endpoint, registry  # noqa: E402
from deploylib.settings_bridge import load_settings  # noqa: E402


def main(argv: list[str]) -> int:
    assert argv[0] == "deploy", argv
    context = dict(argv[i + 1].split("=", 1) for i, a in enumerate(argv) if a == "-c")
    outputs_file = Path(argv[argv.index("--outputs-file") + 1])
    with open(os.environ["FAKE_CDK_LOG"], "a") as log:
        log.write(json.dumps({"argv": argv, "context": context, "cwd": os.getcwd()}) + "\n")
    settings = load_settings(context["env"], context.get("settings"))
    session = boto3.session.Session(region_name=settings.region,
                                    aws_access_key_id=os.environ["FAKE_CDK_ACCESS_KEY_ID"],
                                    aws_secret_access_key=os.environ["FAKE_CDK_SECRET_ACCESS_KEY"])
    uri, _ = registry.ensure_repository(session.client("ecr"), settings)
    secrets = session.client("secretsmanager")
    try:
        secret_arn = secrets.describe_secret(SecretId=settings.secret_name)["ARN"]
    except secrets.exceptions.ResourceNotFoundException:
        secret_arn = secrets.create_secret(Name=settings.secret_name)["ARN"]  # empty, as the stack does
    iam = session.client("iam")
    role_name = f"{settings.endpoint_name}-execution"
    try:
        role_arn = iam.get_role(RoleName=role_name)["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        role_arn = iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                    "Principal": {"Service": "sagemaker.amazonaws.com"}}]}))["Role"]["Arn"]
    outputs = {"EndpointName": settings.endpoint_name, "RepositoryName": settings.repository_name,
               "RepositoryUri": uri, "SecretArn": secret_arn, "ExecutionRoleArn": role_arn,
               "LogGroupName": settings.log_group_name}
    if context["phase"] == "full":
        tag = context["imageTag"]
        endpoint.deploy_by_api(session.client("sagemaker"), settings, image_uri=f"{uri}:{tag}", tag=tag,
                               role_arn=role_arn, secret_arn=secret_arn, region=settings.region, vpc_config=None)
        outputs["ImageUri"] = f"{uri}:{tag}"
    outputs_file.write_text(json.dumps({settings.stack_name: outputs}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
