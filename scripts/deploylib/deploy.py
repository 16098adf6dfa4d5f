"""scripts/deploy: image → ECR, secret → Secrets Manager, stack → SageMaker, then alarms, a smoke
test through SageMaker Runtime, and where to see the job's telemetry. docs/deployment.md explains
each step and flag."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from . import credentials, endpoint, logs, registry, secrets, smoke
from .content_tag import content_tag, source_commit, uncommitted_inputs
from .envfile import SecretsFileError, parse_env_file, secret_payload
from .errors import DeployError
from .settings_bridge import REPO_ROOT, SettingsError, check_region, load_settings
from .stack import DEFAULT_CDK, INFRA, cdk_deploy_command, stack_outputs
from .tools import ALARM_SETUP_BIN, RAG_WORKER_BIN, Runner, resolve_binary

DEFAULT_JOB = REPO_ROOT / "fixtures" / "jobs" / "minimal.json"
COMPOSITE_REFUSED = 3
"""`alarm-setup apply`'s exit status when only the composite alarm was refused (emulators lack it)."""


def build_parser(prog: str = "deploy") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog, description="Deploy RAG Worker to its SageMaker endpoint (docs/deployment.md).")
    parser.add_argument("--env", default="dev", help="environment in infra/settings.json (default dev)")
    parser.add_argument("--settings", type=Path, help="another settings file instead of infra/settings.json")
    parser.add_argument("--secrets-file", type=Path,
                        help="env file (KEY=VALUE) whose keys become the secret's JSON; values are never printed")
    parser.add_argument("--secrets-only", action="store_true", help="only put the secret, then stop")
    parser.add_argument("--image-tag", help="deploy this tag (default: the content tag of the sources)")
    parser.add_argument("--allow-uncommitted", action="store_true",
                        help="build from uncommitted changes to the image inputs (the tag is then dirty-<hash>)")
    parser.add_argument("--skip-build", action="store_true",
                        help="do not build or push: the tag must already be in ECR")
    parser.add_argument("--promote-from", metavar="ENV",
                        help="copy --image-tag from ENV's repository instead of building (docker pull/push)")
    parser.add_argument("--skip-cdk", action="store_true",
                        help="no `cdk deploy`: create the repository, secret and endpoint with API calls")
    parser.add_argument("--role-arn", help="execution role for --skip-cdk (default: the stack's output)")
    parser.add_argument("--cdk", default=os.environ.get("CDK", DEFAULT_CDK),
                        help=f"command that runs the CDK CLI (default: $CDK or '{DEFAULT_CDK}')")
    parser.add_argument("--skip-alarms", action="store_true", help="do not run `alarm-setup apply`")
    parser.add_argument("--notify-email", action="append", metavar="ADDR",
                        help="e-mail address subscribed to the alarm topic (repeatable; replaces the settings' "
                             "notify_emails)")
    parser.add_argument("--notify-topic", metavar="ARN",
                        help="existing SNS topic the alarms notify (replaces the settings' notify_topic_arn)")
    parser.add_argument("--alarm-arg", action="append", default=[], metavar="ARG",
                        help="extra argument for `alarm-setup apply` (repeatable)")
    parser.add_argument("--skip-smoke", action="store_true", help="do not invoke the endpoint afterwards")
    parser.add_argument("--job", type=Path, default=DEFAULT_JOB, help="job JSON for the smoke test")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds to wait for InService")
    parser.add_argument("--poll", type=float, default=20, help="seconds between status checks")
    parser.add_argument("--endpoint-url", help="AWS endpoint override (an emulator); sets AWS_ENDPOINT_URL")
    return parser


