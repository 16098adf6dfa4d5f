"""The execution role is built from docs/iam/worker-policy.json, grants what the worker's code calls
(read from the Swift sources, not from the file) plus what SageMaker itself does with the role, and
nothing else; no policy grants wildcard actions."""

from __future__ import annotations

import json

import pytest

from rag_worker_infra import worker_policy
from infra_support import IMAGE_TAG
from swift_aws_calls import actions_called_by, worker_runtime_files

# What SageMaker itself does with the execution role, not the worker's code: pull the image from
# ECR, and put the endpoint's network interfaces in the VPC (SageMaker's "CreateModel API: execution
# role permissions" for a VPC).
SAGEMAKER_USES = {
    "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:GetAuthorizationToken",
    "ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface",
    "ec2:DeleteNetworkInterfacePermission", "ec2:DescribeDhcpOptions", "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs",
}

# Actions the worker's code calls only when a deployment turns them on: prompt capture to S3
# (`capture_content: s3`), whose statement the stack leaves out otherwise.
CAPTURE_ONLY = {"s3:PutObject"}

WITH_CAPTURE = ("capture",)
FULL = ("dev", "prod", "existing", "capture", "traced")

# Actions AWS does not let us scope to a resource (or, for the network interfaces, that SageMaker
# documents without a resource scope): only these may have Resource "*".
RESOURCE_WILDCARD_ALLOWED = {
    "ecr:GetAuthorizationToken",
    "xray:PutSpans",  # CloudWatch's OTLP traces endpoint: the action has no resource type
    "cloudwatch:PutMetricData",  # scoped by the cloudwatch:namespace condition instead
    "ec2:DescribeDhcpOptions",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeVpcs",
    "ec2:CreateNetworkInterface",
    "ec2:CreateNetworkInterfacePermission",
    "ec2:DeleteNetworkInterface",
    "ec2:DeleteNetworkInterfacePermission",
}


