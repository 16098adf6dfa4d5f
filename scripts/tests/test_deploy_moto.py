"""scripts/deploy's own AWS calls against moto_server with authentication on (build/push and
`cdk deploy` skipped: no Docker engine here, and moto's CloudFormation creates no real secrets)."""

from __future__ import annotations

import json

import pytest

from deploylib import endpoint as endpoint_api
from deploylib.settings_bridge import load_settings
from deploylib.registry import lifecycle_policy

TAG = "c-0123456789ab"
FAST = ("--poll", "0.05", "--timeout", "30")
NO_BINARIES = ("--skip-alarms", "--skip-smoke")


def _assert_no_value_leaked(result, values: dict[str, str]) -> None:
    for key, value in values.items():
        assert value not in result.stdout, f"{key}'s value appeared on stdout"
        assert value not in result.stderr, f"{key}'s value appeared on stderr"


def test_first_deploy_creates_repository_secret_and_endpoint_and_waits_for_in_service(environment):
    settings = environment.settings
    role = environment.create_role()
    secrets_file, values = environment.secrets_file()
    common = ("--skip-cdk", "--role-arn", role, "--skip-build", "--image-tag", TAG,
              "--secrets-file", str(secrets_file), *FAST, *NO_BINARIES)

    # The tag is not pushed yet: the run stops at the image step, after creating the repository.
    missing = environment.deploy(*common)
    assert missing.returncode == 1
    assert f"{settings.repository_name}:{TAG} is not in ECR" in missing.stderr
    ecr = environment.moto.client("ecr")
    (repository,) = ecr.describe_repositories(repositoryNames=[settings.repository_name])["repositories"]
    assert repository["imageTagMutability"] == "IMMUTABLE"
    assert repository["imageScanningConfiguration"] == {"scanOnPush": True}
    policy = json.loads(ecr.get_lifecycle_policy(repositoryName=settings.repository_name)["lifecyclePolicyText"])
    assert policy == lifecycle_policy(settings)

    environment.push_fake_image(TAG)
    result = environment.deploy(*common)
    assert result.returncode == 0, result.stdout + result.stderr
    _assert_no_value_leaked(result, values)
    assert f"repository {repository['repositoryUri']}: exists" in result.stdout
    assert "secret arn:aws:secretsmanager:" in result.stdout and ": created (version" in result.stdout
    assert f"endpoint {settings.endpoint_name}: InService" in result.stdout
    assert f"aws logs tail /aws/sagemaker/Endpoints/{settings.endpoint_name}" in result.stdout

    (group,) = environment.moto.client("logs").describe_log_groups(
        logGroupNamePrefix=settings.log_group_name)["logGroups"]
    assert group["retentionInDays"] == settings.log_retention_days
    secretsmanager = environment.moto.client("secretsmanager")
    stored = secretsmanager.get_secret_value(SecretId=settings.secret_name)
    assert json.loads(stored["SecretString"]) == values
    sagemaker = environment.moto.client("sagemaker")
    assert sagemaker.describe_endpoint(EndpointName=settings.endpoint_name)["EndpointStatus"] == "InService"
    model = endpoint_api.current_model(sagemaker, settings.endpoint_name)
    assert model["PrimaryContainer"]["Image"] == f"{repository['repositoryUri']}:{TAG}"
    assert model["PrimaryContainer"]["Environment"] == settings.model_environment(stored["ARN"], "us-east-1")
    assert model["PrimaryContainer"]["Environment"]["RAG_PLATFORM"] == "sagemaker"
    assert model["ExecutionRoleArn"] == role
    config = sagemaker.describe_endpoint_config(EndpointConfigName=sagemaker.describe_endpoint(
        EndpointName=settings.endpoint_name)["EndpointConfigName"])
    (variant,) = config["ProductionVariants"]
    assert (variant["VariantName"], variant["InstanceType"]) == ("AllTraffic", "ml.t2.medium")


def test_secret_rotation_updates_restores_and_skips_unchanged_values_without_echoing_them(environment):
    settings = environment.settings
    first_file, first = environment.secrets_file()
    second_file, second = environment.secrets_file()
    secretsmanager = environment.moto.client("secretsmanager")

    def put(path):
        result = environment.deploy("--skip-cdk", "--secrets-only", "--secrets-file", str(path))
        assert result.returncode == 0, result.stdout + result.stderr
        _assert_no_value_leaked(result, first)
        _assert_no_value_leaked(result, second)
        return result.stdout

    assert ": created (version" in put(first_file)
    assert ": updated (version" in put(second_file)
    assert json.loads(secretsmanager.get_secret_value(SecretId=settings.secret_name)["SecretString"]) == second
    assert ": unchanged (version" in put(second_file)
    assert ": restored (version" in put(first_file)
    # Ask for AWSCURRENT by name: moto's default version does not follow UpdateSecretVersionStage
    # (AWS's does: without a stage, GetSecretValue returns AWSCURRENT).
    current = secretsmanager.get_secret_value(SecretId=settings.secret_name, VersionStage="AWSCURRENT")
    assert json.loads(current["SecretString"]) == first
    output = put(first_file)
    assert "keys COHERE_API_KEY, DATABASE_URL, OPENAI_API_KEY, SUPABASE_KEY, SUPABASE_URL, WEBHOOK_SECRET, " \
           "WEBHOOK_URL" in output