class Deployment:
    """One run of the deploy script; each method is one step of docs/deployment.md."""

    def __init__(self, args: argparse.Namespace, out=sys.stdout) -> None:
        import boto3

        self.args = args
        self.out = out
        overrides = {}
        if getattr(args, "notify_email", None):
            overrides["notify_emails"] = args.notify_email
        if getattr(args, "notify_topic", None):
            overrides["notify_topic_arn"] = args.notify_topic
        self.settings = load_settings(args.env, args.settings, overrides=overrides or None)
        check_region(self.settings, os.environ)
        if args.endpoint_url:
            os.environ["AWS_ENDPOINT_URL"] = args.endpoint_url
        environment = {**os.environ, "AWS_REGION": self.settings.region,
                       "AWS_DEFAULT_REGION": self.settings.region}
        self.runner = Runner(environment, out)
        self.session = boto3.session.Session(region_name=self.settings.region)
        self.ecr = self.session.client("ecr")
        self.secretsmanager = self.session.client("secretsmanager")
        self.sagemaker = self.session.client("sagemaker")
        self.cloudformation = self.session.client("cloudformation")

    def tool_environment(self) -> dict[str, str]:
        """The environment for a Swift tool: the deploying identity's credentials resolved by boto3
        (SSO, role_arn and credential_process profiles included) and the settings' region."""
        return credentials.tool_environment(self.session, self.runner.environment)

    def say(self, message: str) -> None:
        print(f"==> {message}", file=self.out, flush=True)

    def run(self) -> int:
        settings, args = self.settings, self.args
        # Read and check the secrets file before changing anything.
        values = parse_env_file(args.secrets_file) if args.secrets_file else None
        payload = secret_payload(values, shared_store=settings.shared_store) if values is not None else None
        self.secret_keys = sorted(values or ())
        account = self.session.client("sts").get_caller_identity()["Account"]
        self.say(f"{settings.env}: endpoint {settings.endpoint_name} in {settings.region}, account {account}")
        if not args.secrets_only and not args.skip_alarms:
            self.warn_without_notification_target()
        if args.secrets_only:
            if payload is None:
                raise DeployError("--secrets-only needs --secrets-file")
            infrastructure = self.infrastructure(create=False)
            self.put_secret(infrastructure, payload)
            return 0

        # The tag before any change: uncommitted image inputs stop the deploy here.
        tag = args.image_tag or content_tag(REPO_ROOT, allow_uncommitted=getattr(args, "allow_uncommitted", False))
        if tag.startswith("dirty-"):
            self.say(f"warning: image {tag} is built from uncommitted changes; no commit holds its sources")
        infrastructure = self.infrastructure(create=True)
        image_uri = self.image(infrastructure, tag)
        secret_arn = self.put_secret(infrastructure, payload) if payload else \
            secrets.require_value(self.secretsmanager, infrastructure["SecretArn"])
        self.deploy_endpoint(infrastructure, tag, image_uri, secret_arn)
        endpoint.wait_in_service(self.sagemaker, settings.endpoint_name, timeout=args.timeout, poll=args.poll,
                                 report=self.say)
        if not args.skip_alarms:
            self.apply_alarms(infrastructure)
        job = {} if args.skip_smoke else self.smoke_test(tag)
        self.say("deployed; telemetry:")
        for line in smoke.telemetry_lines(settings, settings.region, job):
            print("    " + line, file=self.out)
        if not args.skip_alarms:
            self.warn_without_notification_target()
        return 0

    # MARK: steps

    def infrastructure(self, *, create: bool) -> dict[str, str]:
        """Repository URI, secret id, role ARN and network of the environment."""
        settings, args = self.settings, self.args
        outputs = stack_outputs(self.cloudformation, settings.stack_name)
        if args.skip_cdk:
            outputs = dict(outputs or {})
            if create:
                uri, created = registry.ensure_repository(self.ecr, settings)
                self.say(f"repository {uri}: {'created' if created else 'exists'}")
                outputs["RepositoryUri"] = uri
                created = logs.ensure_log_group(self.session.client("logs"), settings)
                self.say(f"log group {settings.log_group_name}: {'created' if created else 'exists'}, "
                         f"retention {settings.log_retention_days} days")
            outputs.setdefault("SecretArn", settings.secret_arn or settings.secret_name)
            return outputs
        if outputs is None:
            if not create:
                raise DeployError(f"stack {settings.stack_name} does not exist: deploy it first")
            self.say(f"first deployment: creating {settings.stack_name} without the endpoint (foundation)")
            outputs = self.cdk_deploy(phase="foundation", tag=None)
        return outputs

    def image(self, infrastructure: dict[str, str], tag: str) -> str:
        settings, args = self.settings, self.args
        uri = infrastructure["RepositoryUri"]
        if args.promote_from:
            if not args.image_tag:
                raise DeployError("--promote-from needs --image-tag")
            source = load_settings(args.promote_from, args.settings)
            source_uri = self.ecr.describe_repositories(
                repositoryNames=[source.repository_name])["repositories"][0]["repositoryUri"]
            self.say(f"promoting {source_uri}:{tag} to {uri}:{tag}")
            registry.require_image(self.ecr, source.repository_name, tag)
            if not registry.image_exists(self.ecr, settings.repository_name, tag):
                registry.pull(self.runner, self.ecr, f"{source_uri}:{tag}")
                registry.push(self.runner, self.ecr, f"{source_uri}:{tag}", uri, tag)
        elif args.skip_build:
            registry.require_image(self.ecr, settings.repository_name, tag)
            self.say(f"image {uri}:{tag} (already in ECR; build skipped)")
        elif registry.image_exists(self.ecr, settings.repository_name, tag):
            self.say(f"image {uri}:{tag} is already in ECR (same sources): nothing to build")
        else:
            self.say(f"building image {tag}")
            local = f"rag-worker:{tag}"
            # ml.t2/ml.m5 instances are x86_64: build for it even on an arm64 laptop.
            self.runner.run(["docker", "build", "--pull", "--platform", "linux/amd64", "--tag", local,
                             "--label", f"rag-worker.content-tag={tag}",
                             "--label", f"rag-worker.source-commit={self.source_label()}", str(REPO_ROOT)],
                            what="docker build")
            registry.push(self.runner, self.ecr, local, uri, tag)
        return f"{uri}:{tag}"

    @staticmethod
    def source_label() -> str:
        """HEAD's id, with `+uncommitted` when the image inputs differ from it ("unknown" outside git)."""
        try:
            commit = source_commit(REPO_ROOT)
            return commit + ("+uncommitted" if uncommitted_inputs(REPO_ROOT) else "")
        except DeployError:
            return "unknown"

    def put_secret(self, infrastructure: dict[str, str], payload: str) -> str:
        settings = self.settings
        create_name = settings.secret_name if self.args.skip_cdk and not settings.secret_arn else None
        written = secrets.put_secret(
            self.secretsmanager, infrastructure["SecretArn"], payload, create_with_name=create_name,
            description=f"RAG Worker ({settings.env}) configuration; put by scripts/deploy")
        self.say(f"secret {written.arn}: {written.outcome} (version {written.version_id}; "
                 f"keys {', '.join(self.secret_keys)})")
        return written.arn

    def deploy_endpoint(self, infrastructure: dict[str, str], tag: str, image_uri: str, secret_arn: str) -> None:
        settings, args = self.settings, self.args
        if not args.skip_cdk:
            self.cdk_deploy(phase="full", tag=tag)
            return
        role_arn = args.role_arn or infrastructure.get("ExecutionRoleArn")
        if not role_arn:
            raise DeployError("--skip-cdk needs --role-arn (or a deployed stack whose output names the role)")
        vpc_config = None
        if infrastructure.get("SecurityGroupId") and infrastructure.get("SubnetIds"):
            vpc_config = {"SecurityGroupIds": [infrastructure["SecurityGroupId"]],
                          "Subnets": infrastructure["SubnetIds"].split(",")}
        else:
            running = endpoint.current_model(self.sagemaker, settings.endpoint_name)
            vpc_config = (running or {}).get("VpcConfig")
        if vpc_config is None:
            self.say("warning: no VPC configuration known (no stack, no running model): endpoint without VPC")
        outcome = endpoint.deploy_by_api(self.sagemaker, settings, image_uri=image_uri, tag=tag, role_arn=role_arn,
                                         secret_arn=secret_arn, region=settings.region, vpc_config=vpc_config)
        self.say(f"endpoint {settings.endpoint_name}: {outcome} with {image_uri}")

    def cdk_deploy(self, *, phase: str, tag: str | None) -> dict[str, str]:
        import json

        with tempfile.TemporaryDirectory() as folder:
            outputs_file = Path(folder) / "outputs.json"
            command = cdk_deploy_command(self.args.cdk, self.settings, phase=phase, image_tag=tag,
                                         settings_file=self.args.settings, outputs_file=outputs_file)
            self.say(f"cdk deploy ({phase})")
            self.runner.run(command, cwd=INFRA, what="cdk deploy")
            if outputs_file.exists():
                return json.loads(outputs_file.read_text()).get(self.settings.stack_name, {})
        return stack_outputs(self.cloudformation, self.settings.stack_name) or {}

    def alarm_setup_arguments(self, infrastructure: dict[str, str]) -> list[str]:
        """`alarm-setup apply` for this endpoint: the log group and namespace the worker writes to
        (the stack's output, else the settings it is built from), and the notification target."""
        settings = self.settings
        log_group = infrastructure.get("LogGroupName") or settings.log_group_name
        arguments = ["apply", "--endpoint", settings.endpoint_name, "--log-group", log_group,
                     "--namespace", settings.metrics_namespace,
                     "--scaling-target", f"{settings.target_backlog_per_instance:g}"]
        if settings.notify_topic_arn:
            arguments += ["--topic-arn", settings.notify_topic_arn]
        for address in settings.notify_emails:
            arguments += ["--notify-email", address]
        return arguments + list(getattr(self.args, "alarm_arg", []))

    def apply_alarms(self, infrastructure: dict[str, str]) -> None:
        self.say("alarms and dashboard")
        result = self.runner.run([resolve_binary(ALARM_SETUP_BIN), *self.alarm_setup_arguments(infrastructure)],
                                 what="alarm-setup apply", environment=self.tool_environment(),
                                 accept=(0, COMPOSITE_REFUSED))
        if result.returncode == COMPOSITE_REFUSED:
            self.say(f"WARNING: the API refused the composite alarm {self.settings.endpoint_name}-page (the one that "
                     "pages): every other alarm is in place, but check cloudwatch:PutCompositeAlarm for this identity")

    def warn_without_notification_target(self) -> None:
        if self.settings.notify_emails or self.settings.notify_topic_arn:
            return
        for line in (f"WARNING: no notification target: the alarms of {self.settings.endpoint_name} will notify "
                     "NOBODY.",
                     "WARNING: pass --notify-email ADDR or --notify-topic ARN, or set notify_emails / "
                     "notify_topic_arn in infra/settings.json."):
            print(f"{getattr(self.args, 'prog', 'deploy')}: {line}", file=sys.stderr, flush=True)

    def smoke_test(self, tag: str) -> dict:
        settings = self.settings
        self.say("smoke test through SageMaker Runtime")
        with tempfile.TemporaryDirectory() as folder:
            job_file = smoke.smoke_job(self.args.job, settings, tag, Path(folder))
            result = self.runner.run([resolve_binary(RAG_WORKER_BIN), "invoke", "--endpoint", settings.endpoint_name,
                                      "--job", job_file], capture=True, what="rag-worker invoke",
                                     environment=self.tool_environment())
        # `rag-worker invoke` exits non-zero unless the endpoint accepted the job.
        return smoke.accepted_job(result.stdout or "")


def main(argv: list[str] | None = None, prog: str = "deploy") -> int:
    import botocore.exceptions

    args = build_parser(prog).parse_args(argv)
    args.prog = prog
    try:
        return Deployment(args).run()
    except (DeployError, SettingsError, SecretsFileError) as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
    except botocore.exceptions.ClientError as error:
        # The AWS error code and message (e.g. AccessDenied, SignatureDoesNotMatch); never a value we sent.
        print(f"{prog}: error: AWS said {error}", file=sys.stderr)
    except botocore.exceptions.BotoCoreError as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
