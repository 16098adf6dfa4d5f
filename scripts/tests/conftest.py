"""moto_server on loopback with authentication on, and helpers to run scripts/deploy against it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import iam_support  # noqa: E402
from deploylib.settings_bridge import REPO_ROOT, load_settings  # noqa: E402

REGION = "us-east-1"
FAKE_DOCKER = Path(__file__).with_name("fake_docker.py")
ADMIN_POLICY = json.dumps({"Version": "2012-10-17",
                           "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


@dataclass(frozen=True)
class Moto:
    """moto_server's URL, the deployer's key (docs/iam/deployer-policy.json, what scripts/deploy
    runs with) and an administrator's key (test set-up and assertions only)."""

    url: str
    access_key: str
    secret_key: str
    admin_key: str
    admin_secret: str

    def client(self, service: str, **overrides):
        """A client for set-up and assertions (the administrator unless keys are given)."""
        import boto3

        return boto3.client(service, region_name=REGION, endpoint_url=self.url,
                            aws_access_key_id=overrides.get("access_key", self.admin_key),
                            aws_secret_access_key=overrides.get("secret_key", self.admin_secret))

    def user(self, policy: str) -> tuple[str, str]:
        """A new IAM user with `policy` inline; returns its (access key, secret key)."""
        iam = self.client("iam")
        name = "u" + uuid.uuid4().hex[:12]
        iam.create_user(UserName=name)
        key = iam.create_access_key(UserName=name)["AccessKey"]
        iam.put_user_policy(UserName=name, PolicyName="policy", PolicyDocument=policy)
        return key["AccessKeyId"], key["SecretAccessKey"]


def require_prerequisite(present: bool, reason: str) -> None:
    """Skips a test whose tool is missing on a developer's machine; under CI=true (make test in CI)
    a missing prerequisite fails the test instead, so nothing is silently left untested."""
    if present:
        return
    if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI=true: prerequisites must be present; scripts/bootstrap installs them)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto_server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("moto_server did not open its port")


