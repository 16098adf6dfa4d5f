"""The Swift tools get the deploying identity's credentials from the deploy script's environment,
whatever source boto3 resolved them from (here a credential_process profile), never on a command line."""

from __future__ import annotations

import json
import sys
from collections import namedtuple
from pathlib import Path

import pytest

from deploylib.credentials import tool_environment
from deploylib.errors import DeployError

TAG = "c-0c0c0c0c0c0c"
FAKE_TOOL = Path(__file__).with_name("fake_swift_tool.py")


def _credential_process_profile(environment) -> dict[str, str]:
    """An AWS config file whose profile `deployer` gets the deployer's keys from a process."""
    provider = environment.folder / "credential-provider.py"
    provider.write_text("import json\nprint(json.dumps({'Version': 1, 'AccessKeyId': %r, 'SecretAccessKey': %r}))\n"
                        % (environment.moto.access_key, environment.moto.secret_key))
    config = environment.folder / "aws-config"
    config.write_text(f"[profile deployer]\ncredential_process = {sys.executable} {provider}\n")
    return {"AWS_CONFIG_FILE": str(config), "AWS_PROFILE": "deployer"}


def _fake_tools(environment) -> dict[str, str]:
    wrapper = environment.folder / "fake-tool"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{FAKE_TOOL}" "$@"\n')
    wrapper.chmod(0o755)
    return {"ALARM_SETUP_BIN": str(wrapper), "RAG_WORKER_BIN": str(wrapper),
            "FAKE_TOOL_LOG": str(environment.folder / "tools.log")}


def test_swift_tools_get_credentials_from_a_credential_process_profile(environment):
    environment.moto.client("ecr").create_repository(repositoryName=environment.settings.repository_name)
    environment.push_fake_image(TAG)
    result = environment.deploy(
        "--skip-cdk", "--role-arn", environment.create_role(), "--skip-build", "--image-tag", TAG,
        "--secrets-file", str(environment.secrets_file()[0]), "--poll", "0.05", credentials=False,
        extra_env={**_credential_process_profile(environment), **_fake_tools(environment)})
    assert result.returncode == 0, result.stdout + result.stderr
    calls = [json.loads(line) for line in (environment.folder / "tools.log").read_text().splitlines()]
    assert [call["argv"][0] for call in calls] == ["apply", "invoke"]
    for call in calls:
        assert call.get("error") is None, call
        assert call["secret_in_argv"] is False
        assert call["region"] == "us-east-1"
    deployer = environment.moto.client("sts", access_key=environment.moto.access_key,
                                       secret_key=environment.moto.secret_key).get_caller_identity()["Arn"]
    assert {call["identity"] for call in calls} == {deployer}
    assert environment.moto.secret_key not in result.stdout + result.stderr


Frozen = namedtuple("Frozen", "access_key secret_key token")


class _Session:
    def __init__(self, frozen):
        self.frozen = frozen

    def get_credentials(self):
        frozen = self.frozen
        return None if frozen is None else type("C", (), {"get_frozen_credentials": lambda self: frozen})()


def test_temporary_credentials_carry_their_token_and_replace_stale_ones():
    base = {"PATH": "/bin", "AWS_ACCESS_KEY_ID": "old", "AWS_SECRET_ACCESS_KEY": "old", "AWS_SESSION_TOKEN": "stale",
            "AWS_REGION": "us-east-1"}
    temporary = tool_environment(_Session(Frozen("ASIA1", "s1", "token-1")), base)
    assert (temporary["AWS_ACCESS_KEY_ID"], temporary["AWS_SECRET_ACCESS_KEY"], temporary["AWS_SESSION_TOKEN"]) == \
        ("ASIA1", "s1", "token-1")
    static = tool_environment(_Session(Frozen("AKIA2", "s2", None)), base)
    assert "AWS_SESSION_TOKEN" not in static and static["AWS_ACCESS_KEY_ID"] == "AKIA2"
    assert static["PATH"] == "/bin" and static["AWS_REGION"] == "us-east-1"


def test_no_credentials_is_a_clear_error():
    with pytest.raises(DeployError, match="no AWS credentials found"):
        tool_environment(_Session(None), {})
