"""infra/settings.json loads for both environments, and bad values are refused with every problem named."""

from __future__ import annotations

import json

import pytest

from rag_worker_infra.settings import (
    DEFAULT_SETTINGS_FILE,
    VARIANT_NAME,
    SettingsError,
    check_region,
    image_reference,
    load_settings,
    required_secret_keys,
)


def test_both_environments_load_from_the_committed_file():
    dev, prod = load_settings("dev"), load_settings("prod")
    assert (dev.endpoint_name, prod.endpoint_name) == ("rag-worker-dev", "rag-worker-prod")
    assert (dev.stack_name, prod.stack_name) == ("RagWorker-dev", "RagWorker-prod")
    assert dev.log_group_name == "/aws/sagemaker/Endpoints/rag-worker-dev"
    assert prod.min_instances >= 2, "prod keeps two instances (two zones) at all times"
    assert VARIANT_NAME == "AllTraffic"


def test_unknown_environment_names_the_known_ones():
    with pytest.raises(SettingsError, match="dev, prod"):
        load_settings("staging")


@pytest.mark.parametrize("overrides, message", [
    ({"instance_type": "t3.medium"}, "must be a SageMaker type"),
    ({"min_instances": 3, "max_instances": 2}, "min_instances <= max_instances"),
    ({"initial_instance_count": 5}, "initial_instance_count must lie between"),
    ({"startup_health_check_timeout_seconds": 30}, "60..3600"),
    ({"log_retention_days": 10}, "not a CloudWatch value"),
    ({"secret_arn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:rag"}, "complete ARN"),
    ({"endpoint_name": "rag_worker"}, "not a valid SageMaker name"),
    ({"network": {"mode": "existing"}}, "network.vpc_id"),
    ({"network": {"mode": "existing", "vpc_id": "vpc-1", "subnet_ids": ["subnet-1"]}}, "at least two"),
    ({"network": {"max_azs": 1}}, "at least 2"),
    ({"network": {"nat_gateway": 1}}, "unknown network settings: nat_gateway"),
    ({"instance_typ": "ml.m5.large"}, "unexpected keyword argument 'instance_typ'"),
    ({"notify_emails": ["oncall"]}, "'oncall' is not an e-mail address"),
    ({"notify_topic_arn": "arn:aws:sqs:us-east-1:123456789012:q"}, "is not an SNS topic ARN"),
    ({"notify_topic_arn": "arn:aws:sns:eu-west-1:123456789012:t"}, "notifies topics of its own region only"),
    ({"shared_store": False}, "max_instances is 2 but shared_store is false"),
    ({"shared_store": "yes"}, "shared_store must be true or false"),
    ({"concurrency": 0}, "concurrency must be a whole number within 1..256"),
    ({"target_backlog_per_instance": 0}, "target_backlog_per_instance must be positive"),
    ({"target_invocations_per_instance": -5}, "target_invocations_per_instance must be positive, or null"),
])
def test_invalid_settings_are_refused(overrides, message):
    with pytest.raises(SettingsError, match=message):
        load_settings("dev", overrides=overrides)


def test_without_a_shared_store_one_instance_is_valid_and_the_secret_needs_supabase_instead():
    dev = load_settings("dev", overrides={"shared_store": False, "max_instances": 1})
    assert dev.model_environment("arn:secret", dev.region)["RAG_MAX_INSTANCES"] == "1"
    assert "DATABASE_URL" not in required_secret_keys(False)
    assert {"SUPABASE_URL", "SUPABASE_KEY"} <= set(required_secret_keys(False))
    assert "DATABASE_URL" in required_secret_keys(True)


def test_all_problems_are_reported_at_once():
    with pytest.raises(SettingsError) as raised:
        load_settings("dev", overrides={"instance_type": "t3.medium", "log_retention_days": 10})
    assert "ml.*" in str(raised.value) and "CloudWatch" in str(raised.value)


def test_settings_file_can_be_replaced(tmp_path):
    path = tmp_path / "settings.json"
    defaults = json.loads(DEFAULT_SETTINGS_FILE.read_text())["defaults"]
    path.write_text(json.dumps({"defaults": defaults, "environments": {"qa": {"endpoint_name": "rag-qa"}}}))
    assert load_settings("qa", path).endpoint_name == "rag-qa"


def test_image_reference_is_a_tag_or_a_digest():
    assert image_reference("c-0123", None) == ":c-0123"
    assert image_reference(None, "sha256:" + "0" * 64) == "@sha256:" + "0" * 64
    for tag, digest in ((None, None), ("a", "sha256:" + "0" * 64), ("bad tag", None), (None, "md5:1")):
        with pytest.raises(SettingsError):
            image_reference(tag, digest)


def test_region_variables_must_agree_with_the_settings():
    dev = load_settings("dev")
    check_region(dev, {"AWS_REGION": dev.region, "AWS_DEFAULT_REGION": "", "HOME": "/root"})
    with pytest.raises(SettingsError, match="AWS_DEFAULT_REGION=eu-central-1, but the settings put dev in us-east-1"):
        check_region(dev, {"AWS_DEFAULT_REGION": "eu-central-1"})
