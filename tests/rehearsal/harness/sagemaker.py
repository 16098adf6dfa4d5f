"""Stands in for SageMaker's hosting: the part of SageMaker that runs the container and carries
InvokeEndpoint to it (moto keeps the control-plane records but runs nothing).

- Starting an endpoint (`POST /_rehearsal/endpoints/<name>/start`, called by the `cdk` stand-in
  after CreateEndpoint): reads the endpoint's model from moto (image, container `Environment`,
  execution role), finds the image the `docker` stand-in pushed, and runs its binary as
  `docker run IMAGE serve` would, with exactly the model's environment plus what only this machine
  can supply: the AWS endpoint (moto), the execution role's keys (a moto user holding the role's
  statements), `PORT` and `RAG_DATA_DIR` (the image's ENV, given loopback values). It answers once
  `/ping` is 200, or fails when the container exits or the health-check window passes.
- InvokeEndpoint (`POST /endpoints/<name>/invocations`, AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME): the
  signed request goes to moto first, which verifies the signature and the caller's
  `sagemaker:InvokeEndpoint` permission; then the body reaches the container with only the headers
  SageMaker forwards (Content-Type, Accept, X-Amzn-SageMaker-Custom-Attributes). A 2xx comes back as
  200 with the body; an error as SageMaker's ModelError (424).
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import docker_cli, processes
from .aws import Moto
from .doubles import LoopbackServer, Reply, Request

FORWARDED = ("content-type", "accept", "x-amzn-sagemaker-custom-attributes")
_START = re.compile(r"^/_rehearsal/endpoints/([A-Za-z0-9-]+)/start$")
_INVOKE = re.compile(r"^/endpoints/([A-Za-z0-9-]+)/invocations$")


@dataclass
class Container:
    endpoint: str
    process: object
    port: int
    environment: dict[str, str]
    data_dir: Path
    log: Path
    binary: str

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class SageMakerHost:
    def __init__(self, moto: Moto, state: Path, folder: Path, ping_timeout: float) -> None:
        self.moto = moto
        self.state = state
        self.folder = folder
        self.ping_timeout = ping_timeout
        self.containers: dict[str, Container] = {}
        self.invocations: list[dict] = []
        self.launcher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sagemaker-launcher")
        self.server = LoopbackServer(self.route)
        self.url = self.server.url

    def route(self, request: Request) -> Reply:
        if request.method == "POST" and (match := _START.match(request.path)):
            return self.start(match.group(1))
        if request.method == "POST" and (match := _INVOKE.match(request.path)):
            return self.invoke(match.group(1), request)
        return 404, {}, b"unknown route"

    # MARK: hosting

    def start(self, endpoint: str) -> Reply:
        sagemaker = self.moto.client("sagemaker")
        described = sagemaker.describe_endpoint(EndpointName=endpoint)
        config = sagemaker.describe_endpoint_config(EndpointConfigName=described["EndpointConfigName"])
        (variant,) = config["ProductionVariants"]
        model = sagemaker.describe_model(ModelName=variant["ModelName"])
        container = model["PrimaryContainer"]
        image = docker_cli.load_state(self.state)["images"].get(container["Image"])
        if image is None or "digest" not in image:
            return 500, {}, f"CannotStartContainerError: image {container['Image']} was never pushed".encode()
        role_name = model["ExecutionRoleArn"].rsplit("/", 1)[-1]
        role_file = self.state / "roles" / f"{role_name}.json"
        if not role_file.exists():
            return 500, {}, f"the execution role {model['ExecutionRoleArn']} is not the stack's role".encode()
        role = json.loads(role_file.read_text())
        port = processes.free_port()
        data_dir = self.folder / f"{endpoint}-data"
        data_dir.mkdir(exist_ok=True)
        environment = {
            **container.get("Environment", {}),
            "AWS_ENDPOINT_URL": self.moto.url,
            "AWS_ACCESS_KEY_ID": role["access_key"],
            "AWS_SECRET_ACCESS_KEY": role["secret_key"],
            "PORT": str(port),
            "RAG_DATA_DIR": str(data_dir),
        }
        log = self.folder / f"{endpoint}-container.log"
        # Started from one long-lived thread: PR_SET_PDEATHSIG fires when the *thread* that forked
        # the child ends, and each request here runs on a short-lived thread.
        process = self.launcher.submit(processes.start, [image["binary"], "serve"], log=log, env=environment,
                                       cwd=data_dir).result()
        running = Container(endpoint, process, port, environment, data_dir, log, image["binary"])
        self.containers[endpoint] = running
        window = min(float(variant.get("ContainerStartupHealthCheckTimeoutInSeconds", 300)), self.ping_timeout)
        deadline = time.monotonic() + window
        while time.monotonic() < deadline:
            if process.poll() is not None:
                return 500, {}, (f"the container exited with status {process.returncode} before /ping passed; "
                                 f"its output:\n{processes.tail(log)}").encode()
            if ping(running.url) == 200:
                return 200, {}, f"InService (container on 127.0.0.1:{port}, /ping 200)".encode()
            time.sleep(0.2)
        return 500, {}, (f"/ping did not answer 200 within {window:.0f} s; container output:\n"
                         f"{processes.tail(log)}").encode()

    def stop(self, endpoint: str, grace: float = 30) -> int | None:
        """SIGTERM, as SageMaker sends on scale-in and updates (SIGKILL 30 s later)."""
        container = self.containers.get(endpoint)
        return processes.stop(container.process, grace=grace) if container else None

    def stop_all(self) -> None:
        for endpoint in list(self.containers):
            self.stop(endpoint, grace=5)
        self.server.stop()
        self.launcher.shutdown()

    # MARK: InvokeEndpoint

    def invoke(self, endpoint: str, request: Request) -> Reply:
        signed = {key: value for key, value in request.headers.items() if key not in ("connection", "keep-alive")}
        checked = urllib.request.Request(f"{self.moto.url}{request.path}", data=request.body, method="POST",
                                         headers=signed)
        try:
            with urllib.request.urlopen(checked, timeout=30) as answer:
                answer.read()
        except urllib.error.HTTPError as error:  # signature, permission, unknown endpoint: SageMaker's own answer
            return error.code, {"Content-Type": error.headers.get("Content-Type", "application/json")}, error.read()
        container = self.containers.get(endpoint)
        if container is None or container.process.poll() is not None:
            return 424, {"Content-Type": "application/json", "x-amzn-ErrorType": "ModelError"}, json.dumps(
                {"message": "Received server error (503) from primary: no container is running",
                 "OriginalStatusCode": 503}).encode()
        headers = {key: value for key, value in request.headers.items() if key in FORWARDED}
        self.invocations.append({"endpoint": endpoint, "headers": headers, "body": request.body})
        forward = urllib.request.Request(f"{container.url}/invocations", data=request.body, method="POST",
                                         headers=headers)
        try:
            with urllib.request.urlopen(forward, timeout=60) as answer:
                body = answer.read()
                reply = {"Content-Type": answer.headers.get("Content-Type", "application/json"),
                         "x-Amzn-Invoked-Production-Variant": "AllTraffic"}
                if answer.headers.get("X-Amzn-SageMaker-Custom-Attributes"):
                    reply["X-Amzn-SageMaker-Custom-Attributes"] = answer.headers["X-Amzn-SageMaker-Custom-Attributes"]
                return 200, reply, body
        except urllib.error.HTTPError as error:
            original = error.read().decode(errors="replace")
            return 424, {"Content-Type": "application/json", "x-amzn-ErrorType": "ModelError"}, json.dumps({
                "message": f"Received client error ({error.code}) from primary with message \"{original}\".",
                "OriginalStatusCode": error.code, "OriginalMessage": original,
                "LogStreamArn": f"arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/{endpoint}",
            }).encode()


def ping(url: str) -> int | None:
    try:
        with urllib.request.urlopen(f"{url}/ping", timeout=2) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None
