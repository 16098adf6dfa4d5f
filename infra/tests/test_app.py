"""infra/app.py (what `cdk deploy` runs) builds the environment its context names."""

from __future__ import annotations

import importlib.util
import json

from infra_support import INFRA


def _app_module():
    spec = importlib.util.spec_from_file_location("rag_worker_app", INFRA / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_app_builds_prod_from_context(tmp_path, monkeypatch, variants):
    # Depends on `variants` so the jsii runtime is already up: this adds one small synth.
    import aws_cdk as cdk

    monkeypatch.delenv("CDK_DEFAULT_ACCOUNT", raising=False)
    app = cdk.App(outdir=str(tmp_path), context={"env": "prod", "imageTag": "c-0123456789ab"})
    stack = _app_module().build(app)
    app.synth()
    assert stack.stack_name == "RagWorker-prod"
    template = json.loads((tmp_path / "RagWorker-prod.template.json").read_text())
    endpoints = [r for r in template["Resources"].values() if r["Type"] == "AWS::SageMaker::Endpoint"]
    assert [e["Properties"]["EndpointName"] for e in endpoints] == ["rag-worker-prod"]
    # Without an account the stack is environment-agnostic: zones come from Fn::GetAZs, never dummies.
    assert "dummy" not in json.dumps(template)
    assert "Fn::GetAZs" in json.dumps(template)


def test_app_builds_the_foundation_phase_without_an_image(tmp_path, variants):
    import aws_cdk as cdk

    app = cdk.App(outdir=str(tmp_path), context={"env": "dev", "phase": "foundation"})
    stack = _app_module().build(app)
    assert stack.endpoint is None and stack.repository is not None
