"""Build, push and promote through the fake `docker` (fake_docker.py), whose registry side is the
ECR API calls a real push or pull makes, signed as the deployer: the documented deployer policy
must allow every one of them, and the deploy stops when it lacks any."""

from __future__ import annotations

import json

import pytest

import iam_support

TAG = "c-00112233aabb"
FAST = ("--poll", "0.05", "--timeout", "30")
NO_BINARIES = ("--skip-alarms", "--skip-smoke")

PUSH_ACTIONS = ("ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload",
                "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage")
PULL_ACTIONS = ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")


def _build_and_deploy(environment, **keys):
    return environment.deploy("--skip-cdk", "--role-arn", environment.create_role(), "--image-tag", TAG,
                              "--secrets-file", str(environment.secrets_file()[0]), *FAST, *NO_BINARIES, **keys)


def _with_source_environment(environment) -> str:
    """Adds environment `src` (its own repository) to the test's settings file; returns its name."""
    document = json.loads(environment.settings_file.read_text())
    document["environments"]["src"] = {**document["environments"]["dev"],
                                       "endpoint_name": f"{environment.name}-src", "repository_name":
                                       f"{environment.name}-src-repo", "secret_name": f"{environment.name}/src"}
    environment.settings_file.write_text(json.dumps(document))
    return "src"


def _promote(environment, **keys):
    source = _with_source_environment(environment)
    ecr = environment.moto.client("ecr")
    ecr.create_repository(repositoryName=f"{environment.name}-src-repo")
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 10,
                           "digest": "sha256:" + "1" * 64},
                "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 10,
                            "digest": "sha256:" + "2" * 64}]}
    ecr.put_image(repositoryName=f"{environment.name}-src-repo", imageTag=TAG, imageManifest=json.dumps(manifest))
    return environment.deploy("--skip-cdk", "--role-arn", environment.create_role(), "--promote-from", source,
                              "--image-tag", TAG, "--secrets-file", str(environment.secrets_file()[0]),
                              *FAST, *NO_BINARIES, **keys)


def test_build_logs_in_then_pushes_the_image_with_the_documented_policy(environment):
    result = _build_and_deploy(environment)
    assert result.returncode == 0, result.stdout + result.stderr
    commands = [call[0] for call in environment.docker_calls()]
    assert commands == ["build", "login", "tag", "push"]
    (build,) = [call for call in environment.docker_calls() if call[0] == "build"]
    assert build[build.index("--platform") + 1] == "linux/amd64"
    assert f"rag-worker.content-tag={TAG}" in build
    assert any(argument.startswith("rag-worker.source-commit=") for argument in build)
    ecr = environment.moto.client("ecr")
    (detail,) = ecr.describe_images(repositoryName=environment.settings.repository_name)["imageDetails"]
    assert detail["imageTags"] == [TAG]
    assert f"endpoint {environment.settings.endpoint_name}: InService" in result.stdout


def test_a_tag_already_in_ecr_is_not_built_again(environment):
    environment.moto.client("ecr").create_repository(repositoryName=environment.settings.repository_name)
    environment.push_fake_image(TAG)
    result = _build_and_deploy(environment)
    assert result.returncode == 0, result.stderr
    assert "is already in ECR (same sources): nothing to build" in result.stdout
    assert environment.docker_calls() == []


def test_promote_logs_in_to_the_source_registry_before_pulling_on_a_fresh_machine(environment):
    assert not environment.docker_config.exists(), "the test machine must have no earlier docker login"
    result = _promote(environment)
    assert result.returncode == 0, result.stdout + result.stderr
    commands = [call[0] for call in environment.docker_calls()]
    assert commands.index("login") < commands.index("pull") < commands.index("push")
    pulled = next(call for call in environment.docker_calls() if call[0] == "pull")[1]
    assert pulled.endswith(f"/{environment.name}-src-repo:{TAG}")
    ecr = environment.moto.client("ecr")
    (detail,) = ecr.describe_images(repositoryName=environment.settings.repository_name)["imageDetails"]
    assert detail["imageTags"] == [TAG]


@pytest.mark.parametrize("action", PUSH_ACTIONS)
def test_deploy_stops_when_the_policy_lacks_a_push_action(environment, action):
    key, secret = environment.moto.user(iam_support.for_moto(iam_support.load(), without=[action]))
    result = _build_and_deploy(environment, access_key=key, secret_key=secret)
    assert result.returncode == 1, result.stdout
    assert f"not authorized to perform: {action}" in result.stderr
    ecr = environment.moto.client("ecr")
    assert ecr.describe_images(repositoryName=environment.settings.repository_name)["imageDetails"] == []


@pytest.mark.parametrize("action", PULL_ACTIONS)
def test_promotion_stops_when_the_policy_lacks_a_pull_action(environment, action):
    key, secret = environment.moto.user(iam_support.for_moto(iam_support.load(), without=[action]))
    result = _promote(environment, access_key=key, secret_key=secret)
    assert result.returncode == 1, result.stdout
    assert f"not authorized to perform: {action}" in result.stderr
    assert "docker pull failed" in result.stderr
