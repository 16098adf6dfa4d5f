"""The worker's traces over OTLP/HTTP, read back by a receiver that decodes them with the official
`opentelemetry-proto` package: every stage span of every job, linked and typed as documented, with
the trace ids of the 202 answers, the webhook deliveries and the log lines (docs/observability.md,
"Traces over OTLP")."""

from __future__ import annotations

import subprocess
import time

import pytest

from conftest import OTLPReceiver, job, wait_until, worker_binary
from otlp_receiver import verify_sigv4

STAGES = ["rag.embed", "rag.retrieve", "rag.keyword-boost", "rag.rerank", "rag.generate", "rag.persist"]
MODEL_CALLS = {"rag.embed": "embeddings text-embedding-3-small", "rag.generate": "chat gpt-4o-mini",
               "rag.rerank": "retrieval rerank-v3.5"}
HEADER_SECRET = "otlp-header-secret-0123456789"


def by_trace(receiver: OTLPReceiver) -> dict[str, list[dict]]:
    traces: dict[str, list[dict]] = {}
    for span in receiver.spans():
        traces.setdefault(span["trace_id"], []).append(span)
    return traces


def complete(spans: list[dict]) -> bool:
    """The trace holds its root, the run, every stage up to generate and the delivery (a failed
    generation has no persist)."""
    names = {span["name"] for span in spans}
    return {"rag.validate", "rag.job", "rag.webhook"} <= names and set(STAGES[:-1]) <= names


def check_trace(spans: list[dict], job_id: str, failed: bool) -> None:
    """Parent/child links, kinds, status and GenAI attributes of one job's trace."""
    named = {}
    for span in spans:
        named.setdefault(span["name"], []).append(span)
    (root,) = named["rag.validate"]
    (run,) = named["rag.job"]
    assert root["kind"] == "SPAN_KIND_SERVER" and root["parent_span_id"] is None
    assert root["attributes"]["rag.job.id"] == job_id
    assert run["kind"] == "SPAN_KIND_CONSUMER" and run["parent_span_id"] == root["span_id"]
    stages = STAGES[:-1] if failed else STAGES
    assert ("rag.persist" in named) == (not failed)
    for stage in stages:
        (span,) = named[stage]
        assert span["kind"] == "SPAN_KIND_INTERNAL", stage
        assert span["parent_span_id"] == run["span_id"], stage
        assert span["attributes"]["rag.job.id"] == job_id
    for delivery in named["rag.webhook"]:
        assert delivery["kind"] == "SPAN_KIND_CLIENT"
        assert delivery["parent_span_id"] == root["span_id"]
    # Model calls: a client span per attempt under the stage, with the GenAI attributes.
    for stage, name in MODEL_CALLS.items():
        (parent,) = named[stage]
        calls = [s for s in spans if s["parent_span_id"] == parent["span_id"]]
        assert calls, f"no client span under {stage}"
        for call in calls:
            assert call["name"] == name and call["kind"] == "SPAN_KIND_CLIENT"
            assert call["attributes"]["gen_ai.request.model"] == name.split(" ")[1]
            assert call["attributes"]["gen_ai.operation.name"] == name.split(" ")[0]
        assert parent["attributes"]["gen_ai.request.model"] == name.split(" ")[1]
    (embed,) = named["rag.embed"]
    assert embed["attributes"]["gen_ai.usage.input_tokens"] > 0
    (generate,) = named["rag.generate"]
    if failed:
        assert generate["status"] == "STATUS_CODE_ERROR" and run["status"] == "STATUS_CODE_ERROR"
        assert any(event["name"] == "exception" and event["attributes"].get("exception.type") for event in generate["events"])
        calls = [s for s in spans if s["parent_span_id"] == generate["span_id"]]
        assert calls[-1]["status"] == "STATUS_CODE_ERROR" and calls[-1]["attributes"]["http.response.status_code"] == 400
    else:
        assert generate["status"] == "STATUS_CODE_UNSET" and run["status"] == "STATUS_CODE_UNSET"
        assert generate["attributes"]["gen_ai.usage.output_tokens"] > 0


