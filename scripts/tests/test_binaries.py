"""The two steps that run the project's Swift tools against moto: `alarm-setup apply` and the smoke
test `rag-worker invoke` (SigV4 through SageMaker Runtime). Each is skipped, with the reason, until
the tool in .build/debug (or $ALARM_SETUP_BIN / $RAG_WORKER_BIN) offers that subcommand."""

from __future__ import annotations

import json
import os
import re
import subprocess
import urllib.request

import pytest

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


@pytest.mark.skipif(ALARM_SETUP_MISSING is not None, reason=ALARM_SETUP_MISSING or "")
def test_deploy_runs_alarm_setup_apply_for_the_endpoint(environment):
    result = environment.deploy(*_deployed(environment), "--skip-smoke")
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


@pytest.mark.skipif(RAG_WORKER_MISSING is not None, reason=RAG_WORKER_MISSING or "")
def test_smoke_test_invokes_the_endpoint_through_sagemaker_runtime(environment):
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
