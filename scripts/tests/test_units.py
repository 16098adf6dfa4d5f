"""The deploy script's pieces that need no AWS: the secrets file, the content tag, the cdk command,
the UpdateEndpoint request (moto has no UpdateEndpoint), the wait loop, the smoke job."""

from __future__ import annotations

import json
import shlex
import sys
from datetime import datetime, timezone

import boto3
import pytest
from botocore.stub import ANY, Stubber

from deploylib import endpoint
from deploylib.content_tag import content_tag
from deploylib.envfile import SecretsFileError, parse_env_file, secret_payload
from deploylib.errors import DeployError
from deploylib.settings_bridge import REPO_ROOT, load_settings
from deploylib.smoke import accepted_job, smoke_job
from deploylib.stack import cdk_deploy_command

REQUIRED = {
    "OPENAI_API_KEY": "sk-1", "COHERE_API_KEY": "co-1", "SUPABASE_URL": "https://x.supabase.co",
    "SUPABASE_KEY": "sb-1", "WEBHOOK_URL": "https://n8n.example.com/w", "WEBHOOK_SECRET": "wh-1",
    "DATABASE_URL": "postgresql://u:p@h:6543/db",
}


# MARK: secrets file

def test_env_file_accepts_comments_export_and_quotes(tmp_path):
    path = tmp_path / "s.env"
    path.write_text("# comment\n\nexport OPENAI_API_KEY='sk-a=b'\nCOHERE_API_KEY=\"co x\"\nLOG= plain \n")
    assert parse_env_file(path) == {"OPENAI_API_KEY": "sk-a=b", "COHERE_API_KEY": "co x", "LOG": "plain"}


def test_env_file_errors_give_line_numbers_and_never_the_line(tmp_path):
    path = tmp_path / "s.env"
    path.write_text("OPENAI_API_KEY=sk-secret-one\nsk-secret-two\nOPENAI_API_KEY=sk-secret-three\n")
    with pytest.raises(SecretsFileError) as raised:
        parse_env_file(path)
    message = str(raised.value)
    assert "line 2: expected KEY=VALUE" in message and "line 3: OPENAI_API_KEY is set twice" in message
    assert "sk-secret" not in message


def test_payload_is_compact_sorted_json_of_the_given_keys():
    payload = secret_payload({**REQUIRED, "OPENAI_MODEL": "gpt-4o-mini", "BASIC_AUTH_USER": "",
                              "BASIC_AUTH_PASS": ""})
    assert json.loads(payload) == {**REQUIRED, "OPENAI_MODEL": "gpt-4o-mini"}
    assert list(json.loads(payload)) == sorted(json.loads(payload))


@pytest.mark.parametrize("change, message", [
    ({"BASIC_AUTH_USER": "admin"}, "BASIC_AUTH_USER and BASIC_AUTH_PASS go together"),
    ({"DATABASE_URL": "mysql://u:p@h/db"}, "DATABASE_URL must start with postgres"),
    ({"SUPABASE_URL": "http://x.supabase.co"}, "SUPABASE_URL must be an https:// URL"),
    ({"WEBHOOK_URL": "http://n8n.example.com/w"}, "WEBHOOK_URL must be an https:// URL"),
    ({"WEBHOOK_URL": "http://127.0.0.1.example.com/w"}, "WEBHOOK_URL must be an https:// URL"),
    ({"SUPABASE_KEY": ""}, "SUPABASE_URL and SUPABASE_KEY go together"),
    ({"DATABASE_URL": ""}, "missing or empty: DATABASE_URL"),
])
def test_payload_refuses_values_the_worker_would_refuse(change, message):
    with pytest.raises(SecretsFileError, match=message):
        secret_payload({**REQUIRED, **change})


def test_payload_without_supabase_uses_the_database_for_retrieval():
    # The worker needs Supabase's REST keys or DATABASE_URL for retrieval; DATABASE_URL is required anyway.
    without = {key: value for key, value in REQUIRED.items() if not key.startswith("SUPABASE_")}
    assert json.loads(secret_payload(without)) == without


@pytest.mark.parametrize("url", ["http://127.0.0.1:8123/webhook/x", "http://localhost:5678/webhook/x",
                                 "http://[::1]:5678/webhook/x"])
def test_payload_accepts_plain_http_only_on_the_loopback(url):
    # A local run or the deployment rehearsal (tests/rehearsal) has its receiver on this machine.
    assert json.loads(secret_payload({**REQUIRED, "WEBHOOK_URL": url}))["WEBHOOK_URL"] == url


# MARK: content tag

def test_content_tag_follows_the_sources_and_nothing_else(tmp_path):
    (tmp_path / "Sources" / "App").mkdir(parents=True)
    (tmp_path / "Dockerfile").write_text("FROM swift:6.1\n")
    (tmp_path / "Sources" / "App" / "main.swift").write_text("print(1)\n")
    (tmp_path / "README.md").write_text("docs\n")
    first = content_tag(tmp_path)
    assert first.startswith("c-") and len(first) == 14
    (tmp_path / "README.md").write_text("other docs\n")
    assert content_tag(tmp_path) == first
    (tmp_path / "Sources" / "App" / "main.swift").write_text("print(2)\n")
    changed = content_tag(tmp_path)
    assert changed != first
    (tmp_path / "Sources" / "App" / "main.swift").write_text("print(1)\n")
    assert content_tag(tmp_path) == first


