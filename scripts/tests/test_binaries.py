"""The two steps that run the project's Swift tools against moto: `alarm-setup apply` and the smoke
test `rag-worker invoke` (SigV4 through SageMaker Runtime), with the tools in .build/debug (or
$ALARM_SETUP_BIN / $RAG_WORKER_BIN). Without a built tool a test is skipped on a developer's
machine and fails under CI=true (`make test` builds them first)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import urllib.request

import pytest

from conftest import require_prerequisite
from deploylib.settings_bridge import REPO_ROOT

TAG = "c-00aa11bb22cc"


def _missing(variable: str, default: str, subcommand: str, option: str) -> str | None:
    path = os.environ.get(variable) or str(REPO_ROOT / default)
    if not os.access(path, os.X_OK):
        return f"{path} is not built (set {variable} or run swift build)"
    result = subprocess.run([path, subcommand, "--help"], capture_output=True, text=True, timeout=60)
    text = result.stdout + result.stderr
    # An unknown subcommand makes swift-argument-parser print the root help: look for its own usage.
    if result.returncode != 0 or not re.search(rf"USAGE:.*\b{subcommand}\b", text) or option not in text:
        return f"`{os.path.basename(path)} {subcommand} {option}` does not exist yet (its module is pending)"
    return None


ALARM_SETUP_MISSING = _missing("ALARM_SETUP_BIN", ".build/debug/alarm-setup", "apply", "--endpoint")
RAG_WORKER_MISSING = _missing("RAG_WORKER_BIN", ".build/debug/rag-worker", "invoke", "--endpoint")


def _deployed(environment):
    environment.moto.client("ecr").create_repository(repositoryName=environment.settings.repository_name)
    environment.push_fake_image(TAG)
    return ("--skip-cdk", "--role-arn", environment.create_role(), "--skip-build", "--image-tag", TAG,
            "--secrets-file", str(environment.secrets_file()[0]), "--poll", "0.05")


@pytest.fixture
def alarm_setup():
    require_prerequisite(ALARM_SETUP_MISSING is None, ALARM_SETUP_MISSING or "")


@pytest.fixture
def rag_worker():
    require_prerequisite(RAG_WORKER_MISSING is None, RAG_WORKER_MISSING or "")


def test_deploy_runs_alarm_setup_apply_for_the_endpoint(environment, alarm_setup):
    result = environment.deploy(*_deployed(environment), "--skip-smoke", "--notify-email", "oncall@example.com")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"alarm-setup apply --endpoint {environment.settings.endpoint_name}" in result.stdout
    cloudwatch = environment.moto.client("cloudwatch")
    alarms = cloudwatch.describe_alarms()["MetricAlarms"]
    mine = [a for a in alarms if {"Name": "EndpointName", "Value": environment.settings.endpoint_name}
            in a.get("Dimensions", []) or environment.settings.endpoint_name in json.dumps(a.get("Metrics", []))]
    assert mine, "no alarm refers to the deployed endpoint"
    dashboards = cloudwatch.list_dashboards()["DashboardEntries"]
    bodies = [cloudwatch.get_dashboard(DashboardName=d["DashboardName"])["DashboardBody"] for d in dashboards]
    assert any(environment.settings.endpoint_name in body for body in bodies)


def test_smoke_test_invokes_the_endpoint_through_sagemaker_runtime(environment, rag_worker):
    # moto answers InvokeEndpoint with a scripted result: the worker's 202 document.
    canned = {"job_id": "smoke-canned-1", "status": "accepted", "trace_id": "0af7651916cd43dd8448eb211c80319c"}
    request = urllib.request.Request(
        f"{environment.moto.url}/moto-api/static/sagemaker/endpoint-results", method="POST",
        data=json.dumps({"account_id": "123456789012", "region": "us-east-1", "results": [
            {"Body": json.dumps(canned), "ContentType": "application/json",
             "InvokedProductionVariant": "AllTraffic"}]}).encode(),
        headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=10).read()

    result = environment.deploy(*_deployed(environment), "--skip-alarms")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"invoke --endpoint {environment.settings.endpoint_name} --job" in result.stdout
    assert "This job:  job_id=smoke-canned-1 trace_id=0af7651916cd43dd8448eb211c80319c" in result.stdout


def _canned_invocation(environment, job_id: str) -> None:
    """moto answers the next InvokeEndpoint with the worker's accepted document."""
    canned = {"job_id": job_id, "status": "queued", "trace_id": "0af7651916cd43dd8448eb211c80319c"}
    urllib.request.urlopen(urllib.request.Request(
        f"{environment.moto.url}/moto-api/static/sagemaker/endpoint-results", method="POST",
        data=json.dumps({"results": [{"Body": json.dumps(canned), "ContentType": "application/json"}]}).encode(),
        headers={"Content-Type": "application/json"}), timeout=10).read()


