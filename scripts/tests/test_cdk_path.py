"""The `cdk deploy` path's control flow, with a stand-in CLI (tests/fake_cdk.py) doing by API what
CloudFormation would: foundation first when the stack is missing, then the secret, then the full
stack with the image tag, then the wait."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

from deploylib import endpoint as endpoint_api

TAG = "c-fedcba987654"


def fake_cdk_keys(environment) -> dict[str, str]:
    """The identity the fake CDK acts with (standing for the bootstrap and CloudFormation roles)."""
    return {"FAKE_CDK_ACCESS_KEY_ID": environment.moto.admin_key,
            "FAKE_CDK_SECRET_ACCESS_KEY": environment.moto.admin_secret}


FAKE_CDK = f"{shlex.quote(sys.executable)} {shlex.quote(str(Path(__file__).with_name('fake_cdk.py')))}"


def test_first_deploy_runs_foundation_then_full_stack_and_fills_the_stacks_secret(environment, tmp_path):
    settings = environment.settings
    environment.moto.client("ecr").create_repository(repositoryName=settings.repository_name)
    environment.push_fake_image(TAG)
    log = tmp_path / "cdk.log"
    secrets_file, values = environment.secrets_file()

    result = environment.deploy("--cdk", FAKE_CDK, "--skip-build", "--image-tag", TAG,
                                "--secrets-file", str(secrets_file), "--skip-alarms", "--skip-smoke",
                                "--poll", "0.05", extra_env={"FAKE_CDK_LOG": str(log), **fake_cdk_keys(environment)})
    assert result.returncode == 0, result.stdout + result.stderr
    for value in values.values():
        assert value not in result.stdout + result.stderr

    calls = [json.loads(line) for line in log.read_text().splitlines()]
    assert [call["context"]["phase"] for call in calls] == ["foundation", "full"]
    assert "imageTag" not in calls[0]["context"] and calls[1]["context"]["imageTag"] == TAG
    for call in calls:
        assert call["argv"][1] == settings.stack_name
        assert call["argv"][call["argv"].index("--require-approval") + 1] == "never"
        assert call["context"]["env"] == "dev"
        assert Path(call["cwd"]).name == "infra"
    assert "first deployment: creating" in result.stdout

    secretsmanager = environment.moto.client("secretsmanager")
    assert json.loads(secretsmanager.get_secret_value(SecretId=settings.secret_name)["SecretString"]) == values
    model = endpoint_api.current_model(environment.moto.client("sagemaker"), settings.endpoint_name)
    assert model["PrimaryContainer"]["Image"].endswith(f"/{settings.repository_name}:{TAG}")
    assert f"endpoint {settings.endpoint_name}: InService" in result.stdout
