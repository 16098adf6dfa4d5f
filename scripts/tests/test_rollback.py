"""scripts/rollback picks the image pushed before the running one (or --to), against moto."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from deploylib.errors import DeployError
from deploylib.registry import PushedImage
from deploylib.rollback import previous_tag, running_tag


def _deploy(environment, tag: str):
    return environment.deploy("--skip-cdk", "--role-arn", environment.create_role(), "--skip-build",
                              "--image-tag", tag, "--secrets-file", str(environment.secrets_file()[0]),
                              "--skip-alarms", "--skip-smoke", "--poll", "0.05")


def test_rollback_targets_the_image_pushed_before_the_running_one(environment):
    environment.moto.client("ecr").create_repository(repositoryName=environment.settings.repository_name)
    for tag in ("c-000000000001", "c-000000000002", "c-000000000003"):
        environment.push_fake_image(tag)
    deployed = _deploy(environment, "c-000000000003")
    assert deployed.returncode == 0, deployed.stderr

    default = environment.deploy("--dry-run", script="rollback")
    assert default.returncode == 0, default.stderr
    assert f"rollback {environment.settings.endpoint_name}: c-000000000003 -> c-000000000002" in default.stdout

    chosen = environment.deploy("--dry-run", "--to", "c-000000000001", script="rollback")
    assert "c-000000000003 -> c-000000000001" in chosen.stdout

    unknown = environment.deploy("--dry-run", "--to", "c-ffffffffffff", script="rollback")
    assert unknown.returncode == 1
    assert "c-ffffffffffff is not in ECR" in unknown.stderr


def test_rollback_without_an_endpoint_says_so(environment):
    environment.moto.client("ecr").create_repository(repositoryName=environment.settings.repository_name)
    result = environment.deploy("--dry-run", script="rollback")
    assert result.returncode == 1
    assert "does not exist: nothing to roll back" in result.stderr


def _history(*entries):
    start = datetime(2026, 11, 1)
    return [PushedImage(tag, start - timedelta(hours=i), digest) for i, (tag, digest) in enumerate(entries)]


def test_previous_tag_skips_tags_of_the_same_image_and_refuses_when_none_is_older():
    history = _history(("c-3", "sha256:c"), ("again", "sha256:c"), ("c-2", "sha256:b"), ("c-1", "sha256:a"))
    assert previous_tag("c-3", history) == "c-2"
    assert previous_tag("c-2", history) == "c-1"
    with pytest.raises(DeployError, match="no image older than c-1"):
        previous_tag("c-1", history)
    with pytest.raises(DeployError, match="--to"):
        previous_tag(None, history)


def test_running_tag_reads_a_tag_or_looks_up_a_digest():
    history = _history(("c-2", "sha256:b"), ("c-1", "sha256:a"))
    assert running_tag("123.dkr.ecr.us-east-1.amazonaws.com/repo:c-2", history) == "c-2"
    assert running_tag("123.dkr.ecr.us-east-1.amazonaws.com/repo@sha256:a", history) == "c-1"
    assert running_tag("localhost:5000/repo", history) is None


def test_rollback_on_a_fresh_account_is_a_clean_error(environment):
    """No repository, no endpoint: one line saying so, no traceback."""
    result = environment.deploy("--dry-run", script="rollback")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("rollback: error: ")
    assert f"endpoint {environment.settings.endpoint_name} does not exist: nothing to roll back" in result.stderr


def test_rollback_with_an_endpoint_but_no_repository_is_a_clean_error(environment):
    """An endpoint made elsewhere (no repository under the settings' name): named, no traceback."""
    environment.moto.client("ecr").create_repository(repositoryName=environment.settings.repository_name)
    environment.push_fake_image("c-000000000001")
    assert _deploy(environment, "c-000000000001").returncode == 0
    environment.moto.client("ecr").delete_repository(repositoryName=environment.settings.repository_name, force=True)
    result = environment.deploy("--dry-run", script="rollback")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"repository {environment.settings.repository_name} does not exist" in result.stderr