def _synthesized_worker_environment(environment, tmp_path) -> dict:
    """The SageMaker model's container environment in the template `cdk deploy` would deploy for
    the test's settings (infra/app.py, as the CDK CLI runs it)."""
    import importlib.util

    import aws_cdk as cdk

    spec = importlib.util.spec_from_file_location("rag_worker_app", REPO_ROOT / "infra" / "app.py")
    app_module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(app_module)
    app = cdk.App(outdir=str(tmp_path / "cdk.out"),
                  context={"env": "dev", "imageTag": TAG, "settings": str(environment.settings_file)})
    stack = app_module.build(app)
    app.synth()
    template = json.loads((tmp_path / "cdk.out" / f"{stack.stack_name}.template.json").read_text())
    (model,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::SageMaker::Model"]
    return model["Properties"]["PrimaryContainer"]["Environment"]


def test_applied_dashboard_queries_the_log_group_the_synthesized_stack_gives_the_worker(environment, alarm_setup,
                                                                                         tmp_path):
    worker = _synthesized_worker_environment(environment, tmp_path)
    result = environment.deploy(*_deployed(environment), "--skip-smoke", "--notify-email", "oncall@example.com")
    assert result.returncode == 0, result.stdout + result.stderr
    cloudwatch = environment.moto.client("cloudwatch")
    body = json.loads(cloudwatch.get_dashboard(DashboardName=environment.settings.endpoint_name)["DashboardBody"])
    queries = [widget["properties"]["query"] for widget in body["widgets"] if widget["type"] == "log"]
    assert queries, "the dashboard has Logs Insights widgets"
    sources = {re.match(r"SOURCE '([^']+)'", query).group(1) for query in queries}
    assert sources == {worker["RAG_LOG_GROUP"]}
    metric_namespaces = {row[0] for widget in body["widgets"] if widget["type"] == "metric"
                         for row in widget["properties"].get("metrics", []) if isinstance(row[0], str)}
    assert worker["RAG_METRICS_NAMESPACE"] in metric_namespaces


def test_notify_email_subscribes_the_address_to_the_topic_the_alarms_notify(environment, alarm_setup):
    result = environment.deploy(*_deployed(environment), "--skip-smoke", "--notify-email", "oncall@example.com")
    assert result.returncode == 0, result.stdout + result.stderr
    sns = environment.moto.client("sns")
    topic = next(t["TopicArn"] for t in sns.list_topics()["Topics"]
                 if t["TopicArn"].endswith(f":{environment.settings.endpoint_name}-alarms"))
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions] == [("email", "oncall@example.com")]
    described = environment.moto.client("cloudwatch").describe_alarms(
        AlarmNamePrefix=environment.settings.endpoint_name + "-", AlarmTypes=["MetricAlarm", "CompositeAlarm"])
    alarms = described["MetricAlarms"]
    # The p99 and maximum latency alarms stay on the dashboard without actions: the delivery SLO's
    # tiers page on the 120 s promise instead (docs/observability.md, the pager's inputs).
    dashboard_only = {f"{environment.settings.endpoint_name}-job-latency-{kind}" for kind in ("p99", "max")}
    assert {alarm["AlarmName"] for alarm in alarms if not _reaches(alarm["AlarmName"], topic, described)} == dashboard_only
    assert _reaches(f"{environment.settings.endpoint_name}-slo-delivery-page", topic, described)


def _reaches(name, topic, described):
    """Whether alarm `name` notifies `topic`: by its own actions, or through a composite alarm whose
    rule names it (SLO window alarms and the latency alarms page only through their composites)."""
    everything = described["MetricAlarms"] + described["CompositeAlarms"]
    notifying = {alarm["AlarmName"] for alarm in everything if topic in alarm.get("AlarmActions", [])}
    seen, pending = set(), [name]
    while pending:
        current = pending.pop()
        if current in notifying:
            return True
        seen.add(current)
        pending += [composite["AlarmName"] for composite in described["CompositeAlarms"]
                    if f'ALARM("{current}")' in composite["AlarmRule"] and composite["AlarmName"] not in seen]
    return False


def test_swift_tools_run_with_credentials_from_a_credential_process_profile(environment, alarm_setup, rag_worker):
    """The real tools read no credential_process profile themselves: scripts/deploy hands them the
    credentials boto3 resolved (test_credentials.py shows the same with a stand-in)."""
    from test_credentials import _credential_process_profile

    _canned_invocation(environment, "smoke-credential-process")
    result = environment.deploy(*_deployed(environment), "--notify-email", "oncall@example.com", credentials=False,
                                extra_env=_credential_process_profile(environment))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "This job:  job_id=smoke-credential-process" in result.stdout
    assert environment.moto.secret_key not in result.stdout + result.stderr
    dashboards = environment.moto.client("cloudwatch").list_dashboards()["DashboardEntries"]
    assert environment.settings.endpoint_name in {d["DashboardName"] for d in dashboards}
