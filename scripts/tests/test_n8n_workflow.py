"""The example n8n workflow (docs/n8n/rag-worker.workflow.json): its Code nodes run under Node.js
the way n8n runs them, the webhook check accepts exactly the worker's signature scheme, and the
fallback SigV4 signer produces requests moto_server (authentication on) accepts."""

from __future__ import annotations

import hashlib
import hmac
import json
import shutil
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from deploylib.settings_bridge import REPO_ROOT

WORKFLOW = REPO_ROOT / "docs" / "n8n" / "rag-worker.workflow.json"
SECRET = "whsec-test-0123456789abcdef"

# Runs a Code node's JavaScript like n8n's Code node ("Run Once for All Items"): an async function
# body with $input, $env, $getWorkflowStaticData, require, and this.helpers.getBinaryDataBuffer.
HARNESS = r"""
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
const items = input.items.map((it) => ({ json: it.json, binary: it.raw === undefined ? undefined
  : { data: { data: Buffer.from(it.raw, 'utf8').toString('base64'), mimeType: 'application/json' } } }));
const context = { helpers: { getBinaryDataBuffer: async (i, name) => Buffer.from(items[i].binary[name].data, 'base64') } };
const staticData = input.staticData;
const run = new AsyncFunction('$input', '$env', '$getWorkflowStaticData', 'require', input.code);
run.call(context, { all: () => items, first: () => items[0] }, input.env, () => staticData, require)
  .then((out) => process.stdout.write(JSON.stringify({ out, staticData })))
  .catch((error) => { process.stderr.write(String(error.message)); process.exit(3); });
"""

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")


def _code(name: str) -> str:
    nodes = {node["name"]: node for node in json.loads(WORKFLOW.read_text())["nodes"]}
    return nodes[name]["parameters"]["jsCode"]


def _run(code: str, items: list[dict], env: dict, static: dict | None = None) -> tuple[list[dict], dict]:
    result = subprocess.run(["node", "-e", HARNESS], input=json.dumps(
        {"code": code, "items": items, "env": env, "staticData": static or {}}),
        capture_output=True, text=True, timeout=60)
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


PROPOSAL = {"job_id": "job-42", "status": "succeeded", "proposal": {"text": "Hello"}, "metadata": {}}


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

    def invoke(secret_key: str):
        env = {"RAG_AWS_REGION": "us-east-1", "RAG_ENDPOINT_NAME": settings.endpoint_name,
               "RAG_AWS_ACCESS_KEY_ID": environment.moto.access_key, "RAG_AWS_SECRET_ACCESS_KEY": secret_key,
               "RAG_SAGEMAKER_RUNTIME_URL": environment.moto.url}
        (signed,), _ = _run(_code("Sign invocation (SigV4 in code)"), [{"json": job}], env)
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
    assert nodes["Invoke endpoint (AWS credential)"]["parameters"]["nodeCredentialType"] == "aws"
    assert nodes["Invoke endpoint (AWS credential)"]["parameters"]["url"].startswith(
        "https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/")
    codes = {nodes["Respond 401"]["parameters"]["options"]["responseCode"],
             nodes["Respond 200"]["parameters"]["options"]["responseCode"]}
    assert codes == {401, 200}
    connections = workflow["connections"]
    for source, targets in connections.items():
        assert source in nodes
        for branch in targets["main"]:
            for target in branch:
                assert target["node"] in nodes, target
    assert connections["RAG Worker webhook"]["main"][0][0]["node"] == "Verify signature and de-duplicate"
