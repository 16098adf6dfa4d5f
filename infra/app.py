#!/usr/bin/env python3
"""CDK app: `cdk deploy -c env=dev -c imageTag=TAG` (scripts/deploy runs it for you).

Context: `env` (dev|prod, default dev), `imageTag` or `imageDigest` (the image the model runs),
`phase` (`foundation` for the first deployment's repository and secret, default `full`),
`settings` (another settings file instead of infra/settings.json).
"""

import os
import sys

import aws_cdk as cdk

from rag_worker_infra.settings import SettingsError, load_settings
from rag_worker_infra.stack import RagWorkerStack


def build(app: cdk.App) -> RagWorkerStack:
    """Adds the stack of the environment named by the app's context."""
    context = app.node.try_get_context
    settings = load_settings(context("env") or "dev", context("settings"))
    account = settings.account or os.environ.get("CDK_DEFAULT_ACCOUNT")
    return RagWorkerStack(
        app,
        settings.stack_name,
        settings=settings,
        image_tag=context("imageTag"),
        image_digest=context("imageDigest"),
        phase=context("phase") or "full",
        env=cdk.Environment(account=account, region=settings.region),
        description=f"RAG Worker ({settings.env}): SageMaker endpoint, ECR, secret, logs, network",
    )


if __name__ == "__main__":
    app = cdk.App()
    try:
        build(app)
    except SettingsError as error:
        # What `cdk synth` / `cdk deploy` show: every problem of the settings, no traceback.
        print(f"infra/app.py: {error}", file=sys.stderr)
        sys.exit(1)
    app.synth()
