"""Names, settings and the Variant type shared by the infra tests (conftest.py builds the stacks)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path

INFRA = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(INFRA))
# jsii prints a banner on Node 20 (end of life); it says nothing about our code.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from rag_worker_infra.settings import Settings, load_settings  # noqa: E402

ACCOUNT = "123456789012"
REGION = "us-east-1"
ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"]
IMAGE_TAG = "c-0123456789ab"
IMAGE_DIGEST = "sha256:" + "ab" * 32
IMPORTED_SECRET_ARN = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:shared/rag-worker-AbC123"
EXISTING_VPC = "vpc-0a1b2c3d4e5f60718"
EXISTING_SUBNETS = ("subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2")


@dataclass(frozen=True)
class Variant:
    """One synthesized stack: its settings and its CloudFormation template (a dict)."""

    name: str
    settings: Settings
    template: dict
    assertions: object  # aws_cdk.assertions.Template

    def resources(self, cfn_type: str) -> dict[str, dict]:
        return {key: value for key, value in self.template["Resources"].items() if value["Type"] == cfn_type}

    def only(self, cfn_type: str) -> dict:
        found = list(self.resources(cfn_type).values())
        assert len(found) == 1, f"expected one {cfn_type}, found {len(found)}"
        return found[0]

    def log_group(self, name: str) -> tuple[str, dict]:
        """(logical id, resource) of the log group named `name`."""
        (found,) = [(key, value) for key, value in self.resources("AWS::Logs::LogGroup").items()
                    if value["Properties"]["LogGroupName"] == name]
        return found

    @property
    def endpoint_log_group(self) -> tuple[str, dict]:
        """The endpoint's log group (stdout and the worker's exporter), as (logical id, resource)."""
        return self.log_group(self.settings.log_group_name)


def variant_settings() -> dict[str, tuple[Settings, dict]]:
    pinned = {"account": ACCOUNT, "region": REGION}
    dev = load_settings("dev", overrides=pinned)
    prod = load_settings("prod", overrides=pinned)
    existing = load_settings("prod", overrides={
        **pinned,
        "secret_arn": IMPORTED_SECRET_ARN,
        "target_invocations_per_instance": 40,
        "network": {"mode": "existing", "vpc_id": EXISTING_VPC, "subnet_ids": list(EXISTING_SUBNETS)},
    })
    existing = replace(existing, env="shared")
    capture = load_settings("dev", overrides={**pinned, "capture_content": "s3", "capture_prefix": "debug/captures",
                                              "capture_retention_days": 7})
    capture = replace(capture, env="capture", endpoint_name="rag-worker-capture")
    traced = load_settings("dev", overrides={**pinned, "xray_traces": True})
    return {
        "dev": (dev, {"image_tag": IMAGE_TAG}),
        "traced": (replace(traced, env="traced"), {"image_tag": IMAGE_TAG}),
        "prod": (prod, {"image_tag": IMAGE_TAG}),
        "existing": (existing, {"image_digest": IMAGE_DIGEST}),
        "foundation": (replace(dev, env="first"), {"phase": "foundation"}),
        "capture": (capture, {"image_tag": IMAGE_TAG}),
    }
