"""The deploy script's pieces that need no AWS: the secrets file, the content tag, the cdk command,
the UpdateEndpoint request (moto has no UpdateEndpoint), the wait loop, the smoke job."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from datetime import datetime, timezone

import boto3
import pytest
from botocore.stub import ANY, Stubber

from deploylib import endpoint
from deploylib.content_tag import UncommittedInputsError, committed_tag, content_tag
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
    ({"BASIC_AUTH_USER": "admin"}, "BASIC_AUTH_USER: not for a SageMaker endpoint"),
    ({"BASIC_AUTH_USER": "admin", "BASIC_AUTH_PASS": "pw"}, "BASIC_AUTH_USER, BASIC_AUTH_PASS: not for a SageMaker"),
    ({"BASIC_AUTH_PASS": "pw"}, "every invocation would get 401"),
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


def test_payload_without_a_shared_store_needs_supabase_and_refuses_a_database_url():
    # shared_store: false in infra/settings.json promises no DATABASE_URL (one instance, SQLite jobs).
    without_database = {key: value for key, value in REQUIRED.items() if key != "DATABASE_URL"}
    assert json.loads(secret_payload(without_database, shared_store=False)) == without_database
    with pytest.raises(SecretsFileError, match="DATABASE_URL is set but infra/settings.json says shared_store: false"):
        secret_payload(REQUIRED, shared_store=False)
    no_supabase = {key: value for key, value in without_database.items() if not key.startswith("SUPABASE_")}
    with pytest.raises(SecretsFileError, match="missing or empty: SUPABASE_URL, SUPABASE_KEY .shared_store is false"):
        secret_payload(no_supabase, shared_store=False)


def test_deploy_holds_the_secrets_file_to_the_shared_store_setting_before_any_change(tmp_path, capsys):
    from deploylib import deploy

    document = json.loads((REPO_ROOT / "infra" / "settings.json").read_text())
    document["environments"]["dev"].update({"shared_store": False, "max_instances": 1})
    settings = tmp_path / "settings.json"
    settings.write_text(json.dumps(document))
    secrets = tmp_path / "dev.env"
    secrets.write_text("".join(f"{key}={value}\n" for key, value in REQUIRED.items()))
    # No AWS endpoint answers here: the check must stop the deploy before its first call.
    status = deploy.main(["--env", "dev", "--settings", str(settings), "--secrets-file", str(secrets),
                          "--endpoint-url", "http://127.0.0.1:9"])
    error = capsys.readouterr().err
    assert status == 1
    assert "DATABASE_URL is set but infra/settings.json says shared_store: false" in error
    assert "postgresql://u:p@h" not in error


@pytest.mark.parametrize("url", ["http://127.0.0.1:8123/webhook/x", "http://localhost:5678/webhook/x",
                                 "http://[::1]:5678/webhook/x"])
def test_payload_accepts_plain_http_only_on_the_loopback(url):
    # A local run or the deployment rehearsal (tests/rehearsal) has its receiver on this machine.
    assert json.loads(secret_payload({**REQUIRED, "WEBHOOK_URL": url}))["WEBHOOK_URL"] == url


# MARK: content tag

def _git(root, *args):
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def _repository(root):
    """A git repository with the image inputs committed, a README, and Package.resolved ignored."""
    (root / "Sources" / "App").mkdir(parents=True)
    (root / "Dockerfile").write_text("FROM swift:6.1\n")
    (root / "Package.swift").write_text("// swift-tools-version: 6.1\n")
    (root / "Sources" / "App" / "main.swift").write_text("print(1)\n")
    (root / "README.md").write_text("docs\n")
    (root / ".gitignore").write_text("Package.resolved\n.build/\n")
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "first")
    return root


def _commit(root, message="change"):
    _git(root, "add", "-A")
    _git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", message)


def test_content_tag_follows_the_committed_sources_and_nothing_else(tmp_path):
    root = _repository(tmp_path / "repo")
    first = content_tag(root)
    assert first.startswith("c-") and len(first) == 14
    (root / "README.md").write_text("other docs\n")
    _commit(root)
    assert content_tag(root) == first
    (root / "Sources" / "App" / "main.swift").write_text("print(2)\n")
    _commit(root)
    changed = content_tag(root)
    assert changed != first
    (root / "Sources" / "App" / "main.swift").write_text("print(1)\n")
    _commit(root)
    assert content_tag(root) == first


def test_ignored_files_never_change_the_tag_so_clones_of_one_commit_agree(tmp_path):
    root = _repository(tmp_path / "repo")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(root), str(clone)], check=True)
    # Package.resolved is git-ignored, and each machine's differs (its own resolve, its own mirror).
    (root / "Package.resolved").write_text('{"pins": [{"identity": "swift-nio", "revision": "aaaa"}]}\n')
    (clone / "Package.resolved").write_text('{"pins": [{"identity": "swift-nio", "revision": "bbbb"}]}\n')
    (clone / ".build").mkdir()
    (clone / ".build" / "artifact").write_text("x")
    assert content_tag(root) == content_tag(clone)


def test_uncommitted_input_changes_are_refused_or_marked_dirty(tmp_path):
    root = _repository(tmp_path / "repo")
    committed = content_tag(root)
    (root / "Sources" / "App" / "main.swift").write_text("print(3)\n")
    (root / "Sources" / "App" / "New.swift").write_text("let x = 1\n")
    with pytest.raises(UncommittedInputsError, match="Sources/App/New.swift, Sources/App/main.swift"):
        content_tag(root)
    dirty = content_tag(root, allow_uncommitted=True)
    assert dirty.startswith("dirty-") and dirty != committed
    assert committed_tag(root) == committed  # HEAD's tag is unchanged by the working tree
    (root / "README.md").write_text("edited, not an image input\n")
    (root / "Sources" / "App" / "main.swift").write_text("print(1)\n")
    (root / "Sources" / "App" / "New.swift").unlink()
    assert content_tag(root) == committed


def test_content_tag_of_this_repository_is_the_tag_of_a_fresh_clone_of_its_commit(tmp_path):
    """The committed tag depends on the commit alone: a clone (no Package.resolved, no .build)
    gives the same one, whatever this checkout holds besides."""
    head = subprocess.run(["git", "-C", str(REPO_ROOT), "rev-parse", "HEAD"], check=True, capture_output=True,
                          text=True).stdout.strip()
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--shared", "--no-checkout", str(REPO_ROOT), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "-q", head], check=True)
    (clone / "Package.resolved").write_text('{"pins": []}\n')
    assert content_tag(clone) == committed_tag(REPO_ROOT)


def test_the_image_records_the_dependency_versions_it_resolved():
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    build, _, runtime = dockerfile.partition("\nFROM ubuntu")
    assert "RUN swift package resolve" in build
    assert "COPY Package.resolved" not in dockerfile, "the image resolves for itself; the local file is not used"
    assert "COPY --from=build /build/Package.resolved /opt/rag-worker/Package.resolved" in runtime


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


# MARK: prerequisites

def test_a_missing_prerequisite_skips_locally_and_fails_under_ci(monkeypatch):
    from conftest import require_prerequisite

    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no tool"):
        require_prerequisite(False, "no tool")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="no tool .CI=true"):
        require_prerequisite(False, "no tool")
    require_prerequisite(True, "present: nothing happens")
