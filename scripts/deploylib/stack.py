"""CloudFormation: the stack's outputs, and the `cdk deploy` command for each phase."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from .settings_bridge import REPO_ROOT, Settings

INFRA = REPO_ROOT / "infra"
DEFAULT_CDK = "npx --yes aws-cdk@2"


def stack_outputs(client, stack_name: str) -> dict[str, str] | None:
    """`{OutputKey: OutputValue}` of a deployed stack, or None when there is no such stack."""
    try:
        stacks = client.describe_stacks(StackName=stack_name)["Stacks"]
    except client.exceptions.ClientError as error:
        if "does not exist" in str(error):
            return None
        raise
    return {o["OutputKey"]: o["OutputValue"] for o in stacks[0].get("Outputs", [])}


def cdk_deploy_command(cdk: str, settings: Settings, *, phase: str, image_tag: str | None,
                       settings_file: Path | None, outputs_file: Path) -> list[str]:
    """`cdk deploy` of the environment's stack, run from infra/ with this interpreter as the app."""
    app = f"{shlex.quote(sys.executable)} app.py"
    command = [*shlex.split(cdk), "deploy", settings.stack_name, "--app", app, "--require-approval", "never",
               "--outputs-file", str(outputs_file), "-c", f"env={settings.env}", "-c", f"phase={phase}"]
    if image_tag:
        command += ["-c", f"imageTag={image_tag}"]
    if settings_file:
        command += ["-c", f"settings={Path(settings_file).resolve()}"]
    return command
