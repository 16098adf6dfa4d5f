"""scripts/loadtest: jobs through SageMaker Runtime (InvokeEndpoint, as n8n sends them) at a steady
rate that takes the endpoint over its scaling target, each with a unique job id, then how many the worker
accepted and why it refused the others. docs/deployment.md, "Load test", says how to read it.

Through InvokeEndpoint the worker's `202` arrives as `200` with its body (`status: queued`); its
`429`/`503` arrive as SageMaker's ModelError (HTTP 424) with `OriginalStatusCode`, without Retry-After.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from .errors import DeployError
from .settings_bridge import (
    PLANNING_SERVICE_SECONDS,
    REPO_ROOT,
    VARIANT_NAME,
    Settings,
    SettingsError,
    check_region,
    load_settings,
)

JOBS_DIR = REPO_ROOT / "fixtures" / "jobs"
_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*(s|sec|min|h)\s*$")
_PER_SECOND = {"s": 1.0, "sec": 1.0, "min": 60.0, "h": 3600.0}


def parse_rate(text: str) -> float:
    """`60/min`, `2/s`, `900/h` → jobs per second."""
    match = _RATE.match(text)
    if not match or float(match.group(1)) <= 0:
        raise DeployError(f"--rate {text!r}: write it as N/s, N/min or N/h with N > 0")
    return float(match.group(1)) / _PER_SECOND[match.group(2)]


def default_rate_per_minute(settings: Settings) -> float:
    """One and a half times the jobs per minute that keep the minimum fleet at its scaling target:
    by Little's law the backlog is the rate times the time a job takes, so at the planning service
    time `BacklogPerInstance` settles 50 % above the target and target tracking scales out (it does
    when the metric stays above the target for three minutes)."""
    return 1.5 * backlog_rate_per_minute(settings, settings.min_instances)


def backlog_rate_per_minute(settings: Settings, instances: int) -> float:
    """Jobs per minute that hold `instances` at the backlog target, at the planning service time."""
    return settings.target_backlog_per_instance * instances * 60 / PLANNING_SERVICE_SECONDS


def schedule(count: int, per_second: float) -> list[float]:
    """Seconds after the start at which job n (0-based) is sent: an open loop at a steady rate."""
    return [n / per_second for n in range(count)]


def job_documents(templates: list[dict], run: str, count: int) -> list[dict]:
    """`count` jobs cycling through `templates`, with ids `load-<run>-<n>` (n from 1) and metadata
    marking them as load (the n8n workflow skips them); `stamped` adds the send time."""
    jobs = []
    for n in range(1, count + 1):
        job = dict(templates[(n - 1) % len(templates)])
        job["job_id"] = f"load-{run}-{n}"
        job["metadata"] = {**job.get("metadata", {}), "load_test": True, "run": run}
        jobs.append(job)
    return jobs


def stamped(job: dict, now: datetime) -> dict:
    """`job` with `metadata.submitted_at` = `now` (ISO 8601 UTC, milliseconds), as the n8n workflow
    stamps it, so the webhook side can measure acceptance-to-delivery from the caller's clock."""
    submitted = now.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {**job, "metadata": {**job.get("metadata", {}), "submitted_at": submitted}}


@dataclass(frozen=True)
class Answer:
    """What InvokeEndpoint said about one job: `accepted`, `existing`, `rejected` or `error`."""

    outcome: str
    reason: str = ""


def classify(call: Callable[[], dict], client_error: type) -> Answer:
    """Runs one InvokeEndpoint call and names its outcome."""
    try:
        response = call()
    except client_error as error:
        details = error.response
        code = details.get("Error", {}).get("Code", "?")
        if code == "ModelError":
            original = details.get("OriginalStatusCode")
            message = details.get("OriginalMessage") or details.get("Error", {}).get("Message", "")
            worker_code = _error_code(message)
            return Answer("rejected", f"{original} {worker_code}".strip())
        return Answer("error", code)
    except Exception as error:  # noqa: BLE001 - a transport failure is a result of the test, counted
        return Answer("error", type(error).__name__)
    body = response["Body"].read()
    try:
        document = json.loads(body)
    except ValueError:
        return Answer("accepted", "body is not JSON")
    status = document.get("status") if isinstance(document, dict) else None
    return Answer("accepted" if status in (None, "queued") else "existing", str(status or ""))