@pytest.mark.parametrize("protocol", ["http/protobuf", "http/json"])
def test_every_stage_span_of_every_job_reaches_the_receiver(start_worker, provider_doubles, protocol):
    receiver = OTLPReceiver().start()
    try:
        worker = start_worker({
            "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url, "OTEL_EXPORTER_OTLP_PROTOCOL": protocol,
            "OTEL_EXPORTER_OTLP_HEADERS": f"x-test-key={HEADER_SECRET}", "OTEL_BSP_SCHEDULE_DELAY": "200",
            "OTEL_RESOURCE_ATTRIBUTES": "service.version=9.9.9-test,deployment.environment.name=otlp-test",
            "AWS_REGION": "us-east-1",
        })
        jobs = [job("ok-1"), job("ok-2"), job("ok-3"), job("failing", fail=True)]
        answers = {document["job_id"]: worker.post(document) for document in jobs}
        deliveries = {job_id: provider_doubles.webhook.wait_for(job_id, timeout=90) for job_id in answers}
        traces = wait_until(lambda: (t := by_trace(receiver)) and all(complete(t.get(a["trace_id"], [])) for a in answers.values()) and t,
                            timeout=30, what="every job's spans at the receiver")

        for document in jobs:
            job_id = document["job_id"]
            trace_id = answers[job_id]["trace_id"]
            delivery = deliveries[job_id]
            # One id everywhere: the 202 answer, the webhook body and header, the OTLP trace.
            assert delivery.body["trace_id"] == trace_id
            assert delivery.headers["traceparent"].split("-")[1] == trace_id
            assert delivery.body["status"] == ("failed" if "fail" in job_id else "succeeded")
            check_trace(traces[trace_id], job_id, failed="fail" in job_id)
            webhook_span = next(s for s in traces[trace_id] if s["name"] == "rag.webhook")
            assert delivery.headers["traceparent"].split("-")[2] == webhook_span["span_id"]

        requests = receiver.accepted()
        assert {r.content_type for r in requests} == {"application/json" if protocol == "http/json" else "application/x-protobuf"}
        assert all(r.content_encoding == "gzip" and r.headers["x-test-key"] == HEADER_SECRET for r in requests)
        resource = requests[0].resource
        assert resource["service.name"] == "rag-worker"
        assert resource["service.version"] == "9.9.9-test"
        assert resource["deployment.environment.name"] == "otlp-test"
        assert resource["cloud.provider"] == "aws" and resource["cloud.region"] == "us-east-1"
        assert resource["rag.endpoint.name"] == "otlp-test"

        # The log lines carry the same trace id, and its X-Ray form; the header's secret never shows.
        lines = [line for line in worker.lines() if line.get("job.id") in answers]
        assert lines
        for line in lines:
            trace_id = answers[line["job.id"]]["trace_id"]
            assert line["trace.id"] == trace_id
            assert line["xray.trace.id"] == f"1-{trace_id[:8]}-{trace_id[8:]}"
        assert HEADER_SECRET not in worker.log.read_text()
    finally:
        receiver.stop()


def test_sampler_always_off_still_exports_the_failed_job(start_worker, provider_doubles):
    receiver = OTLPReceiver().start()
    try:
        worker = start_worker({"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url, "OTEL_BSP_SCHEDULE_DELAY": "200",
                               "OTEL_TRACES_SAMPLER": "always_off"})
        quick, failing = job("quick"), job("sampled-failing", fail=True)
        answers = [worker.post(document) for document in (quick, failing)]
        for document in (quick, failing):
            provider_doubles.webhook.wait_for(document["job_id"], timeout=90)
        traces = wait_until(lambda: (t := by_trace(receiver)) and complete(t.get(answers[1]["trace_id"], [])) and t,
                            timeout=30, what="the failed job's trace")
        check_trace(traces[answers[1]["trace_id"]], failing["job_id"], failed=True)
        time.sleep(1)  # a few more flushes: the quick job's spans stay out
        assert answers[0]["trace_id"] not in by_trace(receiver)
    finally:
        receiver.stop()


