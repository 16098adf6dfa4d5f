"""The rehearsal's world: moto (authentication on), Postgres with pgvector, the provider doubles,
SageMaker's hosting stand-in, the `npx`/`docker` stand-ins on PATH, and a warm CDK synthesizer.
Everything started here is stopped at the end of the session, whatever happened.

Prerequisites: the release binaries (`make check-release`; `RAG_WORKER_BIN` / `ALARM_SETUP_BIN`
override), the pgserver wheel and aws-cdk-lib (scripts/bootstrap python). A missing one skips the
rehearsal with the reason, and fails it under CI=true.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from harness import doubles, processes  # noqa: E402
from harness.aws import ACCOUNT, REGION, Keys, Moto, for_moto  # noqa: E402
from harness.postgres import Postgres, wheel_bin  # noqa: E402
from harness.cloudwatch import CloudWatchProxy  # noqa: E402
from harness.paths import ROOT, binary  # noqa: E402
from harness.sagemaker import SageMakerHost  # noqa: E402

PING_TIMEOUT = 60  # SageMaker's start-up window is 300 s (settings.json); a healthy worker needs ~1 s


DEPLOYER_POLICY = ROOT / "docs" / "iam" / "deployer-policy.json"


def deployer_policy() -> dict:
    """The documented policy with its `${Account}` and `${Region}` filled in for moto's account."""
    text = DEPLOYER_POLICY.read_text().replace("${Account}", ACCOUNT).replace("${Region}", REGION)
    if "${" in text:
        raise ValueError(f"{DEPLOYER_POLICY} has a placeholder the rehearsal does not know")
    return json.loads(text)


def require(condition: bool, reason: str) -> None:
    """Skips without a prerequisite; under CI=true a missing prerequisite is a failure."""
    if condition:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"prerequisite missing (CI=true): {reason}", pytrace=False)
    pytest.skip(reason)


def prerequisites() -> None:
    for variable, name in (("RAG_WORKER_BIN", "rag-worker"), ("ALARM_SETUP_BIN", "alarm-setup")):
        path = binary(variable, name)
        require(os.access(path, os.X_OK), f"{path} is not built: run `make check-release` (or set {variable})")
    require(wheel_bin() is not None, "the pgserver wheel is missing: run scripts/bootstrap python")
    try:
        import aws_cdk  # noqa: F401
        import moto  # noqa: F401
    except ImportError as error:
        require(False, f"{error.name} is missing: run scripts/bootstrap python")
    require(shutil.which("node") is not None, "Node.js is missing (aws-cdk-lib runs on it)")
    # The guide's deploy builds the image of the committed sources and refuses uncommitted ones.
    sys.path.insert(0, str(ROOT / "scripts"))
    from deploylib.content_tag import uncommitted_inputs

    changed = uncommitted_inputs(ROOT)
    require(not changed, "the rehearsal deploys committed sources, as the guide does; uncommitted image "
                         f"inputs: {', '.join(changed[:5])}{' …' if len(changed) > 5 else ''} (commit or stash them)")


@dataclass
class World:
    folder: Path
    state: Path
    home: Path
    bin: Path
    moto: Moto
    postgres: Postgres
    openai: doubles.OpenAIDouble
    cohere: doubles.CohereDouble
    webhook: doubles.WebhookReceiver
    sagemaker: SageMakerHost
    cloudwatch: CloudWatchProxy | None
    deployer: Keys
    deployer_policy: dict
    synth_socket: str | None
    outcomes: dict[str, bool] = field(default_factory=dict)

    def shell_environment(self, keys: Keys | None = None) -> dict[str, str]:
        """The deploying person's shell: their credentials and region (as a profile would give
        them), AWS endpoints pointing at the stand-ins, and the tools of the guide on PATH."""
        keys = keys or self.deployer
        return processes.clean_environment({
            **keys.environment(),
            "AWS_REGION": REGION,
            "AWS_ENDPOINT_URL": self.moto.url,
            "AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME": self.sagemaker.url,
            **({"AWS_ENDPOINT_URL_CLOUDWATCH": self.cloudwatch.url} if self.cloudwatch else {}),
            "HOME": str(self.home),
            "PATH": f"{self.bin}:{os.environ.get('PATH', '/usr/bin:/bin')}",
            "RAG_WORKER_BIN": str(binary("RAG_WORKER_BIN", "rag-worker")),
            "ALARM_SETUP_BIN": str(binary("ALARM_SETUP_BIN", "alarm-setup")),
            "REHEARSAL_STATE": str(self.state),
            "REHEARSAL_SAGEMAKER": self.sagemaker.url,
            "REHEARSAL_IMAGE_BINARY": str(binary("RAG_WORKER_BIN", "rag-worker")),
            "REHEARSAL_CLOUDFORMATION_KEYS": json.dumps({"access_key": self.moto.admin.access_key,
                                                         "secret_key": self.moto.admin.secret_key}),
            "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
            **({"REHEARSAL_SYNTH_SOCKET": self.synth_socket} if self.synth_socket else {}),
        })

    def run(self, script: str, *, keys: Keys | None = None, timeout: float = 300,
            extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        """Runs the guide's commands in bash from the repository root, as the person would."""
        started = time.monotonic()
        result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=ROOT, capture_output=True,
                                text=True, timeout=timeout, env={**self.shell_environment(keys), **(extra or {})})
        with open(self.folder / "guide-commands.log", "a") as log:
            log.write(f"$ {script}\n[exit {result.returncode} after {time.monotonic() - started:.1f} s]\n"
                      f"{result.stdout}{result.stderr}\n")
        return result


