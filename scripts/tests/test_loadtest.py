"""scripts/loadtest: unique job ids at a steady rate through SageMaker Runtime, and the worker's
answers counted as InvokeEndpoint delivers them (200 with the body; ModelError 424 for its 429/503).
Against moto with authentication on (the deployer policy), and against a loopback SageMaker Runtime
that answers as the real one does for a worker under load."""

from __future__ import annotations

import json
import re
import threading
import urllib.request
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from deploylib.errors import DeployError
from deploylib.loadtest import default_rate_per_minute, job_documents, parse_rate, schedule, stamped
from deploylib.settings_bridge import PLANNING_SERVICE_SECONDS, load_settings

TAG = "c-10ad10ad10ad"


def _deployed(environment) -> None:
    environment.moto.client("ecr").create_repository(repositoryName=environment.settings.repository_name)
    environment.push_fake_image(TAG)
    result = environment.deploy("--skip-cdk", "--role-arn", environment.create_role(), "--skip-build", "--image-tag",
                                TAG, "--secrets-file", str(environment.secrets_file()[0]), "--skip-alarms",
                                "--skip-smoke", "--poll", "0.05")
    assert result.returncode == 0, result.stderr


def test_loadtest_through_moto_counts_every_job_accepted(environment):
    _deployed(environment)
    answers = [{"Body": json.dumps({"job_id": f"x-{n}", "status": "queued", "trace_id": "0" * 32}),
                "ContentType": "application/json"} for n in range(12)]
    urllib.request.urlopen(urllib.request.Request(
        f"{environment.moto.url}/moto-api/static/sagemaker/endpoint-results", method="POST",
        data=json.dumps({"results": answers}).encode(), headers={"Content-Type": "application/json"}), timeout=10)
    result = environment.deploy("--jobs", "12", "--rate", "1200/min", "--run-id", "moto1", script="loadtest")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "12 jobs at 1200/min" in result.stdout
    assert "ids load-moto1-1 … load-moto1-12" in result.stdout
    assert "done: sent 12, accepted 12, rejected 0, already known 0, errors 0" in result.stdout


class _Runtime(BaseHTTPRequestHandler):
    """SageMaker Runtime's InvokeEndpoint for a worker that refuses some jobs: every 5th with 429
    (backlog full), every 7th with 503, as ModelError 424 without Retry-After; job 3 is throttled
    by SageMaker itself. Records every body it received."""

    received: list[dict] = []
    lock = threading.Lock()

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with self.lock:
            self.received.append({"path": self.path, "body": body})
        n = int(body["job_id"].rsplit("-", 1)[1])
        if n == 3:
            self._answer(400, {"message": "Rate exceeded"}, error="ThrottlingException")
        elif n % 5 == 0 or n % 7 == 0:
            status, code = (429, "backlog_full") if n % 5 == 0 else (503, "unavailable")
            worker = json.dumps({"error": {"code": code, "message": "try later", "fields": []}})
            self._answer(424, {"ErrorCode": "CLIENT_ERROR_FROM_MODEL", "OriginalStatusCode": status,
                               "OriginalMessage": worker, "LogStreamArn": "arn:aws:logs:…",
                               "Message": f"Received client error ({status}) from primary"}, error="ModelError")
        else:
            self._answer(200, {"job_id": body["job_id"], "status": "queued", "trace_id": "1" * 32})

    def _answer(self, status: int, document: dict, error: str | None = None) -> None:
        data = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if error:
            self.send_header("x-amzn-ErrorType", error)
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def runtime():
    _Runtime.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Runtime)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Runtime.received
    server.shutdown()
    server.server_close()


def test_loadtest_sends_unique_ids_and_counts_what_the_worker_refused(environment, runtime):
    _deployed(environment)
    url, received = runtime
    result = environment.deploy("--jobs", "35", "--rate", "3000/min", "--run-id", "r1", script="loadtest",
                                extra_env={"AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME": url})
    # Job 3 was throttled by SageMaker: an error of the run, so the exit status says so.
    assert result.returncode == 1, result.stdout + result.stderr
    ids = [item["body"]["job_id"] for item in received]
    assert sorted(ids) == sorted(f"load-r1-{n}" for n in range(1, 36)) and len(set(ids)) == 35
    assert {item["path"] for item in received} == {f"/endpoints/{environment.settings.endpoint_name}/invocations"}
    for item in received:
        metadata = item["body"]["metadata"]
        assert metadata["load_test"] is True and metadata["run"] == "r1"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", metadata["submitted_at"])
        assert item["body"]["title"] and item["body"]["description"]
    fives = len(range(5, 36, 5))
    sevens = len([n for n in range(1, 36) if n % 7 == 0 and n % 5 != 0])
    accepted = 35 - fives - sevens - 1
    assert (f"done: sent 35, accepted {accepted}, rejected {fives + sevens} (429 backlog_full: {fives}, "
            f"503 unavailable: {sevens}), already known 0, errors 1 (ThrottlingException: 1)") in result.stdout


def test_loadtest_refuses_an_endpoint_that_does_not_exist(environment):
    result = environment.deploy("--jobs", "2", script="loadtest")
    assert result.returncode == 1
    assert f"endpoint {environment.settings.endpoint_name}" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("text, per_second", [("60/min", 1.0), ("2/s", 2.0), ("900/h", 0.25), ("1.5/sec", 1.5)])
def test_rates_are_read_per_second_minute_or_hour(text, per_second):
    assert parse_rate(text) == pytest.approx(per_second)


@pytest.mark.parametrize("text", ["60", "0/min", "-1/s", "10/day"])
def test_unreadable_rates_are_refused(text):
    with pytest.raises(DeployError, match="--rate"):
        parse_rate(text)


def test_schedule_is_a_steady_open_loop():
    assert schedule(4, 2.0) == [0.0, 0.5, 1.0, 1.5]


@pytest.mark.parametrize("env", ("dev", "prod"))
def test_default_rate_takes_the_minimum_fleet_over_its_scaling_target(env):
    settings = load_settings(env)
    per_minute = default_rate_per_minute(settings)
    # Little's law: jobs in the system = arrivals per second × seconds per job. Target tracking
    # scales out while BacklogPerInstance stays above the target.
    backlog_per_instance = per_minute / 60 * PLANNING_SERVICE_SECONDS / settings.min_instances
    assert backlog_per_instance > settings.target_backlog_per_instance


def test_job_documents_cycle_the_templates_with_unique_marked_ids():
    templates = [{"job_id": "a", "title": "A", "description": "a", "metadata": {"source": "x"}},
                 {"job_id": "b", "title": "B", "description": "b"}]
    jobs = job_documents(templates, "run7", 5)
    assert [job["job_id"] for job in jobs] == [f"load-run7-{n}" for n in range(1, 6)]
    assert [job["title"] for job in jobs] == ["A", "B", "A", "B", "A"]
    assert jobs[0]["metadata"] == {"source": "x", "load_test": True, "run": "run7"}
    assert templates[0]["job_id"] == "a", "templates are not changed"
    sent = stamped(jobs[0], datetime(2026, 12, 1, 10, 0, 0, 123000, tzinfo=timezone.utc))
    assert sent["metadata"]["submitted_at"] == "2026-12-01T10:00:00.123Z"
    assert "submitted_at" not in jobs[0]["metadata"]
