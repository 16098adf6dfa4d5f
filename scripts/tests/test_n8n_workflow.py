"""The example n8n workflow (docs/n8n/rag-worker.workflow.json): its Code nodes run under Node.js
the way n8n runs them; the submit side names no deployment, stamps the submit time and reads both
answers (InvokeEndpoint's and a direct deployment's); the webhook check accepts exactly the worker's
signature scheme and measures the end-to-end latency; the fallback SigV4 signer produces requests
moto_server (authentication on) accepts."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone

import pytest
from standardwebhooks import Webhook

from conftest import require_prerequisite
from deploylib.settings_bridge import REPO_ROOT

WORKFLOW = REPO_ROOT / "docs" / "n8n" / "rag-worker.workflow.json"
SECRET = "whsec-test-0123456789abcdef"
PREPARE = "Prepare invocation (endpoint, submit time)"
READ = "Read the answer"
ISO_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")

# Runs a Code node's JavaScript like n8n's Code node ("Run Once for All Items"): an async function
# body with $input, $env, $vars, $('Node').all(), $getWorkflowStaticData, require, and
# this.helpers.getBinaryDataBuffer. `vars: null` stands for an n8n without Variables ($vars throws).
HARNESS = r"""
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
const items = input.items.map((it) => ({ json: it.json, binary: it.raw === undefined ? undefined
  : { data: { data: Buffer.from(it.raw, 'utf8').toString('base64'), mimeType: 'application/json' } } }));
const context = { helpers: { getBinaryDataBuffer: async (i, name) => Buffer.from(items[i].binary[name].data, 'base64') } };
const staticData = input.staticData;
const vars = input.vars === null ? new Proxy({}, { get: () => { throw new Error('Variables are not enabled'); } })
  : input.vars;
const node = (name) => ({ all: () => (input.nodes[name] || []).map((json) => ({ json })) });
const run = new AsyncFunction('$input', '$env', '$vars', '$', '$getWorkflowStaticData', 'require', input.code);
run.call(context, { all: () => items, first: () => items[0] }, input.env, vars, node, () => staticData, require)
  .then((out) => process.stdout.write(JSON.stringify({ out, staticData })))
  .catch((error) => { process.stderr.write(String(error.message)); process.exit(3); });
