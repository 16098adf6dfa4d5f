"""moto_server with authentication on, and the identities of the rehearsal.

The first three calls are the only unchecked ones (INITIAL_NO_AUTH_ACTION_COUNT=3): they create
the account owner (`admin`, allowed everything). Every other identity is made by the owner with a
policy from a file or a template, and every later call is signed, its signature verified and its
actions checked against that policy.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from . import processes

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's account


@dataclass(frozen=True)
class Keys:
    """One identity's access key pair."""

    user: str
    access_key: str
    secret_key: str

    def environment(self) -> dict[str, str]:
        return {"AWS_ACCESS_KEY_ID": self.access_key, "AWS_SECRET_ACCESS_KEY": self.secret_key}


PROJECT_MOTO_SERVER = Path(__file__).resolve().parents[3] / "scripts" / "testing" / "moto_server.py"
"""moto_server with the project's extensions (PutCompositeAlarm), where the repository has it."""


class Moto:
    """A running moto_server and the account owner's keys."""

    def __init__(self, folder: Path) -> None:
        self.extended = PROJECT_MOTO_SERVER.exists()
        self.port = processes.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder / "moto.log"
        environment = processes.clean_environment({"INITIAL_NO_AUTH_ACTION_COUNT": "3"})
        server = [str(PROJECT_MOTO_SERVER)] if self.extended else ["-m", "moto.server"]
        self.process = processes.start([sys.executable, *server, "-H", "127.0.0.1", "-p", str(self.port)],
                                       log=self.log, env=environment)
        try:
            processes.wait_for_port(self.port, self.process)
            self.admin = self._bootstrap()
        except BaseException:
            self.stop()
            raise

    def _bootstrap(self) -> Keys:
        iam = self._client("iam", "bootstrap", "bootstrap")
        iam.create_user(UserName="admin")
        key = iam.create_access_key(UserName="admin")["AccessKey"]
        iam.put_user_policy(UserName="admin", PolicyName="everything", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
        return Keys("admin", key["AccessKeyId"], key["SecretAccessKey"])

    def _client(self, service: str, access_key: str, secret_key: str):
        import boto3

        return boto3.client(service, region_name=REGION, endpoint_url=self.url,
                            aws_access_key_id=access_key, aws_secret_access_key=secret_key)

    def client(self, service: str, keys: Keys | None = None):
        keys = keys or self.admin
        return self._client(service, keys.access_key, keys.secret_key)

    def create_user(self, name: str, policy: dict) -> Keys:
        """A user whose only permissions are `policy` (an inline policy)."""
        iam = self.client("iam")
        iam.create_user(UserName=name)
        key = iam.create_access_key(UserName=name)["AccessKey"]
        iam.put_user_policy(UserName=name, PolicyName=f"{name}-policy", PolicyDocument=json.dumps(policy))
        return Keys(name, key["AccessKeyId"], key["SecretAccessKey"])

    def stop(self) -> None:
        processes.stop(self.process)


def for_moto(policy: dict) -> dict:
    """`policy` as moto can enforce it, for a user standing in for a role or an operator.

    moto authorizes most actions against the resource `*` (a statement scoped to an ARN never
    matches), so every Allow statement gets `Resource: "*"`: actions stay enforced, resources are
    checked by the CDK assertions (infra/tests). moto checks CloudWatch calls under the signing name
    `monitoring:`, so each `cloudwatch:` action is allowed under both names. Conditions are kept
    (moto does not evaluate them).
    """
    statements = []
    for statement in policy["Statement"]:
        actions = statement["Action"]
        actions = [actions] if isinstance(actions, str) else list(actions)
        twins = [a.replace("cloudwatch:", "monitoring:", 1) for a in actions if a.startswith("cloudwatch:")]
        converted = {key: value for key, value in statement.items() if key not in ("Resource", "Action")}
        converted.update(Action=sorted(set(actions + twins)), Resource="*")
        statements.append(converted)
    return {"Version": policy.get("Version", "2012-10-17"), "Statement": statements}
