"""scripts/rollback: redeploy the image that was pushed before the one the endpoint runs now (or
`--to TAG`), through the same steps as scripts/deploy with the build skipped."""

from __future__ import annotations

import argparse
import os
import sys

from . import deploy, endpoint, registry
from .errors import DeployError
from .settings_bridge import SettingsError, check_region, load_settings


def running_tag(image_uri: str, history: list[registry.PushedImage]) -> str | None:
    """The tag of `repo:tag`, or of `repo@sha256:...` looked up by digest in the history."""
    if "@" in image_uri:
        digest = image_uri.rsplit("@", 1)[1]
        return next((image.tag for image in history if image.digest == digest), None)
    return image_uri.rsplit(":", 1)[1] if ":" in image_uri.rsplit("/", 1)[-1] else None


def previous_tag(current: str | None, history: list[registry.PushedImage]) -> str:
    """The newest tag pushed before `current` (history is newest first)."""
    if current is None:
        raise DeployError("cannot tell which tag the endpoint runs: name the target with --to")
    tags = [image.tag for image in history]
    if current not in tags:
        raise DeployError(f"running tag {current} is no longer in ECR: name the target with --to")
    position = tags.index(current)
    current_digest = history[position].digest
    for image in history[position + 1:]:
        if image.digest != current_digest:
            return image.tag
    raise DeployError(f"no image older than {current} in ECR: nothing to roll back to")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="rollback", description="Point the endpoint back at the previous image (docs/deployment.md).",
        epilog="Other options (--skip-cdk, --skip-smoke, --timeout, ...) are passed on to scripts/deploy.")
    parser.add_argument("--env", default="dev")
    parser.add_argument("--settings")
    parser.add_argument("--to", metavar="TAG", help="the tag to go back to (default: the one pushed before)")
    parser.add_argument("--dry-run", action="store_true", help="say what would be deployed, change nothing")
    parser.add_argument("--endpoint-url", help="AWS endpoint override (an emulator); sets AWS_ENDPOINT_URL")
    known, passthrough = parser.parse_known_args(argv)
    if known.endpoint_url:
        os.environ["AWS_ENDPOINT_URL"] = known.endpoint_url
    import boto3
    import botocore.exceptions

    try:
        settings = load_settings(known.env, known.settings)
        check_region(settings, os.environ)
        session = boto3.session.Session(region_name=settings.region)
        ecr, sagemaker = session.client("ecr"), session.client("sagemaker")
        model = endpoint.current_model(sagemaker, settings.endpoint_name)
        if model is None:
            raise DeployError(f"endpoint {settings.endpoint_name} does not exist: nothing to roll back "
                              f"(deploy first: scripts/deploy --env {settings.env})")
        history = registry.image_history(ecr, settings.repository_name)
        current = running_tag(model["PrimaryContainer"]["Image"], history)
        target = known.to or previous_tag(current, history)
        registry.require_image(ecr, settings.repository_name, target)
        print(f"==> rollback {settings.endpoint_name}: {current or '?'} -> {target}", flush=True)
        if known.dry_run:
            return 0
    except (DeployError, SettingsError) as error:
        print(f"rollback: error: {error}", file=sys.stderr)
        return 1
    except botocore.exceptions.ClientError as error:
        print(f"rollback: error: AWS said {error}", file=sys.stderr)
        return 1
    except botocore.exceptions.BotoCoreError as error:
        print(f"rollback: error: {error}", file=sys.stderr)
        return 1
    arguments = ["--env", known.env, "--image-tag", target, "--skip-build", *passthrough]
    if known.settings:
        arguments += ["--settings", known.settings]
    return deploy.main(arguments, prog="rollback")


if __name__ == "__main__":
    sys.exit(main())