def test_content_tag_of_this_repository_is_stable():
    assert content_tag(REPO_ROOT) == content_tag(REPO_ROOT)


# MARK: cdk command

def test_cdk_command_deploys_the_environments_stack_with_this_interpreter(tmp_path):
    settings = load_settings("prod")
    command = cdk_deploy_command("npx --yes aws-cdk@2", settings, phase="full", image_tag="c-0123456789ab",
                                 settings_file=None, outputs_file=tmp_path / "o.json")
    assert command[:5] == ["npx", "--yes", "aws-cdk@2", "deploy", "RagWorker-prod"]
    assert command[command.index("--app") + 1] == f"{shlex.quote(sys.executable)} app.py"
    assert command[command.index("--require-approval") + 1] == "never"
    contexts = [command[i + 1] for i, part in enumerate(command) if part == "-c"]
    assert contexts == ["env=prod", "phase=full", "imageTag=c-0123456789ab"]


# MARK: SageMaker API path

def test_update_endpoint_keeps_scaled_capacity_and_waits_out_running_jobs():
    settings = load_settings("prod")
    client = boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")
    stubber = Stubber(client)
    stubber.add_response("create_model", {"ModelArn": "arn:aws:sagemaker:us-east-1:1:model/m"})
    stubber.add_response("create_endpoint_config", {"EndpointConfigArn": "arn:aws:sagemaker:us-east-1:1:ec/c"})
    stubber.add_response("describe_endpoint", {
        "EndpointName": settings.endpoint_name, "EndpointArn": "arn:aws:sagemaker:us-east-1:1:endpoint/e",
        "EndpointConfigName": "old", "EndpointStatus": "InService",
        "CreationTime": datetime.now(timezone.utc), "LastModifiedTime": datetime.now(timezone.utc)})
    stubber.add_response("update_endpoint", {"EndpointArn": "arn:aws:sagemaker:us-east-1:1:endpoint/e"}, {
        "EndpointName": settings.endpoint_name, "EndpointConfigName": ANY, "RetainAllVariantProperties": True,
        "DeploymentConfig": {"BlueGreenUpdatePolicy": {
            "TrafficRoutingConfiguration": {"Type": "ALL_AT_ONCE", "WaitIntervalInSeconds": 0},
            "TerminationWaitInSeconds": settings.termination_wait_seconds,
            "MaximumExecutionTimeoutInSeconds": 3600}}})
    with stubber:
        outcome = endpoint.deploy_by_api(client, settings, image_uri="r/repo:c-1", tag="c-1",
                                         role_arn="arn:aws:iam::123456789012:role/worker",
                                         secret_arn="arn:aws:secretsmanager:us-east-1:123456789012:secret:s-AbCdEf",
                                         region="us-east-1", vpc_config=None)
    assert outcome == "updated"
    stubber.assert_no_pending_responses()


class _Endpoints:
    """A DescribeEndpoint stand-in that walks through a list of statuses."""

    class exceptions:
        ClientError = Exception

    def __init__(self, *statuses):
        self.statuses = list(statuses)

    def describe_endpoint(self, EndpointName):
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        return {"EndpointStatus": status, "FailureReason": "CannotStartContainerError: ping failed"}


def test_wait_reports_each_status_once_and_returns_in_service():
    seen = []
    endpoint.wait_in_service(_Endpoints("Creating", "Creating", "InService"), "e", timeout=60, poll=0,
                             report=seen.append, sleep=lambda _: None)
    assert seen == ["endpoint e: Creating", "endpoint e: InService"]


def test_wait_stops_on_failure_with_the_reason_and_where_the_logs_are():
    with pytest.raises(DeployError, match="Failed: CannotStartContainerError.*/aws/sagemaker/Endpoints/e"):
        endpoint.wait_in_service(_Endpoints("Creating", "Failed"), "e", timeout=60, poll=0,
                                 report=lambda _: None, sleep=lambda _: None)


def test_wait_gives_up_after_the_timeout():
    ticks = iter(range(0, 1000, 10))
    with pytest.raises(DeployError, match="still Updating after 30 s"):
        endpoint.wait_in_service(_Endpoints("Updating"), "e", timeout=30, poll=0, report=lambda _: None,
                                 clock=lambda: next(ticks), sleep=lambda _: None)


def test_resource_names_fit_sagemaker_limits():
    name = endpoint.resource_name("r" * 63, "c-0123456789ab_weird.tag", datetime(2026, 11, 25, tzinfo=timezone.utc))
    assert len(name) <= 63 and name.replace("-", "").isalnum()


# MARK: smoke test

def test_smoke_job_is_unique_and_marked(tmp_path):
    settings = load_settings("dev")
    path = smoke_job(REPO_ROOT / "fixtures" / "jobs" / "minimal.json", settings, "c-1", tmp_path,
                     datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc))
    job = json.loads(path.read_text())
    assert job["job_id"] == "smoke-dev-c-1-20261125T120000Z"
    assert job["metadata"] == {"smoke_test": True, "image_tag": "c-1"}
    assert job["title"] and job["description"]


def test_accepted_job_is_read_from_the_invoke_output():
    output = 'invoking...\n{"job_id":"j-1","status":"accepted","trace_id":"t-1"}\n'
    assert accepted_job(output) == {"job_id": "j-1", "status": "accepted", "trace_id": "t-1"}
    assert accepted_job("no json here") == {}
