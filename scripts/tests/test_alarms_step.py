"""The alarms step of scripts/deploy: `alarm-setup apply` gets the stack's log group and namespace
and the notification target (flags or infra/settings.json), and a deploy without a target says so
loudly. The tools are stood in for by fake_swift_tool.py; test_binaries.py runs the real ones."""

from __future__ import annotations

import json

import pytest

from test_credentials import _fake_tools

TAG = "c-a1a1a1a1a1a1"


def _deploy(environment, *extra: str, env: dict[str, str] | None = None):
    environment.moto.client("ecr").create_repository(repositoryName=environment.settings.repository_name)
    environment.push_fake_image(TAG)
    return environment.deploy("--skip-cdk", "--role-arn", environment.create_role(), "--skip-build", "--image-tag",
                              TAG, "--secrets-file", str(environment.secrets_file()[0]), "--poll", "0.05", *extra,
                              extra_env={**_fake_tools(environment), **(env or {})})


def _apply_argv(environment) -> list[str]:
    calls = [json.loads(line) for line in (environment.folder / "tools.log").read_text().splitlines()]
    (apply,) = [call["argv"] for call in calls if call["argv"][0] == "apply"]
    return apply


def _values(argv: list[str], option: str) -> list[str]:
    return [argv[i + 1] for i, word in enumerate(argv) if word == option]


def test_alarm_setup_gets_the_log_group_and_namespace_the_worker_writes_to(environment):
    result = _deploy(environment, "--notify-email", "oncall@example.com")
    assert result.returncode == 0, result.stdout + result.stderr
    argv = _apply_argv(environment)
    settings = environment.settings
    assert _values(argv, "--endpoint") == [settings.endpoint_name]
    # The worker's RAG_LOG_GROUP and RAG_METRICS_NAMESPACE come from the same settings.
    worker = settings.model_environment("arn:secret", settings.region)
    assert _values(argv, "--log-group") == [worker["RAG_LOG_GROUP"]] == [f"/aws/sagemaker/Endpoints/{settings.endpoint_name}"]
    assert _values(argv, "--namespace") == [worker["RAG_METRICS_NAMESPACE"]]


def test_without_a_notification_target_the_deploy_warns_loudly(environment):
    result = _deploy(environment)
    assert result.returncode == 0, result.stdout + result.stderr
    warning = f"deploy: WARNING: no notification target: the alarms of {environment.settings.endpoint_name} " \
              "will notify NOBODY."
    assert result.stderr.count(warning) == 2, "said before any change and again at the end"
    argv = _apply_argv(environment)
    assert "--notify-email" not in argv and "--topic-arn" not in argv


def test_notification_flags_reach_alarm_setup(environment):
    topic = "arn:aws:sns:us-east-1:123456789012:oncall-pager"
    result = _deploy(environment, "--notify-email", "a@example.com", "--notify-email", "b@example.com",
                     "--notify-topic", topic)
    assert result.returncode == 0, result.stdout + result.stderr
    argv = _apply_argv(environment)
    assert _values(argv, "--notify-email") == ["a@example.com", "b@example.com"]
    assert _values(argv, "--topic-arn") == [topic]
    assert "WARNING" not in result.stderr


def test_notification_target_from_the_settings_file(environment):
    document = json.loads(environment.settings_file.read_text())
    document["environments"]["dev"]["notify_emails"] = ["team@example.com"]
    environment.settings_file.write_text(json.dumps(document))
    result = _deploy(environment)
    assert result.returncode == 0, result.stdout + result.stderr
    assert _values(_apply_argv(environment), "--notify-email") == ["team@example.com"]
    assert "WARNING" not in result.stderr


@pytest.mark.parametrize("flags, message", [
    (("--notify-email", "not-an-address"), "'not-an-address' is not an e-mail address"),
    (("--notify-topic", "arn:aws:sns:eu-west-1:123456789012:t"), "CloudWatch notifies topics of its own region"),
])
def test_bad_notification_targets_are_refused_before_any_change(environment, flags, message):
    result = environment.deploy("--skip-cdk", "--secrets-only", "--secrets-file", str(environment.secrets_file()[0]),
                                *flags)
    assert result.returncode == 1
    assert message in result.stderr


@pytest.mark.parametrize("status, outcome", [(3, 0), (1, 1)])
def test_only_a_refused_composite_alarm_is_tolerated(environment, status, outcome):
    result = _deploy(environment, "--notify-email", "a@example.com", env={"FAKE_TOOL_APPLY_STATUS": str(status)})
    assert result.returncode == outcome, result.stdout + result.stderr
    if status == 3:
        assert "WARNING: the API refused the composite alarm" in result.stdout
    else:
        assert "alarm-setup apply failed with exit code 1" in result.stderr
