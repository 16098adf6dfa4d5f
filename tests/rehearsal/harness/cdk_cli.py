"""Stands in for the CDK CLI (`npx aws-cdk@2 ...`) in the rehearsal: `bootstrap` and `deploy`.

`deploy` does what the CLI and CloudFormation do, against moto:
1. runs the app as the CLI runs it (`--app`, in the current directory, with the context of cdk.json,
   cdk.context.json and `-c`, CDK_DEFAULT_ACCOUNT/REGION from the caller's credentials, and the
   availability zones the CLI would look up) and reads the stack's template from the assembly;
2. assumes the bootstrap's deploy role with the caller's credentials (so the deployer policy must
   allow it) and checks the template's bootstrap-version rule with that role;
3. creates what the template declares, as CloudFormation's execution role would
   (harness/cloudformation.py), including the endpoint, which SageMaker brings into service by
   starting the container (the rehearsal's SageMaker host: `$REHEARSAL_SAGEMAKER`) and passing
   `/ping`; a container that exits or never answers fails the deploy, as it fails the stack;
4. writes `--outputs-file` like the CLI.

With `$REHEARSAL_SYNTH_SOCKET` the app runs in a warm process (harness/synth_service.py).
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness import cloudformation, synth_service  # noqa: E402
from harness.aws import for_moto  # noqa: E402

QUALIFIER = "hnb659fds"
BOOTSTRAP_VERSION = "30"


class CdkError(RuntimeError):
    pass


def _state() -> Path:
    return Path(os.environ["REHEARSAL_STATE"])


def _session(**keys):
    import boto3

    return boto3.session.Session(region_name=_region(), **keys)


def _region() -> str:
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if not region:
        raise CdkError("Unable to resolve AWS region: set AWS_REGION")
    return region


def _service_session():
    """CloudFormation's execution role: the account owner's keys the rehearsal hands over."""
    keys = json.loads(os.environ["REHEARSAL_CLOUDFORMATION_KEYS"])
    return _session(aws_access_key_id=keys["access_key"], aws_secret_access_key=keys["secret_key"])


def role_names(account: str, region: str) -> dict[str, str]:
    return {kind: f"cdk-{QUALIFIER}-{kind}-role-{account}-{region}"
            for kind in ("deploy", "cfn-exec", "lookup", "file-publishing", "image-publishing")}


# MARK: bootstrap

def bootstrap(argv: list[str]) -> None:
    """`cdk bootstrap aws://ACCOUNT/REGION`, run by someone allowed to create IAM roles."""
    targets = [a for a in argv if a.startswith("aws://")]
    caller = _session()
    account = caller.client("sts").get_caller_identity()["Account"]
    region = _region()
    if targets and targets[0] != f"aws://{account}/{region}":
        raise CdkError(f"{targets[0]} is not the account and region of your credentials (aws://{account}/{region})")
    print(f" ⏳  Bootstrapping environment aws://{account}/{region}...")
    iam = caller.client("iam")
    # CDK trusts the account root ("anyone in the account whose own policy allows sts:AssumeRole");
    # moto does not read :root that way, so the trust names every principal and the caller's own
    # policy decides, which is what the :root trust means.
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]})
    policies = {
        "deploy": {"Statement": [{"Effect": "Allow", "Action": [
            "cloudformation:*", "ssm:GetParameter", "ssm:GetParameters", "iam:PassRole", "s3:*"], "Resource": "*"}]},
        "cfn-exec": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
        "lookup": {"Statement": [{"Effect": "Allow", "Action": ["ec2:Describe*", "ssm:GetParameter"], "Resource": "*"}]},
        "file-publishing": {"Statement": [{"Effect": "Allow", "Action": ["s3:*"], "Resource": "*"}]},
        "image-publishing": {"Statement": [{"Effect": "Allow", "Action": ["ecr:*"], "Resource": "*"}]},
    }
    for kind, name in role_names(account, region).items():
        try:
            iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)
        except iam.exceptions.EntityAlreadyExistsException:
            pass
        iam.put_role_policy(RoleName=name, PolicyName="default",
                            PolicyDocument=json.dumps({"Version": "2012-10-17", **policies[kind]}))
    caller.client("ssm").put_parameter(Name=f"/cdk-bootstrap/{QUALIFIER}/version", Value=BOOTSTRAP_VERSION,
                                       Type="String", Overwrite=True)
    print(f" ✅  Environment aws://{account}/{region} bootstrapped.")


# MARK: deploy

def _arguments(argv: list[str]) -> tuple[list[str], dict[str, str], dict[str, str]]:
    stacks: list[str] = []
    context: dict[str, str] = {}
    options: dict[str, str] = {}
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg in ("-c", "--context"):
            key, _, value = argv[index + 1].partition("=")
            context[key] = value
            index += 2
        elif arg in ("--app", "-a", "--outputs-file", "-O", "--require-approval", "--profile", "--region"):
            options[arg.lstrip("-")] = argv[index + 1]
            index += 2
        elif arg.startswith("-"):
            options[arg.lstrip("-")] = "true"
            index += 1
        else:
            stacks.append(arg)
            index += 1
    return stacks, context, options


def _project_context(cwd: Path) -> tuple[dict, str | None]:
    project = json.loads((cwd / "cdk.json").read_text()) if (cwd / "cdk.json").exists() else {}
    context = dict(project.get("context", {}))
    saved = cwd / "cdk.context.json"
    if saved.exists():
        context.update(json.loads(saved.read_text()))
    return context, project.get("app")


def synthesize(app: str, cwd: Path, context: dict, environment: dict, outdir: Path) -> None:
    socket_path = os.environ.get("REHEARSAL_SYNTH_SOCKET")
    words = shlex.split(app)
    if socket_path and len(words) == 2 and words[1].endswith(".py") and Path(words[0]).name.startswith("python"):
        synth_service.request(socket_path, {"app_file": str((cwd / words[1]).resolve()), "outdir": str(outdir),
                                            "context": context, "environment": environment})
        return
    result = subprocess.run(app, shell=True, cwd=cwd, capture_output=True, text=True,
                            env={**os.environ, **environment, "CDK_OUTDIR": str(outdir),
                                 "CDK_CONTEXT_JSON": json.dumps(context)})
    if result.returncode != 0:
        raise CdkError(f"the app failed ({result.returncode}):\n{result.stdout}{result.stderr}")


def deploy(argv: list[str]) -> None:
    stacks, flags_context, options = _arguments(argv)
    cwd = Path.cwd()
    context, default_app = _project_context(cwd)
    context.update(flags_context)
    app = options.get("app") or options.get("a") or default_app
    if not app:
        raise CdkError("--app is required either in command-line, in cdk.json or in ~/.cdk.json")
    if options.get("require-approval") != "never":
        raise CdkError("this deploy changes IAM: without --require-approval never it waits for a 'y' on stdin")
    caller = _session()
    account = caller.client("sts").get_caller_identity()["Account"]
    region = _region()
    zones = [z["ZoneName"] for z in _service_session().client("ec2").describe_availability_zones()["AvailabilityZones"]]
    # The CLI looks these up (lookup role) and saves them in cdk.context.json; the rehearsal hands
    # them over without writing into the repository.
    context.setdefault(f"availability-zones:account={account}:region={region}", zones)
    context.update({"aws:cdk:enable-path-metadata": True, "aws:cdk:enable-asset-metadata": True,
                    "aws:cdk:version-reporting": True})
    with tempfile.TemporaryDirectory(prefix="cdk.out-") as outdir:
        synthesize(app, cwd, context, {"CDK_DEFAULT_ACCOUNT": account, "CDK_DEFAULT_REGION": region}, Path(outdir))
        manifest = json.loads((Path(outdir) / "manifest.json").read_text())
        if manifest.get("missing"):
            raise CdkError(f"the app needs context lookups the rehearsal does not emulate: {manifest['missing']}")
        artifacts = {name: a for name, a in manifest["artifacts"].items() if a["type"] == "aws:cloudformation:stack"}
        selected = stacks or list(artifacts)
        if len(selected) != 1 or selected[0] not in artifacts:
            raise CdkError(f"no single stack to deploy among {sorted(artifacts)} (asked for {stacks})")
        stack_name = selected[0]
        template = json.loads((Path(outdir) / artifacts[stack_name]["properties"]["templateFile"]).read_text())
    (_state() / "templates").mkdir(exist_ok=True)
    (_state() / "templates" / f"{stack_name}.{context.get('phase', 'full')}.json").write_text(json.dumps(template, indent=1))

    print(f"\n✨  Synthesis time: n/a (rehearsal)\n\n{stack_name}: deploying... [1/1]")
    deploy_role = role_names(account, region)["deploy"]
    try:
        credentials = caller.client("sts").assume_role(
            RoleArn=f"arn:aws:iam::{account}:role/{deploy_role}", RoleSessionName="cdk-deploy")["Credentials"]
    except caller.client("sts").exceptions.ClientError as error:
        raise CdkError(f"could not assume {deploy_role} (run `cdk bootstrap`, and allow sts:AssumeRole on the "
                       f"cdk-{QUALIFIER}-* roles): {error}") from None
    deploy_session = _session(aws_access_key_id=credentials["AccessKeyId"],
                              aws_secret_access_key=credentials["SecretAccessKey"],
                              aws_session_token=credentials["SessionToken"])
    parameters = {}
    for name, parameter in template.get("Parameters", {}).items():
        if parameter["Type"].startswith("AWS::SSM::Parameter::Value"):
            try:
                parameters[name] = deploy_session.client("ssm").get_parameter(Name=parameter["Default"])["Parameter"]["Value"]
            except deploy_session.client("ssm").exceptions.ParameterNotFound:
                raise CdkError(f"{stack_name}: SSM parameter {parameter['Default']} not found. Has the environment "
                               "been bootstrapped? Please run 'cdk bootstrap'") from None
    _check_rules(template, parameters)

    service = _service_session()
    outputs = cloudformation.StackDeployer(
        stack_name=stack_name, template=template, state_file=_state() / f"stack-{stack_name}.json",
        clients=service.client, region=region, account=account, zones=zones, parameters=parameters,
        on_role=_role_identity(service), on_endpoint=_bring_into_service,
        say=lambda line: print(line, flush=True)).deploy()
    print(f"\n ✅  {stack_name}\n\nOutputs:")
    for key, value in outputs.items():
        print(f"{stack_name}.{key} = {value}")
    outputs_file = options.get("outputs-file") or options.get("O")
    if outputs_file:
        Path(outputs_file).write_text(json.dumps({stack_name: outputs}, indent=2))


def _check_rules(template: dict, parameters: dict[str, str]) -> None:
    for name, rule in template.get("Rules", {}).items():
        for assertion in rule.get("Assertions", []):
            if not _evaluate(assertion["Assert"], parameters):
                raise CdkError(f"rule {name} failed: {assertion.get('AssertDescription', '')}")


def _evaluate(node, parameters):
    if isinstance(node, dict) and len(node) == 1:
        (key, value), = node.items()
        if key == "Fn::Not":
            return not _evaluate(value[0], parameters)
        if key == "Fn::Contains":
            return _evaluate(value[1], parameters) in [_evaluate(v, parameters) for v in value[0]]
        if key == "Ref":
            return parameters[value]
        raise CdkError(f"rule function {key} is not emulated")
    return node


def _role_identity(service):
    """Makes a moto user with the role's statements (Resource "*", see harness/aws.for_moto) and
    keeps its keys: the SageMaker host gives them to the container in place of the role."""
    def make(role_arn: str, role_name: str, statements: list[dict]) -> None:
        iam = service.client("iam")
        user = f"{role_name}-session"[:64]
        iam.create_user(UserName=user)
        key = iam.create_access_key(UserName=user)["AccessKey"]
        iam.put_user_policy(UserName=user, PolicyName="role-statements",
                            PolicyDocument=json.dumps(for_moto({"Statement": statements})))
        roles = _state() / "roles"
        roles.mkdir(exist_ok=True)
        (roles / f"{role_name}.json").write_text(json.dumps({
            "role_arn": role_arn, "access_key": key["AccessKeyId"], "secret_key": key["SecretAccessKey"],
            "statements": statements}))
    return make


def _bring_into_service(endpoint_name: str) -> None:
    url = f"{os.environ['REHEARSAL_SAGEMAKER']}/_rehearsal/endpoints/{endpoint_name}/start"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="POST", data=b"{}"), timeout=600) as answer:
            print(f"{endpoint_name}: {answer.read().decode()}")
    except urllib.error.HTTPError as error:
        raise CdkError(f"Endpoint {endpoint_name} failed: {error.read().decode()}") from None


def main(argv: list[str]) -> int:
    with open(_state() / "commands.log", "a") as log:
        log.write(json.dumps({"tool": "cdk", "argv": argv, "cwd": os.getcwd()}) + "\n")
    commands = {"bootstrap": bootstrap, "deploy": deploy}
    if not argv or argv[0] not in commands:
        print(f"cdk (rehearsal stand-in): {argv[:1]} is not emulated", file=sys.stderr)
        return 1
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        commands[argv[0]](argv[1:])
    except (CdkError, cloudformation.TemplateError, RuntimeError, ClientError, BotoCoreError) as error:
        print(f"\n ❌  {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
