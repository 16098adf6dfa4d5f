"""Defence in depth for the worker's logs: the endpoint's log group carries a CloudWatch Logs data
protection policy (managed identifiers masked at ingestion, findings audited to a group of their
own), and the S3 bucket for captured prompts exists only when capture goes to S3: encrypted,
private, TLS only, expiring its objects, writable by the worker's role under the prefix only."""

from __future__ import annotations

import pytest
from aws_cdk.assertions import Match

from rag_worker_infra.stack import DATA_PROTECTION_IDENTIFIERS

FULL = ("dev", "prod", "existing", "capture")


def _identifier_names(statement) -> set[str]:
    return {arn["Fn::Join"][1][-1].rsplit("/", 1)[-1] if isinstance(arn, dict) else arn.rsplit("/", 1)[-1]
            for arn in statement["DataIdentifier"]}


@pytest.mark.parametrize("name", FULL + ("foundation",))
def test_endpoint_log_group_masks_personal_data_and_keys_and_audits_to_its_own_group(variants, name):
    variant = variants[name]
    _, group = variant.endpoint_log_group
    policy = group["Properties"]["DataProtectionPolicy"]
    assert policy["Version"] == "2021-06-01"
    audit, redact = policy["Statement"]
    for statement in (audit, redact):
        assert {"EmailAddress", "AwsSecretKey", "PhoneNumber-US", "OpenSshPrivateKey"} <= _identifier_names(statement)
        assert _identifier_names(statement) == set(DATA_PROTECTION_IDENTIFIERS)
    assert redact["Operation"] == {"Deidentify": {"MaskConfig": {}}}
    destination = audit["Operation"]["Audit"]["FindingsDestination"]
    assert destination == {"CloudWatchLogs": {"LogGroup": variant.settings.audit_log_group_name}}


@pytest.mark.parametrize("name", FULL + ("foundation",))
def test_audit_group_exists_before_the_policy_that_writes_to_it_and_keeps_findings_apart(variants, name):
    variant = variants[name]
    audit_id, audit = variant.log_group(variant.settings.audit_log_group_name)
    _, group = variant.endpoint_log_group
    assert audit_id in group["DependsOn"]
    assert audit["Properties"]["LogGroupName"] != variant.settings.log_group_name
    assert "DataProtectionPolicy" not in audit["Properties"]
    assert audit["Properties"]["RetentionInDays"] == variant.settings.log_retention_days


@pytest.mark.parametrize("name", ("dev", "prod", "existing", "foundation"))
def test_no_capture_bucket_and_no_capture_setting_unless_capture_goes_to_s3(variants, name):
    variant = variants[name]
    assert variant.resources("AWS::S3::Bucket") == {}
    for model in variant.resources("AWS::SageMaker::Model").values():
        assert "RAG_CAPTURE_CONTENT" not in model["Properties"]["PrimaryContainer"]["Environment"]
    assert "CaptureBucketName" not in variant.template["Outputs"]


def test_capture_bucket_is_encrypted_private_and_expires_captures(variants):
    variant = variants["capture"]
    settings = variant.settings
    bucket = variant.only("AWS::S3::Bucket")["Properties"]
    assert bucket["BucketEncryption"] == {"ServerSideEncryptionConfiguration": [
        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    (rule,) = bucket["LifecycleConfiguration"]["Rules"]
    assert rule["Status"] == "Enabled"
    assert rule["Prefix"] == f"{settings.capture_prefix}/"
    assert rule["ExpirationInDays"] == settings.capture_retention_days == 7
    assert rule["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}
    variant.assertions.has_resource_properties("AWS::S3::BucketPolicy", {
        "PolicyDocument": {"Statement": Match.array_with([Match.object_like({
            "Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})])}})


def test_capture_bucket_is_named_to_the_worker_with_its_prefix(variants):
    variant = variants["capture"]
    (bucket_id,) = variant.resources("AWS::S3::Bucket")
    environment = variant.only("AWS::SageMaker::Model")["Properties"]["PrimaryContainer"]["Environment"]
    assert environment["RAG_CAPTURE_CONTENT"] == {"Fn::Join": ["", ["s3://", {"Ref": bucket_id}, "/debug/captures"]]}


def test_role_may_only_put_encrypted_objects_under_the_capture_prefix(variants):
    variant = variants["capture"]
    (bucket_id,) = variant.resources("AWS::S3::Bucket")
    statements = variant.only("AWS::IAM::Role")["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    s3_statements = [s for s in statements if any(str(a).startswith("s3:") for a in
                                                   (s["Action"] if isinstance(s["Action"], list) else [s["Action"]]))]
    (statement,) = s3_statements
    assert statement["Sid"] == "WriteCapturedContent"
    assert statement["Effect"] == "Allow"
    assert statement["Action"] in ("s3:PutObject", ["s3:PutObject"])
    assert statement["Resource"] == {"Fn::Join": ["", [{"Fn::GetAtt": [bucket_id, "Arn"]}, "/debug/captures/*"]]}
    assert statement["Condition"] == {"StringEquals": {"s3:x-amz-server-side-encryption": "AES256"}}


def test_capture_local_sets_the_worker_and_creates_no_bucket():
    from infra_support import ACCOUNT, REGION
    from rag_worker_infra.settings import load_settings

    settings = load_settings("dev", overrides={"account": ACCOUNT, "region": REGION, "capture_content": "local"})
    environment = settings.model_environment("arn:secret", REGION)
    assert environment["RAG_CAPTURE_CONTENT"] == "local"