"""


@pytest.fixture(autouse=True)
def _node_js():
    require_prerequisite(shutil.which("node") is not None, "Node.js is not installed (scripts/bootstrap installs it)")


def _code(name: str) -> str:
    nodes = {node["name"]: node for node in json.loads(WORKFLOW.read_text())["nodes"]}
    return nodes[name]["parameters"]["jsCode"]


def _node_run(code: str, items: list[dict], env: dict, static: dict | None = None, vars: dict | None = None,
              nodes: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["node", "-e", HARNESS], input=json.dumps(
        {"code": code, "items": items, "env": env, "staticData": static or {}, "vars": vars,
         "nodes": nodes or {}}), capture_output=True, text=True, timeout=60)


def _run(code: str, items: list[dict], env: dict, static: dict | None = None, vars: dict | None = None,
         nodes: dict | None = None) -> tuple[list[dict], dict]:
    result = _node_run(code, items, env, static, vars, nodes)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    return [item["json"] for item in document["out"]], document["staticData"]


def _delivery(body: dict, secret: str = SECRET, timestamp: int | None = None, key: str | None = None,
              tamper: bool = False) -> dict:
    """A webhook delivery as the worker sends it (Sources/RAGWorker/Outbox/WebhookSignature.swift)."""
    raw = json.dumps(body, separators=(",", ":"))
    stamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{stamp}.{raw}".encode(), hashlib.sha256).hexdigest()
    headers = {"x-rag-timestamp": str(stamp), "x-rag-signature": f"v1={mac}",
               "idempotency-key": body["job_id"] if key is None else key, "content-type": "application/json"}
    return {"json": {"headers": headers, "body": body}, "raw": raw + (" " if tamper else "")}


STANDARD_SECRET = "whsec_" + base64.b64encode(bytes(range(32))).decode()
PREVIOUS_STANDARD_SECRET = "whsec_" + base64.b64encode(bytes(range(100, 132))).decode()


def _standard_delivery(body: dict, secrets: tuple[str, ...] = (STANDARD_SECRET,), timestamp: int | None = None,
                       key: str | None = None, tamper: bool = False) -> dict:
    """A delivery with the Standard Webhooks headers, signed by the `standardwebhooks` package itself
    (one `v1,` signature per secret, as the worker signs during a rotation)."""
    raw = json.dumps(body, separators=(",", ":"))
    stamp = int(time.time()) if timestamp is None else timestamp
    message_id = body["job_id"] if key is None else key
    moment = datetime.fromtimestamp(stamp, tz=timezone.utc)
    signature = " ".join(Webhook(secret).sign(message_id, moment, raw) for secret in secrets)
    headers = {"webhook-id": message_id, "webhook-timestamp": str(stamp), "webhook-signature": signature,
               "idempotency-key": message_id, "content-type": "application/json"}
    return {"json": {"headers": headers, "body": body}, "raw": raw + (" " if tamper else "")}


PROPOSAL = {"job_id": "job-42", "status": "succeeded", "proposal": {"text": "Hello"}, "metadata": {}}


def test_webhook_check_verifies_standard_webhooks_signatures_and_either_secret_of_a_rotation():
    verify = _code("Verify signature and de-duplicate")
    (first,), memory = _run(verify, [_standard_delivery(PROPOSAL)], {"RAG_WEBHOOK_SECRET": STANDARD_SECRET})
    assert first["status"] == "accepted" and first["reason"] == "signature verified"
    rotating = {**PROPOSAL, "job_id": "job-rotating"}
    both = _standard_delivery(rotating, secrets=(STANDARD_SECRET, PREVIOUS_STANDARD_SECRET))
    for configured in (STANDARD_SECRET, PREVIOUS_STANDARD_SECRET):
        (verdict,), _ = _run(verify, [both], {"RAG_WEBHOOK_SECRET": configured})
        assert verdict["status"] == "accepted", configured


@pytest.mark.parametrize("make_delivery, reason", [
    (lambda: _standard_delivery(PROPOSAL, tamper=True), "webhook-signature does not match"),
    (lambda: _standard_delivery(PROPOSAL, secrets=(PREVIOUS_STANDARD_SECRET,)), "webhook-signature does not match"),
    (lambda: _standard_delivery(PROPOSAL, timestamp=int(time.time()) - 301), "webhook-timestamp missing or more than 5 minutes"),
    (lambda: _standard_delivery(PROPOSAL, key="job-43"), "webhook-id missing or not the job_id"),
], ids=["tampered body", "wrong secret", "old timestamp", "id is not the job"])
def test_webhook_check_rejects_standard_deliveries_the_worker_did_not_sign(make_delivery, reason):
    (verdict,), memory = _run(_code("Verify signature and de-duplicate"), [make_delivery()],
                              {"RAG_WEBHOOK_SECRET": STANDARD_SECRET})
    assert verdict["status"] == "rejected" and reason in verdict["reason"]
    assert memory.get("ragDeliveries", {}) == {}


def test_webhook_check_accepts_once_then_drops_the_repeat():
    verify = _code("Verify signature and de-duplicate")
    (first,), memory = _run(verify, [_delivery(PROPOSAL)], {"RAG_WEBHOOK_SECRET": SECRET})
    assert first["status"] == "accepted" and first["job_id"] == "job-42" and first["smoke_test"] is False
    assert first["proposal"] == PROPOSAL
    (second,), _ = _run(verify, [_delivery(PROPOSAL)], {"RAG_WEBHOOK_SECRET": SECRET}, memory)
    assert second["status"] == "duplicate"


def test_webhook_check_takes_a_non_ascii_job_id_percent_encoded_in_the_header_and_dedupes_on_the_body():
    """The worker sends Idempotency-Key as the job_id's UTF-8 percent-encoded (Sources/RAGWorker/
    Outbox/WebhookSignature.swift); the signed body's job_id is what is remembered."""
    verify = _code("Verify signature and de-duplicate")
    cafe = {**PROPOSAL, "job_id": "caf\u00e9 42"}
    (first,), memory = _run(verify, [_delivery(cafe, key="caf%C3%A9%2042")], {"RAG_WEBHOOK_SECRET": SECRET})
    assert first["status"] == "accepted" and first["job_id"] == "caf\u00e9 42"
    assert list(memory["ragDeliveries"]) == ["caf\u00e9 42"]
    (again,), _ = _run(verify, [_delivery(cafe, key="caf%C3%A9%2042")], {"RAG_WEBHOOK_SECRET": SECRET}, memory)
    assert again["status"] == "duplicate"


