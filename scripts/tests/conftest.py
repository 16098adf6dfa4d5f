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

from deploylib.settings_bridge import REPO_ROOT, load_settings  # noqa: E402

REGION = "us-east-1"
DEPLOYER_POLICY = Path(__file__).with_name("deployer-policy.json")


@dataclass(frozen=True)
class Moto:
    url: str
    access_key: str
    secret_key: str

    def client(self, service: str, **overrides):
        import boto3

        return boto3.client(service, region_name=REGION, endpoint_url=self.url,
                            aws_access_key_id=overrides.get("access_key", self.access_key),
                            aws_secret_access_key=overrides.get("secret_key", self.secret_key))


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

    INITIAL_NO_AUTH_ACTION_COUNT=3 lets exactly three calls through unsigned-checked: create a
    user, its access key, and its inline policy (deployer-policy.json). Everything after that is
    signed with the new key, its signature verified and its actions checked against the policy.
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
        iam.create_user(UserName="deployer")
        key = iam.create_access_key(UserName="deployer")["AccessKey"]
        iam.put_user_policy(UserName="deployer", PolicyName="deploy", PolicyDocument=DEPLOYER_POLICY.read_text())
        yield Moto(url, key["AccessKeyId"], key["SecretAccessKey"])
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

    def deploy(self, *args: str, script: str = "deploy", extra_env: dict[str, str] | None = None,
               access_key: str | None = None, secret_key: str | None = None) -> subprocess.CompletedProcess:
        environment = {**clean_aws_environment(),
                       "AWS_ACCESS_KEY_ID": access_key or self.moto.access_key,
                       "AWS_SECRET_ACCESS_KEY": secret_key or self.moto.secret_key,
                       "AWS_ENDPOINT_URL": self.moto.url, **(extra_env or {})}
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