def test_invalid_secrets_file_changes_nothing_and_names_keys_not_values(environment):
    path, values = environment.secrets_file(DATABASE_URL=None, WEBHOOK_URL="http://plain.example.com/hook",
                                            OPENAI_KEY="sk-typo-value-123")
    result = environment.deploy("--skip-cdk", "--secrets-only", "--secrets-file", str(path))
    assert result.returncode == 1
    assert "missing or empty: DATABASE_URL" in result.stderr
    assert "unknown keys (typo?): OPENAI_KEY" in result.stderr
    assert "WEBHOOK_URL must be an https:// URL" in result.stderr
    _assert_no_value_leaked(result, values)
    secretsmanager = environment.moto.client("secretsmanager")
    with pytest.raises(secretsmanager.exceptions.ResourceNotFoundException):
        secretsmanager.describe_secret(SecretId=environment.settings.secret_name)


def test_basic_auth_in_the_secrets_file_is_refused_for_sagemaker(environment):
    path, values = environment.secrets_file(BASIC_AUTH_USER="ops", BASIC_AUTH_PASS="pw-" + "7" * 20)
    result = environment.deploy("--skip-cdk", "--secrets-only", "--secrets-file", str(path))
    assert result.returncode == 1
    assert "BASIC_AUTH_USER, BASIC_AUTH_PASS: not for a SageMaker endpoint" in result.stderr
    _assert_no_value_leaked(result, values)
    secretsmanager = environment.moto.client("secretsmanager")
    with pytest.raises(secretsmanager.exceptions.ResourceNotFoundException):
        secretsmanager.describe_secret(SecretId=environment.settings.secret_name)


def test_requests_are_signed_and_checked(environment):
    wrong_secret = environment.deploy("--skip-cdk", "--secrets-only",
                                      "--secrets-file", str(environment.secrets_file()[0]),
                                      secret_key="not-the-secret-key")
    assert wrong_secret.returncode == 1
    assert "SignatureDoesNotMatch" in wrong_secret.stderr
    unknown_key = environment.deploy("--skip-cdk", "--secrets-only",
                                     "--secrets-file", str(environment.secrets_file()[0]),
                                     access_key="AKIAUNKNOWNKEY000000")
    assert unknown_key.returncode == 1
    assert "InvalidClientTokenId" in unknown_key.stderr


def test_skip_cdk_without_a_role_says_what_is_missing(environment):
    environment.deploy("--skip-cdk", "--secrets-only", "--secrets-file", str(environment.secrets_file()[0]))
    environment.moto.client("ecr").create_repository(repositoryName=environment.settings.repository_name)
    environment.push_fake_image(TAG)
    result = environment.deploy("--skip-cdk", "--skip-build", "--image-tag", TAG, *NO_BINARIES)
    assert result.returncode == 1
    assert "--skip-cdk needs --role-arn" in result.stderr


def test_deploy_without_secrets_file_requires_the_secret_to_have_a_value(environment):
    environment.moto.client("ecr").create_repository(repositoryName=environment.settings.repository_name)
    environment.push_fake_image(TAG)
    result = environment.deploy("--skip-cdk", "--skip-build", "--image-tag", TAG, "--role-arn",
                                environment.create_role(), *NO_BINARIES)
    assert result.returncode == 1
    assert f"secret {environment.settings.secret_name} does not exist: pass --secrets-file" in result.stderr


@pytest.mark.parametrize("variable", ("AWS_REGION", "AWS_DEFAULT_REGION"))
def test_a_region_variable_that_differs_from_the_settings_is_refused_before_any_change(environment, variable):
    path, _ = environment.secrets_file()
    result = environment.deploy("--skip-cdk", "--secrets-only", "--secrets-file", str(path),
                                extra_env={variable: "eu-west-1"})
    assert result.returncode == 1
    assert f"{variable}=eu-west-1, but the settings put dev in us-east-1" in result.stderr
    assert "Traceback" not in result.stderr
    secretsmanager = environment.moto.client("secretsmanager")
    with pytest.raises(secretsmanager.exceptions.ResourceNotFoundException):
        secretsmanager.describe_secret(SecretId=environment.settings.secret_name)
    rollback = environment.deploy("--dry-run", script="rollback", extra_env={variable: "eu-west-1"})
    assert rollback.returncode == 1 and f"{variable}=eu-west-1" in rollback.stderr


def test_the_same_region_in_the_environment_is_accepted(environment):
    path, _ = environment.secrets_file()
    result = environment.deploy("--skip-cdk", "--secrets-only", "--secrets-file", str(path),
                                extra_env={"AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1"})
    assert result.returncode == 0, result.stderr


def test_both_environments_instance_types_are_accepted_by_sagemaker_in_moto(environment):
    """moto checks instance types against its list (ml.g5.xlarge is refused there): the types in
    infra/settings.json are real-time hosting types it knows."""
    sagemaker = environment.moto.client("sagemaker")
    sagemaker.create_model(ModelName=f"{environment.name}-types", ExecutionRoleArn=environment.create_role(),
                           PrimaryContainer={"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/r:t"})

    def config(instance_type: str, suffix: str) -> None:
        sagemaker.create_endpoint_config(EndpointConfigName=f"{environment.name}-{suffix}", ProductionVariants=[{
            "VariantName": "AllTraffic", "ModelName": f"{environment.name}-types", "InstanceType": instance_type,
            "InitialInstanceCount": 1}])

    for env in ("dev", "prod"):
        config(load_settings(env).instance_type, env)
    with pytest.raises(sagemaker.exceptions.ClientError, match="ml.q9.nonexistent|InstanceType|instance"):
        config("ml.q9.nonexistent", "unknown")
