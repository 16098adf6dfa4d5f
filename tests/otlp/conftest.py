"""The worker binary (the debug build `make test` makes, or $RAG_WORKER_BIN) run against the
loopback OTLP receiver of scripts/testing/otlp_receiver.py and the provider doubles of the
rehearsal (OpenAI, Cohere, the n8n webhook)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "rehearsal"))
sys.path.insert(0, str(ROOT / "scripts" / "testing"))

from harness import doubles, processes  # noqa: E402
from otlp_receiver import OTLPReceiver  # noqa: E402,F401

OPENAI_KEY = "sk-otlp-test-0123456789abcdef"
COHERE_KEY = "co-otlp-test-0123456789abcdef"
WEBHOOK_SECRET = "whsec-otlp-test-0123456789abcdef"
FAIL_MARKER = "[fail-generation]"
"""A job whose title holds this gets a 400 from the OpenAI double's chat completions."""


class FailingOpenAI(doubles.OpenAIDouble):
    """The rehearsal's OpenAI double, refusing the chat completion of jobs marked to fail."""

    def chat(self, body: dict):
        if any(FAIL_MARKER in (message.get("content") or "") for message in body.get("messages") or []):
            return 400, {"Content-Type": "application/json"}, json.dumps(
                {"error": {"message": "scripted refusal", "type": "invalid_request_error", "code": "scripted"}}).encode()
        return super().chat(body)


def worker_binary() -> Path:
    return Path(os.environ.get("RAG_WORKER_BIN") or ROOT / ".build" / "debug" / "rag-worker")


@dataclass
class Doubles:
    openai: FailingOpenAI
    cohere: doubles.CohereDouble
    webhook: doubles.WebhookReceiver

    def environment(self) -> dict[str, str]:
        return {
            "OPENAI_API_KEY": OPENAI_KEY, "OPENAI_BASE_URL": self.openai.base_url,
            "COHERE_API_KEY": COHERE_KEY, "COHERE_BASE_URL": self.cohere.base_url,
            "WEBHOOK_URL": self.webhook.url, "WEBHOOK_SECRET": WEBHOOK_SECRET,
        }


@pytest.fixture(scope="session")
def provider_doubles():
    schema = json.loads((ROOT / "Sources/RAGPipeline/Resources/prompts/proposal.schema.json").read_text())
    found = Doubles(FailingOpenAI(OPENAI_KEY, schema), doubles.CohereDouble(COHERE_KEY), doubles.WebhookReceiver(WEBHOOK_SECRET))
    yield found
    for server in (found.openai.server, found.cohere.server, found.webhook.server):
        server.stop()


@pytest.fixture(scope="session")
def ingested(provider_doubles, tmp_path_factory) -> Path:
    """A data directory whose document store holds the sample corpus, embedded by the double."""
    binary = worker_binary()
    assert binary.exists(), f"{binary} is missing: run `swift build --build-tests` (make test does)"
    directory = tmp_path_factory.mktemp("ingested")
    result = subprocess.run([str(binary), "ingest", "--sample"], capture_output=True, text=True, timeout=300,
                            env=processes.clean_environment({**provider_doubles.environment(), "RAG_DATA_DIR": str(directory)}))
    assert result.returncode == 0, result.stdout + result.stderr
    return directory


@dataclass
class Worker:
    """One `rag-worker serve` process."""

    process: subprocess.Popen
    port: int
    log: Path
    data: Path
    accepted: list[dict] = field(default_factory=list)

    def post(self, job: dict) -> dict:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/invocations", data=json.dumps(job).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        started = time.monotonic()
        with urllib.request.urlopen(request, timeout=10) as response:
            answer = json.loads(response.read())
            assert response.status == 202, answer
        answer["seconds"] = time.monotonic() - started
        self.accepted.append(answer)
        return answer

    def lines(self) -> list[dict]:
        """The JSON log lines the worker printed so far."""
        found = []
        for line in self.log.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                try:
                    found.append(json.loads(line))
                except ValueError:
                    pass
        return found

    def metric_sum(self, name: str, **dimensions: str) -> float:
        """The sum of `name` over every interval the ring buffer holds, for these dimensions."""
        database = sqlite3.connect(f"file:{self.data / 'telemetry.sqlite'}?mode=ro", uri=True, timeout=10)
        try:
            rows = database.execute("SELECT payload FROM records WHERE kind = 'metric' AND name = ?", (name,)).fetchall()
        finally:
            database.close()
        total = 0.0
        for (payload,) in rows:
            document = json.loads(payload)
            if all(document.get("dimensions", {}).get(key) == value for key, value in dimensions.items()):
                total += document.get("sum") or 0
        return total

    def stop(self) -> int | None:
        return processes.stop(self.process, grace=40)


@pytest.fixture
def start_worker(provider_doubles, ingested, tmp_path):
    started: list[Worker] = []

    def start(extra: dict[str, str], name: str = "worker") -> Worker:
        data = tmp_path / name
        shutil.copytree(ingested, data)
        port = processes.free_port()
        log = tmp_path / f"{name}.log"
        environment = processes.clean_environment({
            **provider_doubles.environment(), "RAG_DATA_DIR": str(data), "PORT": str(port), "HOST": "127.0.0.1",
            "RAG_ENDPOINT_NAME": "otlp-test", "RAG_WEBHOOK_BACKOFF_BASE_SECONDS": "0.2", **extra,
        })
        for key in [k for k, v in environment.items() if v is None]:
            del environment[key]
        process = processes.start([worker_binary(), "serve"], log=log, env=environment)
        worker = Worker(process, port, log, data)
        started.append(worker)
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=2) as response:
                    if response.status == 200:
                        return worker
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the worker did not start:\n{processes.tail(log)}")
            time.sleep(0.1)

    yield start
    for worker in started:
        worker.stop()


def job(name: str, fail: bool = False) -> dict:
    """The sample job with its own id (and the failure marker in its title when `fail`)."""
    document = json.loads((ROOT / "fixtures/jobs/rag-chatbot.json").read_text())
    document["job_id"] = f"otlp-{name}-{time.monotonic_ns()}"
    if fail:
        document["title"] += f" {FAIL_MARKER}"
    return document


def wait_until(predicate, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)
