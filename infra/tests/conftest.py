"""Synthesizes every stack variant once per test session (one `App`, one synth: about 15 s)."""

from __future__ import annotations

import pytest

from infra_support import ACCOUNT, REGION, ZONES, Variant, variant_settings


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
    for name, (settings, options) in variant_settings().items():
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
