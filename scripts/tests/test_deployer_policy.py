"""docs/iam/deployer-policy.json: its resource scopes cover the names the deployment uses, and it
grants what the runbook says alarm-setup calls. (The moto tests enforce its actions; moto cannot
enforce resource ARNs, so they are checked here.)"""

from __future__ import annotations

import fnmatch
import re

import pytest

import iam_support
from deploylib.settings_bridge import REPO_ROOT, load_settings
from rag_worker_infra import worker_policy

ACCOUNT, REGION = "123456789012", "us-east-1"


def _rendered() -> dict:
    return worker_policy.render({"Account": ACCOUNT, "Region": REGION}, iam_support.DEPLOYER_POLICY)


def _allows(document: dict, action: str, arn: str) -> bool:
    for statement in document["Statement"]:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        if action in actions and any(fnmatch.fnmatchcase(arn, pattern) for pattern in resources):
            return True
    return False


def _uses(settings) -> list[tuple[str, str]]:
    """(action, resource ARN) pairs a deploy, a rollback and alarm-setup perform for `settings`."""
    ecr = f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/{settings.repository_name}"
    secret = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{settings.secret_name}-AbC123"
    group = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{settings.log_group_name}"
    endpoint = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:endpoint/{settings.endpoint_name}"
    model = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model/{settings.endpoint_name}-c-0123456789ab-20261201120000"
    config = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:endpoint-config/endpointconfig-abcdef"
    pairs = [("ecr:" + a, ecr) for a in ("DescribeRepositories", "DescribeImages", "BatchCheckLayerAvailability",
                                          "InitiateLayerUpload", "UploadLayerPart", "CompleteLayerUpload", "PutImage",
                                          "BatchGetImage", "GetDownloadUrlForLayer", "CreateRepository",
                                          "PutLifecyclePolicy")]
    pairs += [("secretsmanager:" + a, secret) for a in ("CreateSecret", "DescribeSecret", "PutSecretValue",
                                                        "UpdateSecretVersionStage", "GetSecretValue")]
    pairs += [("logs:CreateLogGroup", group), ("logs:PutRetentionPolicy", group), ("logs:FilterLogEvents", group),
              ("logs:StartQuery", group), ("logs:GetLogEvents", group + ":log-stream:AllTraffic/i-1")]
    pairs += [("sagemaker:" + a, endpoint) for a in ("CreateEndpoint", "UpdateEndpoint", "DescribeEndpoint",
                                                     "InvokeEndpoint", "AddTags")]
    pairs += [("sagemaker:CreateModel", model), ("sagemaker:DescribeModel", model),
              ("sagemaker:CreateEndpointConfig", config), ("sagemaker:DescribeEndpointConfig", config)]
    pairs += [("cloudformation:DescribeStacks",
               f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/{settings.stack_name}/1f2e3d4c-0000-1111-2222-333344445555"),
              ("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/{settings.stack_name}-ExecutionRole605A040B-1AbCdEfGh"),
              ("sts:AssumeRole", f"arn:aws:iam::{ACCOUNT}:role/cdk-hnb659fds-deploy-role-{ACCOUNT}-{REGION}"),
              ("cloudwatch:PutMetricAlarm", f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:{settings.endpoint_name}-error-rate"),
              ("cloudwatch:PutDashboard", f"arn:aws:cloudwatch::{ACCOUNT}:dashboard/{settings.endpoint_name}"),
              ("sns:CreateTopic", f"arn:aws:sns:{REGION}:{ACCOUNT}:{settings.endpoint_name}-alarms"),
              ("sns:Subscribe", f"arn:aws:sns:{REGION}:{ACCOUNT}:{settings.endpoint_name}-alarms")]
    return pairs


@pytest.mark.parametrize("env", ("dev", "prod"))
def test_statements_cover_every_resource_the_environment_uses(env):
    document = _rendered()
    missing = [pair for pair in _uses(load_settings(env)) if not _allows(document, *pair)]
    assert missing == []


def test_names_outside_the_documented_prefixes_are_not_covered():
    """The check above can fail: an environment renamed away from rag-worker-* is refused."""
    settings = load_settings("dev", overrides={"endpoint_name": "team-x", "repository_name": "team-x",
                                               "secret_name": "team-x/dev"})
    document = _rendered()
    missing = {action for action, arn in _uses(settings) if not _allows(document, action, arn)}
    assert {"ecr:PutImage", "secretsmanager:PutSecretValue", "sagemaker:InvokeEndpoint",
            "cloudwatch:PutMetricAlarm"} <= missing


def test_policy_grants_every_action_the_runbook_lists_for_alarm_setup():
    runbook = (REPO_ROOT / "docs" / "runbook.md").read_text()
    table = runbook[runbook.index("IAM actions the commands call"):]
    listed = set(re.findall(r"`((?:sts|sns|cloudwatch):[A-Za-z]+)`", table))
    assert len(listed) >= 10
    assert listed - iam_support.actions(iam_support.load()) == set()


def test_policy_has_no_wildcard_action_and_uses_only_known_placeholders():
    document = iam_support.load()
    assert all("*" not in action for action in iam_support.actions(document))
    assert worker_policy.placeholders_in(document) == {"Account", "Region"}