def _error_code(message: str) -> str:
    try:
        return str(json.loads(message)["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return ""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="loadtest", description="Send jobs to the SageMaker endpoint at a steady rate (docs/deployment.md).")
    parser.add_argument("--env", default="dev", help="environment in infra/settings.json (default dev)")
    parser.add_argument("--settings", type=Path, help="another settings file instead of infra/settings.json")
    parser.add_argument("--jobs", type=int, help="how many jobs (default: ten minutes at the rate)")
    parser.add_argument("--rate", help="N/s, N/min or N/h (default: twice what the largest fleet is sized for)")
    parser.add_argument("--job", type=Path, action="append", dest="templates",
                        help="job JSON to send (repeatable; default: every file in fixtures/jobs)")
    parser.add_argument("--concurrency", type=int, default=32, help="most invocations in flight (default 32)")
    parser.add_argument("--run-id", help="the <run> of the job ids load-<run>-<n> (default: time and random)")
    parser.add_argument("--endpoint-url", help="AWS endpoint override (an emulator); sets AWS_ENDPOINT_URL")
    return parser


class LoadTest:
    def __init__(self, args: argparse.Namespace, out=sys.stdout, clock=time.monotonic, sleep=time.sleep) -> None:
        import boto3
        from botocore.config import Config

        self.args, self.out, self.clock, self.sleep = args, out, clock, sleep
        if args.endpoint_url:
            os.environ["AWS_ENDPOINT_URL"] = args.endpoint_url
        self.settings = load_settings(args.env, args.settings)
        check_region(self.settings, os.environ)
        session = boto3.session.Session(region_name=self.settings.region)
        # One attempt per job: a retry would hide the rejections this test is meant to count.
        self.runtime = session.client("sagemaker-runtime", config=Config(
            retries={"total_max_attempts": 1, "mode": "standard"}, read_timeout=70, connect_timeout=10,
            max_pool_connections=max(10, args.concurrency)))
        self.sagemaker = session.client("sagemaker")

    def say(self, message: str) -> None:
        print(f"==> {message}", file=self.out, flush=True)

    def instances(self) -> str:
        endpoint = self.sagemaker.describe_endpoint(EndpointName=self.settings.endpoint_name)
        variants = {v["VariantName"]: v for v in endpoint.get("ProductionVariants", [])}
        variant = variants.get(VARIANT_NAME, {})
        count = variant.get("CurrentInstanceCount", "?")
        return f"{count} ({endpoint['EndpointStatus']})"

    def run(self) -> int:
        settings, args = self.settings, self.args
        per_minute = parse_rate(args.rate) * 60 if args.rate else default_rate_per_minute(settings)
        count = args.jobs if args.jobs is not None else int(per_minute * 10)
        if count < 1 or args.concurrency < 1:
            raise DeployError("--jobs and --concurrency must be at least 1")
        run = args.run_id or datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:4]
        templates = [json.loads(path.read_text()) for path in (args.templates or sorted(JOBS_DIR.glob("*.json")))]
        target = settings.target_backlog_per_instance
        try:
            start_instances = self.instances()
        except self.sagemaker.exceptions.ClientError as error:
            raise DeployError(f"endpoint {settings.endpoint_name}: {error}") from None
        seconds = count / per_minute * 60
        duration = f"{seconds / 60:.0f} min" if seconds >= 120 else f"{seconds:.0f} s"
        self.say(f"load test {settings.endpoint_name} ({settings.region}): {count} jobs at {per_minute:g}/min "
                 f"(about {duration}), ids load-{run}-1 … load-{run}-{count}")
        needed = per_minute / backlog_rate_per_minute(settings, 1)
        self.say(f"scaling: BacklogPerInstance target {target:g}, {settings.min_instances}–{settings.max_instances} "
                 f"instances; at {PLANNING_SERVICE_SECONDS:g} s a job this rate needs {needed:.1f}; "
                 f"instances now {start_instances}")
        if needed <= settings.min_instances:
            self.say("warning: at this rate the endpoint has no reason to scale out (unless jobs take longer than "
                     f"{PLANNING_SERVICE_SECONDS:g} s)")
        answers = self.send(job_documents(templates, run, count), per_minute / 60)
        return self.report(answers, run)

    def send(self, jobs: list[dict], per_second: float) -> list[Answer]:
        from botocore.exceptions import ClientError

        answers: list[Answer | None] = [None] * len(jobs)
        lock = threading.Lock()
        lag = [0.0]

        def invoke(index: int) -> None:
            body = json.dumps(stamped(jobs[index], datetime.now(timezone.utc)))
            answer = classify(lambda: self.runtime.invoke_endpoint(
                EndpointName=self.settings.endpoint_name, Body=body.encode(), ContentType="application/json",
                Accept="application/json"), ClientError)
            with lock:
                answers[index] = answer

        start = self.clock()
        step = max(1, len(jobs) // 10)
        with ThreadPoolExecutor(max_workers=self.args.concurrency) as pool:
            for index, offset in enumerate(schedule(len(jobs), per_second)):
                wait = start + offset - self.clock()
                if wait > 0:
                    self.sleep(wait)
                lag[0] = max(lag[0], -wait)
                pool.submit(invoke, index)
                if (index + 1) % step == 0 or index + 1 == len(jobs):
                    with lock:
                        done = Counter(a.outcome for a in answers if a is not None)
                    self.say(f"sent {index + 1}/{len(jobs)}: accepted {done['accepted']}, "
                             f"rejected {done['rejected']}, errors {done['error']}")
        if lag[0] > 1:
            self.say(f"note: sending fell up to {lag[0]:.1f} s behind the schedule (raise --concurrency)")
        return [answer or Answer("error", "no answer") for answer in answers]

    def report(self, answers: list[Answer], run: str) -> int:
        settings = self.settings
        outcomes = Counter(answer.outcome for answer in answers)
        rejected = Counter(answer.reason for answer in answers if answer.outcome == "rejected")
        errors = Counter(answer.reason for answer in answers if answer.outcome == "error")
        detail = lambda counts: ", ".join(f"{reason or '?'}: {n}" for reason, n in sorted(counts.items()))  # noqa: E731
        self.say(f"done: sent {len(answers)}, accepted {outcomes['accepted']}, rejected {outcomes['rejected']}"
                 + (f" ({detail(rejected)})" if rejected else "")
                 + f", already known {outcomes['existing']}, errors {outcomes['error']}"
                 + (f" ({detail(errors)})" if errors else ""))
        try:
            self.say(f"instances now {self.instances()} (scale-out takes a few minutes; see below)")
        except self.sagemaker.exceptions.ClientError as error:
            self.say(f"instances now: unknown ({error})")
        region, name = settings.region, settings.endpoint_name
        for line in (
            f"aws application-autoscaling describe-scaling-activities --service-namespace sagemaker "
            f"--resource-id endpoint/{name}/variant/{VARIANT_NAME} --region {region}",
            f"aws cloudwatch get-metric-statistics --namespace {settings.metrics_namespace} --metric-name "
            f"BacklogPerInstance --dimensions Name=EndpointName,Value={name} --statistics Average Maximum "
            f"--period 60 --start-time <start> --end-time <end> --region {region}",
            f"RAG_ENDPOINT_NAME={name} rag-worker report --source cloudwatch --since 1h   # their JobLatency",
            f"load jobs in the logs: aws logs filter-log-events --log-group-name {settings.log_group_name} "
            f"--filter-pattern '\"load-{run}-\"' --region {region}",
        ):
            print("    " + line, file=self.out)
        return 1 if outcomes["error"] else 0


def main(argv: list[str] | None = None) -> int:
    import botocore.exceptions

    args = build_parser().parse_args(argv)
    try:
        return LoadTest(args).run()
    except (DeployError, SettingsError) as error:
        print(f"loadtest: error: {error}", file=sys.stderr)
    except botocore.exceptions.ClientError as error:
        print(f"loadtest: error: AWS said {error}", file=sys.stderr)
    except botocore.exceptions.BotoCoreError as error:
        print(f"loadtest: error: {error}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
