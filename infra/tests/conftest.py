"""Synthesizes every stack variant once per test session (one `App`, one synth: about 20 s)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

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


def _variant_settings() -> dict[str, tuple[Settings, dict]]:
    pinned = {"account": ACCOUNT, "region": REGION}
    dev = load_settings("dev", overrides=pinned)
    prod = load_settings("prod", overrides=pinned)
    existing = load_settings("prod", overrides={
        **pinned,
        "secret_arn": IMPORTED_SECRET_ARN,
        "network": {"mode": "existing", "vpc_id": EXISTING_VPC, "subnet_ids": list(EXISTING_SUBNETS)},
    })
    existing = replace(existing, env="shared")
    return {
        "dev": (dev, {"image_tag": IMAGE_TAG}),
        "prod": (prod, {"image_tag": IMAGE_TAG}),
        "existing": (existing, {"image_digest": IMAGE_DIGEST}),
        "foundation": (replace(dev, env="first"), {"phase": "foundation"}),
    }


@pytest.fixture(scope="session")
def variants(tmp_path_factory) -> dict[str, Variant]:
    import aws_cdk as cdk
    from aws_cdk.assertions import Template

    from rag_worker_infra.stack import RagWorkerStack

    # With an explicit account and region, ec2.Vpc reads the zones from this context key and
    # silently falls back to dummy zones without it (TOOLCHAIN.md): give it what `cdk` would look up.
    app = cdk.App(
        outdir=str(tmp_path_factory.mktemp("cdk.out")),
        context={f"availability-zones:account={ACCOUNT}:region={REGION}": ZONES},
    )
    stacks = {}
    for name, (settings, options) in _variant_settings().items():
        stacks[name] = (settings, RagWorkerStack(
            app, f"RagWorker-{name}", settings=settings,
            env=cdk.Environment(account=settings.account, region=settings.region), **options,
        ))
    app.synth()
    result = {}
    for name, (settings, stack) in stacks.items():
        assertions = Template.from_stack(stack)
        result[name] = Variant(name, settings, assertions.to_json(), assertions)
    return result


@pytest.fixture(scope="session")
def template_files(variants, tmp_path_factory) -> list[Path]:
    import json

    folder = tmp_path_factory.mktemp("templates")
    paths = []
    for name, variant in variants.items():
        path = folder / f"{name}.template.json"
        path.write_text(json.dumps(variant.template, indent=1))
        paths.append(path)
    return paths