@pytest.mark.parametrize("make_delivery, reason", [
    (lambda: _delivery(PROPOSAL, tamper=True), "X-RAG-Signature does not match"),
    (lambda: _delivery(PROPOSAL, secret="another-secret"), "X-RAG-Signature does not match"),
    (lambda: _delivery(PROPOSAL, timestamp=int(time.time()) - 301), "more than 5 minutes"),
    (lambda: _delivery(PROPOSAL, key="job-43"), "Idempotency-Key missing or not the job_id"),
    (lambda: _delivery(PROPOSAL, key="%E0%A4%A"), "Idempotency-Key missing or not the job_id"),
    (lambda: {"json": {"headers": {}, "body": PROPOSAL}}, 'turn on the Webhook node option "Raw Body"'),
], ids=["tampered body", "wrong secret", "old timestamp", "key is not the job", "malformed key", "no raw body"])
def test_webhook_check_rejects_what_the_worker_did_not_sign(make_delivery, reason):
    (verdict,), memory = _run(_code("Verify signature and de-duplicate"), [make_delivery()],
                              {"RAG_WEBHOOK_SECRET": SECRET})
    assert verdict["status"] == "rejected" and reason in verdict["reason"]
    assert memory.get("ragDeliveries", {}) == {}


def test_webhook_check_accepts_the_previous_secret_while_rotating_and_marks_smoke_tests():
    smoke = {**PROPOSAL, "job_id": "smoke-dev-c-1", "metadata": {"smoke_test": True}}
    (verdict,), _ = _run(_code("Verify signature and de-duplicate"), [_delivery(smoke, secret="old-secret")],
                         {"RAG_WEBHOOK_SECRET": SECRET, "RAG_WEBHOOK_SECRET_PREVIOUS": "old-secret"})
    assert verdict["status"] == "accepted" and verdict["smoke_test"] is True