@pytest.mark.parametrize("pointed_by", ["AWS_ENDPOINT_URL_XRAY", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"])
def test_xray_requests_carry_a_sigv4_signature_for_xray_that_botocore_verifies(start_worker, provider_doubles, pointed_by):
    access_key, secret_key = "AKIAOTLPTEST00000001", "otlp/test/secret/key/0123456789abcdefghij"
    receiver = OTLPReceiver(sigv4=(access_key, secret_key, "us-east-1", "xray")).start()
    try:
        # The AWS SDKs' endpoint variable, or the OTLP one (a VPC endpoint, a proxy): either way signed for xray.
        endpoint = receiver.url if pointed_by == "AWS_ENDPOINT_URL_XRAY" else receiver.url + "/v1/traces"
        worker = start_worker({
            "RAG_XRAY": "on", "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": access_key, "AWS_SECRET_ACCESS_KEY": secret_key,
            pointed_by: endpoint, "OTEL_BSP_SCHEDULE_DELAY": "200",
        })
        answer = worker.post(job("xray"))
        wait_until(lambda: complete(by_trace(receiver).get(answer["trace_id"], [])), timeout=90, what="the job's trace at /v1/traces")
        assert receiver.requests and all(r.sigv4 == "ok" for r in receiver.requests), [r.sigv4 for r in receiver.requests]
        # The same check refuses a signature made with another secret: it is not a formality.
        last = receiver.raw[-1]
        assert verify_sigv4("POST", "/v1/traces", last.headers, last.body, (access_key, secret_key, "us-east-1", "xray")) == "ok"
        assert verify_sigv4("POST", "/v1/traces", last.headers, last.body,
                            (access_key, "another/secret/key/0123456789abcdefghij", "us-east-1", "xray")) != "ok"
        assert "x-amz-date" in last.headers["authorization"].split("SignedHeaders=")[1]
        resource = receiver.accepted()[0].resource
        assert resource["aws.log.group.names"] == ["/aws/sagemaker/Endpoints/otlp-test"]
    finally:
        receiver.stop()


def test_receiver_down_then_up_nothing_blocks_drops_are_counted_and_exports_resume(start_worker, provider_doubles):
    from harness.processes import free_port

    port = free_port()
    worker = start_worker({
        "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{port}", "OTEL_BSP_SCHEDULE_DELAY": "200",
        "OTEL_BSP_MAX_QUEUE_SIZE": "100", "RAG_METRICS_INTERVAL_SECONDS": "1", "OTEL_EXPORTER_OTLP_TIMEOUT": "2000",
    })
    down = [job(f"down-{index}") for index in range(12)]
    answers = [worker.post(document) for document in down]
    # Nothing blocks: intake answers at once and every job is delivered while the collector is down.
    assert max(answer["seconds"] for answer in answers) < 5
    for document in down:
        provider_doubles.webhook.wait_for(document["job_id"], timeout=120)
    wait_until(lambda: worker.metric_sum("TelemetryDropped") > 0, timeout=30, what="TelemetryDropped in the ring buffer")
    wait_until(lambda: worker.metric_sum("TelemetryExportFailures", Provider="otlp") > 0, timeout=30,
               what="TelemetryExportFailures for Provider=otlp")
    def failing() -> list[dict]:
        return [line for line in worker.lines() if "export failing" in line.get("message", "")]

    # The failure is counted before its warning reaches stdout: wait for the line, then check it is the only one.
    wait_until(failing, timeout=10, what="the export-failing warning")
    time.sleep(1)
    assert len(failing()) == 1, failing()

    receiver = OTLPReceiver(port=port).start()
    try:
        later = job("after-outage")
        answer = worker.post(later)
        provider_doubles.webhook.wait_for(later["job_id"], timeout=90)
        wait_until(lambda: complete(by_trace(receiver).get(answer["trace_id"], [])), timeout=60, what="exports to resume")
        wait_until(lambda: any("export resumed" in line.get("message", "") for line in worker.lines()), timeout=10,
                   what="the resume log line")
        assert worker.metric_sum("TelemetryExportCalls", Provider="otlp") > 0
    finally:
        receiver.stop()


def test_sigterm_flushes_the_spans_still_queued(start_worker, provider_doubles):
    receiver = OTLPReceiver().start()
    try:
        # A schedule far longer than the test: only the shutdown flush can send these spans.
        worker = start_worker({"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url, "OTEL_BSP_SCHEDULE_DELAY": "600000"})
        documents = [job("flush-1"), job("flush-2")]
        answers = [worker.post(document) for document in documents]
        for document in documents:
            provider_doubles.webhook.wait_for(document["job_id"], timeout=90)
        wait_until(lambda: sum(1 for line in worker.lines() if line.get("message") == "job succeeded") >= 2, timeout=10,
                   what="both jobs to finish")
        time.sleep(0.5)  # the deliveries' spans end after the webhook answered
        assert receiver.requests == [], "spans left before shutdown; the test would prove nothing"
        assert worker.stop() == 0
        traces = by_trace(receiver)
        for answer in answers:
            assert complete(traces.get(answer["trace_id"], [])), sorted(s["name"] for s in traces.get(answer["trace_id"], []))
    finally:
        receiver.stop()


def _run(arguments: list[str], extra: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    from harness import processes

    environment = processes.clean_environment({"RAG_DATA_DIR": str(tmp_path / "data"), **extra})
    return subprocess.run([str(worker_binary()), *arguments], env=environment, capture_output=True, text=True, timeout=60)


def test_config_shows_the_exporter_with_its_header_names_and_never_their_values(tmp_path):
    result = _run(["config"], {"OTEL_EXPORTER_OTLP_ENDPOINT": "https://collector.example:4318",
                               "OTEL_EXPORTER_OTLP_HEADERS": f"x-honeycomb-team={HEADER_SECRET}"}, tmp_path)
    assert result.returncode == 0, result.stderr
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("traces (otlp)")]
    assert "collector.example" in line and "x-honeycomb-team (redacted)" in line
    assert HEADER_SECRET not in result.stdout + result.stderr


@pytest.mark.parametrize(("variable", "value"), [
    ("OTEL_EXPORTER_OTLP_ENDPOINT", "ftp://collector.example"),
    ("OTEL_EXPORTER_OTLP_HEADERS", f"no-equals-sign-{HEADER_SECRET}"),
    ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
    ("OTEL_TRACES_SAMPLER", "sometimes"),
])
def test_a_bad_otlp_setting_stops_start_up_naming_the_variable(tmp_path, variable, value):
    extra = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", variable: value, "PORT": "0"}
    result = _run(["serve"], extra, tmp_path)
    assert result.returncode == 78, result.stdout[-2000:] + result.stderr[-2000:]
    output = result.stdout + result.stderr
    assert variable in output
    assert HEADER_SECRET not in output