def _policy_documents(template: dict):
    """(resource id, policy document) for every IAM policy in the template, inline or not."""
    for logical_id, resource in template["Resources"].items():
        properties = resource.get("Properties", {})
        if resource["Type"] == "AWS::IAM::Role":
            yield logical_id + " (trust)", properties["AssumeRolePolicyDocument"]
            for policy in properties.get("Policies", []):
                yield logical_id, policy["PolicyDocument"]
        elif resource["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            yield logical_id, properties["PolicyDocument"]


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _execution_policy(variant) -> dict:
    (role,) = variant.resources("AWS::IAM::Role").values()
    (policy,) = role["Properties"]["Policies"]
    return policy["PolicyDocument"]


@pytest.mark.parametrize("name", FULL + ("foundation",))
def test_no_policy_has_a_wildcard_action(variants, name):
    checked = 0
    for where, document in _policy_documents(variants[name].template):
        for statement in document["Statement"]:
            assert "NotAction" not in statement, where
            for action in _as_list(statement["Action"]):
                checked += 1
                assert "*" not in action, f"{where}: wildcard action {action}"
    assert checked > 0


@pytest.mark.parametrize("name", FULL)
def test_resource_wildcards_only_where_aws_requires_them(variants, name):
    for statement in _execution_policy(variants[name])["Statement"]:
        if "*" in _as_list(statement["Resource"]):
            assert set(_as_list(statement["Action"])) <= RESOURCE_WILDCARD_ALLOWED, statement["Sid"]


@pytest.mark.parametrize("name", FULL)
def test_execution_role_policy_equals_the_policy_file_statement_by_statement(variants, name):
    """Every statement of the file; the capture one only with a capture bucket, the optional ones
    exactly when their setting is on."""
    enabled = variants[name].settings.enabled_features
    expected = {sid: actions for sid, actions in worker_policy.actions_by_statement(worker_policy.load_template()).items()
                if sid not in worker_policy.OPTIONAL_STATEMENTS or worker_policy.OPTIONAL_STATEMENTS[sid] in enabled}
    if name not in WITH_CAPTURE:
        del expected["WriteCapturedContent"]
    assert worker_policy.actions_by_statement(_execution_policy(variants[name])) == expected


def test_xray_traces_setting_adds_exactly_put_spans_and_the_workers_switch(variants):
    """The OTLP traces endpoint needs `xray:PutSpans` (Service Authorization Reference, X-Ray: "upload
    OpenTelemetry spans"); the setting adds that statement and `RAG_XRAY=on`, and nothing else."""
    by_sid = {s["Sid"]: s for s in _execution_policy(variants["traced"])["Statement"]}
    assert by_sid["ExportTracesToXRay"]["Action"] == "xray:PutSpans"  # CDK writes a lone action as a string
    assert by_sid["ExportTracesToXRay"]["Resource"] == "*"
    assert _granted(variants["traced"]) - _granted(variants["dev"]) == {"xray:PutSpans"}
    traced = variants["traced"].only("AWS::SageMaker::Model")["Properties"]["PrimaryContainer"]["Environment"]
    plain = variants["dev"].only("AWS::SageMaker::Model")["Properties"]["PrimaryContainer"]["Environment"]
    assert traced["RAG_XRAY"] == "on" and "RAG_XRAY" not in plain
    assert traced["OTEL_RESOURCE_ATTRIBUTES"] == f"deployment.environment.name=traced,service.version={IMAGE_TAG}"


def _granted(variant) -> set[str]:
    return set().union(*worker_policy.actions_by_statement(_execution_policy(variant)).values())


def _switched_off(variant) -> set[str]:
    """Actions the worker's code can call that this variant's settings leave off (their feature is off)."""
    return worker_policy.optional_actions(worker_policy.load_template(), set(variant.settings.enabled_features))


def test_scan_of_the_swift_sources_finds_the_workers_aws_calls():
    """The scan itself: the exporters and the secret loader are found (else the checks below pass
    vacuously), and operator-only calls (reports, alarm-setup) are not counted as the worker's."""
    called = actions_called_by(worker_runtime_files())
    assert {"logs:PutLogEvents", "cloudwatch:PutMetricData", "secretsmanager:GetSecretValue", "xray:PutSpans"} <= called
    assert not called & {"cloudwatch:GetMetricData", "cloudwatch:PutMetricAlarm", "sagemaker:InvokeEndpoint"}


@pytest.mark.parametrize("name", FULL)
def test_execution_role_grants_every_action_the_worker_code_calls(variants, name):
    needed = actions_called_by(worker_runtime_files()) - _switched_off(variants[name])
    if name not in WITH_CAPTURE:
        needed -= CAPTURE_ONLY
    assert needed - _granted(variants[name]) == set()


def test_capture_upload_is_a_call_of_the_worker_and_granted_only_with_capture(variants):
    assert CAPTURE_ONLY <= actions_called_by(worker_runtime_files())
    assert not CAPTURE_ONLY & _granted(variants["dev"])
    assert CAPTURE_ONLY <= _granted(variants["capture"])
    # Reading captures back is the operator's (postmortem --content), never the worker's.
    assert "s3:GetObject" not in actions_called_by(worker_runtime_files())


@pytest.mark.parametrize("name", FULL)
def test_execution_role_cannot_unmask_protected_log_data(variants, name):
    """The log group's data protection policy masks what it finds; reading it unmasked needs
    logs:Unmask, which the worker's role must not have (docs/observability.md, who can unmask)."""
    granted = _granted(variants[name])
    assert "logs:Unmask" not in granted
    assert not any(action.startswith("logs:") and "*" in action for action in granted)


@pytest.mark.parametrize("name", FULL)
def test_execution_role_grants_nothing_the_worker_and_sagemaker_do_not_use(variants, name):
    unused = _granted(variants[name]) - actions_called_by(worker_runtime_files()) - SAGEMAKER_USES
    assert unused == set(), "least privilege: drop these from docs/iam/worker-policy.json"


def test_execution_role_is_assumed_by_sagemaker_only(variants):
    (role,) = variants["dev"].resources("AWS::IAM::Role").values()
    (statement,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "sagemaker.amazonaws.com"}
    assert statement["Action"] == "sts:AssumeRole"


def test_statements_point_at_this_stacks_repository_secret_log_group_and_namespace(variants):
    variant = variants["dev"]
    repository = next(iter(variant.resources("AWS::ECR::Repository")))
    secret = next(iter(variant.resources("AWS::SecretsManager::Secret")))
    by_sid = {s["Sid"]: s for s in _execution_policy(variant)["Statement"]}
    assert by_sid["PullWorkerImage"]["Resource"] == {"Fn::GetAtt": [repository, "Arn"]}
    assert by_sid["ReadWorkerSecret"]["Resource"] == {"Ref": secret}
    log_resources = [json.dumps(r) for r in by_sid["WriteEndpointLogs"]["Resource"]]
    group = ":log-group:/aws/sagemaker/Endpoints/rag-worker-dev"
    assert any(text.endswith(f'{group}"]]}}') for text in log_resources)
    # ":*" covers the streams and the form ("log-group:NAME:*") IAM evaluates some group actions on.
    assert any(text.endswith(f'{group}:*"]]}}') for text in log_resources)
    assert by_sid["PutWorkerMetrics"]["Condition"] == {"StringEquals": {"cloudwatch:namespace": "RAGWorker"}}
    for sid in ("DescribeEndpointNetwork", "ManageEndpointNetworkInterfaces"):
        assert by_sid[sid]["Condition"] == {"StringEquals": {"aws:RequestedRegion": "us-east-1"}}


def test_policy_file_uses_only_known_placeholders():
    assert worker_policy.placeholders_in(worker_policy.load_template()) == worker_policy.PLACEHOLDERS


def test_render_leaves_out_statements_of_absent_optional_resources_only():
    values = {name: "x" for name in worker_policy.PLACEHOLDERS}
    with_capture = worker_policy.actions_by_statement(worker_policy.render(values))
    without = worker_policy.actions_by_statement(worker_policy.render({**values, "CaptureObjectsArn": None}))
    assert set(with_capture) - set(without) == {"WriteCapturedContent"}
    with pytest.raises(KeyError, match="SecretArn"):
        worker_policy.render({**values, "SecretArn": None})


def test_render_refuses_missing_or_unknown_placeholders():
    values = {name: "x" for name in worker_policy.PLACEHOLDERS}
    with pytest.raises(KeyError, match="SecretArn"):
        worker_policy.render({k: v for k, v in values.items() if k != "SecretArn"})
    with pytest.raises(KeyError, match="Bucket"):
        worker_policy.render({**values, "Bucket": "y"})
    rendered = json.dumps(worker_policy.render(values))
    assert "${" not in rendered