def test_code_signed_invocation_is_accepted_by_sagemaker_runtime_with_authentication_on(environment):
    """The fallback signer against moto: a correct SigV4 gets the endpoint's answer, a wrong key 403."""
    settings = environment.settings
    environment.moto.client("ecr").create_repository(repositoryName=settings.repository_name)
    environment.push_fake_image("c-0123456789ab")
    deployed = environment.deploy("--skip-cdk", "--role-arn", environment.create_role(), "--skip-build",
                                  "--image-tag", "c-0123456789ab", "--secrets-file",
                                  str(environment.secrets_file()[0]), "--skip-alarms", "--skip-smoke", "--poll", "0.05")
    assert deployed.returncode == 0, deployed.stderr
    answer = {"job_id": "n8n-job-1", "status": "queued", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736"}
    urllib.request.urlopen(urllib.request.Request(
        f"{environment.moto.url}/moto-api/static/sagemaker/endpoint-results", method="POST",
        data=json.dumps({"results": [{"Body": json.dumps(answer), "ContentType": "application/json"}]}).encode(),
        headers={"Content-Type": "application/json"}), timeout=10).read()

    job = {"job_id": "n8n-job-1", "title": "t", "description": "d"}
    (prepared,), _ = _run(_code(PREPARE), [{"json": job}], {}, vars={
        "RAG_AWS_REGION": "us-east-1", "RAG_ENDPOINT_NAME": settings.endpoint_name,
        "RAG_SAGEMAKER_RUNTIME_URL": environment.moto.url})

    def invoke(secret_key: str):
        env = {"RAG_AWS_ACCESS_KEY_ID": environment.moto.access_key, "RAG_AWS_SECRET_ACCESS_KEY": secret_key}
        (signed,), _ = _run(_code("Sign invocation (SigV4 in code)"), [{"json": prepared}], env)
        assert json.loads(signed["body"]) == prepared["job"]
        assert signed["url"] == f"{environment.moto.url}/endpoints/{settings.endpoint_name}/invocations"
        request = urllib.request.Request(signed["url"], data=signed["body"].encode(), method="POST",
                                         headers=signed["headers"])
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    status, body = invoke(environment.moto.secret_key)
    assert status == 200, body
    assert json.loads(body) == answer
    status, body = invoke("not-the-secret")
    assert status == 403 and "SignatureDoesNotMatch" in body


def test_workflow_connects_webhook_to_verification_and_answers_both_ways():
    workflow = json.loads(WORKFLOW.read_text())
    nodes = {node["name"]: node for node in workflow["nodes"]}
    webhook = nodes["RAG Worker webhook"]["parameters"]
    assert webhook["options"]["rawBody"] is True and webhook["responseMode"] == "responseNode"
    invoke = nodes["Invoke endpoint (AWS credential)"]["parameters"]
    assert invoke["nodeCredentialType"] == "aws"
    assert invoke["url"] == "={{ $json.invoke_url }}" and invoke["jsonBody"] == "={{ JSON.stringify($json.job) }}"
    for name in ("Invoke endpoint (AWS credential)", "Invoke endpoint (signed in code)"):
        # Every status reaches "Read the answer" (424 ModelError, 429, 503 included).
        assert nodes[name]["parameters"]["options"]["response"]["response"] == {"fullResponse": True, "neverError": True}
    codes = {nodes["Respond 401"]["parameters"]["options"]["responseCode"],
             nodes["Respond 200"]["parameters"]["options"]["responseCode"]}
    assert codes == {401, 200}
    connections = workflow["connections"]
    for source, targets in connections.items():
        assert source in nodes
        for branch in targets["main"]:
            for target in branch:
                assert target["node"] in nodes, target

    def targets(source: str, branch: int = 0) -> list[str]:
        return [target["node"] for target in connections[source]["main"][branch]]

    assert targets("RAG Worker webhook") == ["Verify signature and de-duplicate"]
    assert targets("Build job") == [PREPARE]
    assert set(targets(PREPARE)) == {"Invoke endpoint (AWS credential)", "Sign invocation (SigV4 in code)"}
    assert targets("Invoke endpoint (AWS credential)") == targets("Invoke endpoint (signed in code)") == [READ]
    assert targets(READ) == ["Retry later?"]
    assert targets("Retry later?", 0) == ["Wait as the answer advised"]
    assert targets("Wait as the answer advised") == [PREPARE]
    wait = nodes["Wait as the answer advised"]["parameters"]
    assert (wait["amount"], wait["unit"]) == ("={{ $json.retry_after_seconds }}", "seconds")
    real = json.dumps(nodes["New real proposal?"]["parameters"])
    assert "$json.smoke_test" in real and "$json.load_test" in real


def test_workflow_names_no_deployment():
    """Endpoint and region come from n8n Variables or the environment, never from the file."""
    text = WORKFLOW.read_text()
    assert "rag-worker-prod" not in text and "rag-worker-dev" not in text
    assert re.findall(r"\b(?:us|eu|ap|sa|ca|me|af|il)-[a-z]+-\d\b", text) == []


# MARK: submit side

JOB = {"job_id": "upwork-1", "title": "t", "description": "d", "metadata": {"source": "n8n"}}
WHERE = {"RAG_AWS_REGION": "eu-west-1", "RAG_ENDPOINT_NAME": "rag-worker-staging"}


def test_prepare_reads_the_endpoint_from_variables_and_stamps_the_submit_time():
    before = time.time()
    (prepared,), _ = _run(_code(PREPARE), [{"json": JOB}], {}, vars=WHERE)
    assert prepared["invoke_url"] == \
        "https://runtime.sagemaker.eu-west-1.amazonaws.com/endpoints/rag-worker-staging/invocations"
    assert prepared["attempt"] == 1
    metadata = prepared["job"]["metadata"]
    assert metadata["source"] == "n8n" and ISO_UTC.fullmatch(metadata["submitted_at"])
    stamped = datetime.strptime(metadata["submitted_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    assert before - 1 <= stamped.timestamp() <= time.time() + 1
    assert {key: value for key, value in prepared["job"].items() if key != "metadata"} == \
        {key: value for key, value in JOB.items() if key != "metadata"}


def test_prepare_falls_back_to_the_environment_and_keeps_the_first_submit_time_on_a_retry():
    retry = {"job": {**JOB, "metadata": {"submitted_at": "2026-12-01T10:00:00.000Z"}}, "attempt": 2}
    (prepared,), _ = _run(_code(PREPARE), [{"json": retry}], WHERE, vars=None)
    assert prepared["invoke_url"].startswith("https://runtime.sagemaker.eu-west-1.amazonaws.com/")
    assert prepared["job"]["metadata"]["submitted_at"] == "2026-12-01T10:00:00.000Z"
    assert prepared["attempt"] == 3


@pytest.mark.parametrize("where, message", [
    ({}, "set RAG_AWS_REGION and RAG_ENDPOINT_NAME"),
    ({"RAG_AWS_REGION": "Frankfurt", "RAG_ENDPOINT_NAME": "e"}, "is not an AWS region name"),
])
def test_prepare_refuses_a_missing_or_wrong_endpoint_setting(where, message):
    result = _node_run(_code(PREPARE), [{"json": JOB}], {}, vars=where)
    assert result.returncode == 3 and message in result.stderr


def _answer(response: dict, attempt: int = 1) -> dict:
    sent = {"job": {**JOB, "metadata": {"submitted_at": "2026-12-01T10:00:00.000Z"}}, "attempt": attempt}
    (read,), _ = _run(_code(READ), [{"json": response}], {}, nodes={PREPARE: [sent]})
    return read


def _model_error(status: int, code: str, fields=()) -> dict:
    worker = json.dumps({"error": {"code": code, "message": "m", "fields": list(fields)}})
    return {"statusCode": 424, "headers": {"Content-Type": "application/json"}, "body": json.dumps({
        "ErrorCode": "CLIENT_ERROR_FROM_MODEL", "OriginalStatusCode": status, "OriginalMessage": worker,
        "Message": f"Received client error ({status}) from primary", "LogStreamArn": "arn:aws:logs:x"})}


def test_read_accepts_the_sagemaker_answer_and_the_direct_one():
    through_sagemaker = _answer({"statusCode": 200, "headers": {"X-Amzn-Invoked-Production-Variant": "AllTraffic"},
                                 "body": {"job_id": "upwork-1", "status": "queued", "trace_id": "t1"}})
    assert (through_sagemaker["outcome"], through_sagemaker["via"], through_sagemaker["trace_id"]) == \
        ("accepted", "sagemaker", "t1")
    assert through_sagemaker["submitted_at"] == "2026-12-01T10:00:00.000Z"
    direct = _answer({"statusCode": 202, "headers": {"location": "/jobs/upwork-1"},
                      "body": json.dumps({"job_id": "upwork-1", "status": "queued", "trace_id": "t2"})})
    assert (direct["outcome"], direct["via"], direct["location"]) == ("accepted", "direct", "/jobs/upwork-1")
    known = _answer({"statusCode": 200, "headers": {}, "body": {"job_id": "upwork-1", "status": "succeeded"}})
    assert (known["outcome"], known["job_status"]) == ("existing", "succeeded")


def test_read_retries_what_the_worker_refused_for_now_with_or_without_retry_after():
    backlog = _answer(_model_error(429, "backlog_full"))
    assert (backlog["outcome"], backlog["status_code"], backlog["via"], backlog["retry_after_seconds"]) == \
        ("retry", 429, "sagemaker", 10)
    assert backlog["job"]["job_id"] == "upwork-1" and backlog["attempt"] == 1
    assert _answer(_model_error(503, "unavailable"))["retry_after_seconds"] == 5
    direct = _answer({"statusCode": 429, "headers": {"Retry-After": "7"},
                      "body": {"error": {"code": "backlog_full", "message": "m", "fields": []}}})
    assert (direct["outcome"], direct["retry_after_seconds"], direct["via"]) == ("retry", 7, "direct")
    given_up = _answer(_model_error(503, "unavailable"), attempt=5)
    assert given_up["outcome"] == "error" and "after 5 attempts" in given_up["reason"]


def test_read_refuses_a_bad_job_and_reports_sagemakers_own_errors():
    invalid = _answer(_model_error(422, "invalid_request", [{"path": "title", "problem": "is required"}]))
    assert invalid["outcome"] == "refused" and invalid["error"]["fields"] == [{"path": "title", "problem": "is required"}]
    denied = _answer({"statusCode": 403, "headers": {"x-amzn-ErrorType": "AccessDeniedException"},
                      "body": {"message": "not authorized to perform: sagemaker:InvokeEndpoint"}})
    assert denied["outcome"] == "error" and "403" in denied["reason"] and "InvokeEndpoint" in denied["reason"]


def test_read_skips_what_a_disabled_invocation_node_passed_through():
    (prepared,), _ = _run(_code(PREPARE), [{"json": JOB}], {}, vars=WHERE)
    out, _ = _run(_code(READ), [{"json": prepared}], {}, nodes={PREPARE: [prepared]})
    assert out == []


# MARK: end-to-end latency on the webhook side

def test_webhook_check_measures_the_latency_from_the_submit_time():
    def verdict(seconds_ago: float) -> dict:
        submitted = datetime.fromtimestamp(time.time() - seconds_ago, timezone.utc)
        body = {**PROPOSAL, "job_id": f"job-{int(seconds_ago)}", "timings": {"total_ms": 41000},
                "metadata": {"submitted_at": submitted.isoformat(timespec="milliseconds").replace("+00:00", "Z")}}
        (result,), _ = _run(_code("Verify signature and de-duplicate"), [_delivery(body)], {"RAG_WEBHOOK_SECRET": SECRET})
        return result

    quick, slow = verdict(45), verdict(150)
    assert quick["status"] == "accepted" and quick["within_120s"] is True and quick["worker_seconds"] == 41
    assert 45 <= quick["end_to_end_seconds"] < 45 + 30, "measured from metadata.submitted_at"
    assert slow["within_120s"] is False and slow["end_to_end_seconds"] >= 150
    (unknown,), _ = _run(_code("Verify signature and de-duplicate"), [_delivery(PROPOSAL)], {"RAG_WEBHOOK_SECRET": SECRET})
    assert unknown["end_to_end_seconds"] is None and unknown["within_120s"] is None and unknown["load_test"] is False