def clean_aws_environment() -> dict[str, str]:
    """The test process environment without any real AWS configuration."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    environment.update(AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null",
                       AWS_EC2_METADATA_DISABLED="true")
    return environment


@pytest.fixture(scope="session")
def moto(tmp_path_factory) -> Moto:
    """moto_server (the venv's, run by this interpreter) with request authentication on.

    INITIAL_NO_AUTH_ACTION_COUNT=3 lets exactly three calls through unchecked: create the
    administrator, its access key and its inline policy. Everything after that is signed, its
    signature verified and its actions checked: the administrator creates the deployer, whose policy
    is docs/iam/deployer-policy.json with every resource `*` (iam_support.for_moto).
    """
    import boto3

    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    environment = {**clean_aws_environment(), "INITIAL_NO_AUTH_ACTION_COUNT": "3"}
    with open(log, "w") as output:
        process = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "testing" / "moto_server.py"),
                                    "-H", "127.0.0.1", "-p", str(port)],
                                   stdout=output, stderr=subprocess.STDOUT, env=environment)
    try:
        _wait_for_port(port, process)
        url = f"http://127.0.0.1:{port}"
        iam = boto3.client("iam", region_name=REGION, endpoint_url=url,
                           aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
        iam.create_user(UserName="admin")
        admin = iam.create_access_key(UserName="admin")["AccessKey"]
        iam.put_user_policy(UserName="admin", PolicyName="admin", PolicyDocument=ADMIN_POLICY)
        partial = Moto(url, "", "", admin["AccessKeyId"], admin["SecretAccessKey"])
        key, secret = partial.user(iam_support.for_moto(iam_support.load()))
        yield Moto(url, key, secret, admin["AccessKeyId"], admin["SecretAccessKey"])
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@dataclass
class Environment:
    """One isolated deployment target in moto: its own names, settings file and role."""

    moto: Moto
    folder: Path
    name: str
    settings_file: Path

    @property
    def settings(self):
        return load_settings("dev", self.settings_file)

    @property
    def docker_config(self) -> Path:
        """The fake docker's state on this test's machine (its logins and local images)."""
        return self.folder / "docker"

    def docker_environment(self) -> dict[str, str]:
        """PATH with the fake `docker` first, its config directory and its call log."""
        bin_dir = self.folder / "bin"
        if not (bin_dir / "docker").exists():
            bin_dir.mkdir(exist_ok=True)
            wrapper = bin_dir / "docker"
            wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{FAKE_DOCKER}" "$@"\n')
            wrapper.chmod(0o755)
        return {"PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
                "DOCKER_CONFIG": str(self.docker_config), "FAKE_DOCKER_LOG": str(self.folder / "docker.log")}

    def docker_calls(self) -> list[list[str]]:
        log = self.folder / "docker.log"
        return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []

    def deploy(self, *args: str, script: str = "deploy", extra_env: dict[str, str] | None = None,
               access_key: str | None = None, secret_key: str | None = None,
               credentials: bool = True) -> subprocess.CompletedProcess:
        """Runs scripts/<script> as the deployer (keys in the environment unless `credentials` is
        False: then `extra_env` must say where they come from), with the fake docker on PATH."""
        environment = {**clean_aws_environment(), **self.docker_environment(), "AWS_ENDPOINT_URL": self.moto.url}
        if credentials:
            environment.update(AWS_ACCESS_KEY_ID=access_key or self.moto.access_key,
                               AWS_SECRET_ACCESS_KEY=secret_key or self.moto.secret_key)
        environment.update(extra_env or {})
        return subprocess.run(
            [str(REPO_ROOT / "scripts" / script), "--env", "dev", "--settings", str(self.settings_file), *args],
            capture_output=True, text=True, env=environment, timeout=120,
        )

    def secrets_file(self, **changes: str) -> tuple[Path, dict[str, str]]:
        """An env file with fresh random values (so a leak is unambiguous), plus `changes`."""
        token = lambda: uuid.uuid4().hex  # noqa: E731
        values = {
            "OPENAI_API_KEY": f"sk-{token()}",
            "COHERE_API_KEY": f"co-{token()}",
            "SUPABASE_URL": f"https://{token()[:12]}.supabase.co",
            "SUPABASE_KEY": f"sb-{token()}",
            "WEBHOOK_URL": f"https://n8n.example.com/webhook/{token()}",
            "WEBHOOK_SECRET": f"wh-{token()}",
            "DATABASE_URL": f"postgresql://worker:{token()}@db.example.com:6543/postgres",
            **changes,
        }
        path = self.folder / f"secrets-{token()[:8]}.env"
        lines = ["# worker secrets (test)"] + [f"{key}={value}" for key, value in values.items() if value is not None]
        path.write_text("\n".join(lines) + "\n")
        return path, {key: value for key, value in values.items() if value is not None}

    def create_role(self) -> str:
        """An execution role with docs/iam/worker-policy.json, rendered for this environment."""
        from rag_worker_infra import worker_policy

        settings = self.settings
        iam = self.moto.client("iam")
        role = iam.create_role(RoleName=f"{self.name}-execution", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"},
                           "Action": "sts:AssumeRole"}]}))["Role"]
        policy = worker_policy.render({
            "RepositoryArn": f"arn:aws:ecr:{REGION}:123456789012:repository/{settings.repository_name}",
            "SecretArn": f"arn:aws:secretsmanager:{REGION}:123456789012:secret:{settings.secret_name}-AbCdEf",
            "LogGroupArn": f"arn:aws:logs:{REGION}:123456789012:log-group:{settings.log_group_name}",
            "MetricsNamespace": settings.metrics_namespace,
            "Region": REGION,
            # These environments capture no content: the S3 statement is left out, as the stack does.
            "CaptureObjectsArn": None,
        })
        iam.put_role_policy(RoleName=role["RoleName"], PolicyName="rag-worker", PolicyDocument=json.dumps(policy))
        return role["Arn"]

    def push_fake_image(self, tag: str) -> str:
        """Puts an image manifest under `tag` (what `docker push` leaves in ECR); returns its digest."""
        manifest = json.dumps({
            "schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 7023,
                       "digest": "sha256:" + uuid.uuid4().hex * 2},
            # moto derives the image digest from the layers: a random layer makes each image distinct.
            "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 1024,
                        "digest": "sha256:" + uuid.uuid4().hex * 2}],
        })
        image = self.moto.client("ecr").put_image(repositoryName=self.settings.repository_name,
                                                  imageManifest=manifest, imageTag=tag)["image"]
        return image["imageId"]["imageDigest"]


@pytest.fixture
def environment(moto, tmp_path, request) -> Environment:
    """Settings with names unique to the test (moto is shared by the session)."""
    name = "t" + uuid.uuid4().hex[:10]
    document = json.loads((REPO_ROOT / "infra" / "settings.json").read_text())
    document["environments"]["dev"].update({
        "endpoint_name": f"{name}-endpoint", "repository_name": f"{name}-repo", "secret_name": f"{name}/secrets",
        "region": REGION,
    })
    settings_file = tmp_path / "settings.json"
    settings_file.write_text(json.dumps(document))
    return Environment(moto, tmp_path, name, settings_file)
