"""infra/app.py (what `cdk deploy` runs) builds the environment its context names."""

from __future__ import annotations

import importlib.util
import json
import re
import shlex

import pytest

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


def _settings_without_shared_store(tmp_path):
    document = json.loads((INFRA / "settings.json").read_text())
    document["environments"]["dev"]["shared_store"] = False
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(document))
    return path


def test_synth_refuses_more_than_one_instance_without_a_shared_store(tmp_path, variants):
    import aws_cdk as cdk

    from rag_worker_infra.settings import SettingsError

    context = {"env": "dev", "imageTag": "c-0123456789ab", "settings": str(_settings_without_shared_store(tmp_path))}
    with pytest.raises(SettingsError, match=r"max_instances is 2 but shared_store is false"):
        _app_module().build(cdk.App(outdir=str(tmp_path / "out"), context=context))


def test_cdk_synth_of_the_app_fails_with_the_message_naming_both_settings(tmp_path):
    # What `cdk synth` / `cdk deploy` run: `python3 app.py` with the context in CDK_CONTEXT_JSON.
    import os
    import subprocess
    import sys

    context = {"env": "dev", "imageTag": "c-0123456789ab", "settings": str(_settings_without_shared_store(tmp_path))}
    result = subprocess.run(
        [sys.executable, "app.py"], cwd=INFRA, capture_output=True, text=True, timeout=300,
        env={**os.environ, "CDK_CONTEXT_JSON": json.dumps(context), "CDK_OUTDIR": str(tmp_path / "out")})
    assert result.returncode != 0
    assert "max_instances is 2 but shared_store is false" in result.stderr
    assert "Set shared_store: true (and DATABASE_URL) or max_instances: 1" in result.stderr
    assert "Traceback" not in result.stderr


_DESTROY = re.compile(r"(?:npx (?:--yes )?aws-cdk@2|\bcdk) destroy[^`\n]*")


def _documented_destroy_commands() -> list[tuple[str, str]]:
    """(line, command) of every `cdk destroy` the deployment guide shows."""
    text = (INFRA.parent / "docs" / "deployment.md").read_text()
    return [(line, match.group(0)) for line in text.splitlines() for match in _DESTROY.finditer(line)]


def test_the_guide_shows_cdk_destroy_at_least_once():
    assert _documented_destroy_commands()


@pytest.mark.parametrize("line, command", _documented_destroy_commands() or [("", "")])
def test_documented_cdk_destroy_synthesizes_as_written(tmp_path, variants, line, command):
    """What the CDK CLI would do first for the command as written: run infra/app.py (cdk.json's
    `app`, so the command must run in infra/) with cdk.json's context plus the command's `-c`."""
    import aws_cdk as cdk

    words = shlex.split(command, comments=True)
    assert "cd infra &&" in line or "--app" in words, f"{command!r} must run in infra/ (cdk.json) or name --app"
    stacks = [word for i, word in enumerate(words[words.index("destroy") + 1:], words.index("destroy") + 1)
              if not word.startswith("-") and words[i - 1] not in ("-c", "--context", "--app")]
    context = dict(json.loads((INFRA / "cdk.json").read_text()).get("context", {}))
    context.update(words[i + 1].split("=", 1) for i, word in enumerate(words) if word in ("-c", "--context"))
    app = cdk.App(outdir=str(tmp_path), context=context)
    stack = _app_module().build(app)
    app.synth()
    assert stacks == [stack.stack_name], f"{command!r} names {stacks}, the app builds {stack.stack_name}"
    assert (tmp_path / f"{stack.stack_name}.template.json").exists()