def _stand_in_bin(folder: Path) -> Path:
    """`npx` (only `npx [--yes] aws-cdk@2 ...`), `docker`, and the two Swift tools by name."""
    directory = folder / "bin"
    directory.mkdir()
    python = sys.executable
    harness = HERE / "harness"
    scripts = {
        "npx": f"""#!/bin/sh
[ "$1" = "--yes" ] && shift
case "$1" in aws-cdk@2|aws-cdk) shift; exec "{python}" "{harness / 'cdk_cli.py'}" "$@";; esac
echo "npx (rehearsal stand-in): only aws-cdk@2 is available" >&2; exit 1
""",
        "docker": f"""#!/bin/sh
exec "{python}" "{harness / 'docker_cli.py'}" "$@"
""",
    }
    for name, text in scripts.items():
        path = directory / name
        path.write_text(text)
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    (directory / "rag-worker").symlink_to(binary("RAG_WORKER_BIN", "rag-worker"))
    (directory / "alarm-setup").symlink_to(binary("ALARM_SETUP_BIN", "alarm-setup"))
    return directory


def _start_synth_service(folder: Path) -> tuple[subprocess.Popen, str]:
    path = str(folder / "synth.sock")
    environment = processes.clean_environment({"JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"})
    process = processes.start([sys.executable, str(HERE / "harness" / "synth_service.py"), path],
                              log=folder / "synth.log", env=environment, cwd=ROOT / "infra")
    return process, path


def wait_for_socket(path: str, process: subprocess.Popen, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the synthesizer exited with {process.returncode}")
        if os.path.exists(path):
            with socket.socket(socket.AF_UNIX) as probe:
                try:
                    probe.connect(path)
                    return
                except OSError:
                    pass
        time.sleep(0.2)
    raise RuntimeError("the synthesizer did not get ready")


def _interrupted(signum, frame):
    # `timeout` in the Makefile sends SIGTERM: unwind like Ctrl-C, so the teardown below stops
    # Postgres (a daemon, not a child) and everything else.
    raise KeyboardInterrupt(f"signal {signum}")


@pytest.fixture(scope="session")
def world(tmp_path_factory):
    prerequisites()
    signal.signal(signal.SIGTERM, _interrupted)
    folder = tmp_path_factory.mktemp("rehearsal")
    state = folder / "state"
    state.mkdir()
    home = folder / "home"
    (home / "rag-worker").mkdir(parents=True)
    started: list = []
    synth = None
    try:
        synth, synth_socket = _start_synth_service(folder)  # warms up while the rest starts
        moto = Moto(folder)
        started.append(moto.stop)
        postgres = Postgres(folder)
        started.append(postgres.remove)
        schema = json.loads((ROOT / "Sources/RAGPipeline/Resources/prompts/proposal.schema.json").read_text())
        openai = doubles.OpenAIDouble(api_key=f"sk-rehearsal-{secrets.token_hex(16)}", schema=schema)
        started.append(openai.server.stop)
        cohere = doubles.CohereDouble(api_key=f"co-rehearsal-{secrets.token_hex(16)}")
        started.append(cohere.server.stop)
        webhook = doubles.WebhookReceiver(secret=secrets.token_hex(32))
        started.append(webhook.server.stop)
        host = SageMakerHost(moto, state, folder, ping_timeout=PING_TIMEOUT)
        started.append(host.stop_all)
        cloudwatch = None if moto.extended else CloudWatchProxy(moto)
        if cloudwatch:
            started.append(cloudwatch.stop)
        policy = deployer_policy()
        deployer = moto.create_user("rag-worker-deployer", for_moto(policy))
        world = World(folder=folder, state=state, home=home, bin=_stand_in_bin(folder), moto=moto, postgres=postgres,
                      openai=openai, cohere=cohere, webhook=webhook, sagemaker=host, cloudwatch=cloudwatch, deployer=deployer,
                      deployer_policy=policy, synth_socket=synth_socket)
        wait_for_socket(synth_socket, synth)
        yield world
    finally:
        for stop in reversed(started):
            try:
                stop()
            except Exception as error:  # keep stopping the rest
                print(f"rehearsal teardown: {error!r}", file=sys.stderr)
        processes.stop(synth, grace=5)
        print(f"\nrehearsal logs: {folder}", file=sys.stderr)
