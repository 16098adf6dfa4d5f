"""Per-environment settings of the RAG Worker deployment, read from infra/settings.json.

Pure Python on purpose: the CDK app and scripts/deploy both import this module, so the names,
sizes and the model's environment come from one place and cannot drift between them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import quote

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SETTINGS_FILE = REPO_ROOT / "infra" / "settings.json"
WORKER_POLICY_FILE = REPO_ROOT / "docs" / "iam" / "worker-policy.json"

VARIANT_NAME = "AllTraffic"
"""SageMaker production variant name (the scaling resource id and the alarms refer to it)."""

SECRET_REQUIRED_KEYS = (
    "OPENAI_API_KEY",
    "COHERE_API_KEY",
    "WEBHOOK_URL",
    "WEBHOOK_SECRET",
    "DATABASE_URL",
)
"""Keys the worker's secret must hold with a shared store (`shared_store: true`, the default):
`RAG_PROFILE=production` refuses to start without the providers and the webhook, and `DATABASE_URL`
keeps jobs off the instance's disk (SageMaker does not keep it), lets every instance claim any job,
and serves pgvector retrieval."""

SHARED_STORE_KEY = "DATABASE_URL"
"""The secret key that gives the deployment its shared job store (`shared_store` in the settings)."""


def required_secret_keys(shared_store: bool) -> tuple[str, ...]:
    """The secret's required keys: without a shared store, `DATABASE_URL` is not there, and
    retrieval needs Supabase's REST API instead (`SUPABASE_URL` and `SUPABASE_KEY`)."""
    if shared_store:
        return SECRET_REQUIRED_KEYS
    return tuple(key for key in SECRET_REQUIRED_KEYS if key != SHARED_STORE_KEY) + ("SUPABASE_URL", "SUPABASE_KEY")

SECRET_OPTIONAL_KEYS = (
    "SUPABASE_URL",
    "SUPABASE_KEY",
    "OPENAI_MODEL",
    "OPENAI_EMBEDDING_MODEL",
    "OPENAI_BASE_URL",
    "COHERE_BASE_URL",
    "COHERE_RERANK_MODEL",
)
"""Keys the secret may hold besides the required ones (configuration the worker also reads)."""

SECRET_REFUSED_KEYS = ("BASIC_AUTH_USER", "BASIC_AUTH_PASS")
"""Keys the worker reads that must not be set on a SageMaker endpoint: SageMaker checks the caller's
SigV4 `Authorization` at InvokeEndpoint and does not forward it, so with Basic auth on, every
invocation would reach the container without credentials and be refused with 401."""

PLANNING_SERVICE_SECONDS = 20.0
"""The mean time one job holds a runner slot that the scaling defaults were planned with (an
assumption until measured: `rag-worker capacity --service measured:cloudwatch`, docs/deployment.md)."""

PLATFORM = "sagemaker"
"""`RAG_PLATFORM` in the model's environment: tells the worker it runs behind InvokeEndpoint."""

_ENDPOINT_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
_INSTANCE_TYPE = re.compile(r"^ml\.[a-z0-9]+\.[a-z0-9]+$")
_SECRET_ARN = re.compile(r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TOPIC_ARN = re.compile(r"^arn:aws[a-z-]*:sns:(?P<region>[a-z0-9-]+):\d{12}:[A-Za-z0-9_-]{1,256}$")
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
_VALID_RETENTION_DAYS = {
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
    2922, 3288, 3653,
}


class SettingsError(ValueError):
    """Raised when infra/settings.json (or a context override) is invalid; lists every problem."""


@dataclass(frozen=True)
class NetworkSettings:
    """Where the endpoint's network interfaces live.

    `mode = "new"` builds a VPC with public subnets (NAT gateways) and private subnets for the
    endpoint; `mode = "existing"` uses `vpc_id` and `subnet_ids` (private subnets with a route to
    a NAT, in at least two availability zones, as SageMaker requires).
    """

    mode: str = "new"
    cidr: str = "10.40.0.0/16"
    max_azs: int = 2
    nat_gateways: int = 1
    availability_zones: tuple[str, ...] = ()
    vpc_id: str | None = None
    subnet_ids: tuple[str, ...] = ()
    postgres_cidrs: tuple[str, ...] = ("0.0.0.0/0",)
    https_cidrs: tuple[str, ...] = ("0.0.0.0/0",)


@dataclass(frozen=True)
class Settings:
    """Everything that differs between dev and prod; see docs/deployment.md for each field."""

    env: str
    region: str
    account: str | None
    endpoint_name: str
    repository_name: str
    secret_name: str
    secret_arn: str | None
    instance_type: str
    initial_instance_count: int
    min_instances: int
    max_instances: int
    scale_in_cooldown_seconds: int
    scale_out_cooldown_seconds: int
    startup_health_check_timeout_seconds: int
    termination_wait_seconds: int
    log_retention_days: int
    image_retention_count: int
    retain_on_delete: bool
    metrics_namespace: str
    log_level: str
    concurrency: int
    """`RAG_CONCURRENCY` of the model: jobs one instance runs at once (the scaling target depends on it)."""
    shared_store: bool
    """The secret holds `DATABASE_URL`: jobs live in Postgres, so any instance can take any of them.
    Without it each instance keeps what it accepted, and more than one instance cannot help."""
    target_backlog_per_instance: float
    """The scaling policy's target for `BacklogPerInstance` (docs/deployment.md, "Capacity and scaling")."""
    target_invocations_per_instance: float | None
    """A second target tracking policy on SageMaker's `InvocationsPerInstance`, or null for none."""
    network: NetworkSettings = field(default_factory=NetworkSettings)
    notify_emails: tuple[str, ...] = ()
    """Addresses alarm-setup subscribes to the alarm topic (each confirms by e-mail)."""
    notify_topic_arn: str | None = None
    """An existing SNS topic (same region) the alarms notify instead of the one alarm-setup creates."""
    capture_content: str = "off"
    """Prompt and reply capture for debugging (`RAG_CAPTURE_CONTENT`): `off`, `local` (the instance's ring
    buffer) or `s3` (a bucket of the stack, one encrypted object per job under `capture_prefix`)."""
    capture_prefix: str = "captures"
    """Where in the capture bucket the objects go; the role may write there only."""
    capture_retention_days: int = 30
    """How long S3 keeps a captured job (the bucket's lifecycle rule)."""
    xray_traces: bool = False
    """Traces to CloudWatch's OTLP endpoint (X-Ray trace map, Transaction Search): the model's
    environment gets `RAG_XRAY=on` and the execution role `xray:PutSpans` (docs/deployment.md)."""

    @property
    def enabled_features(self) -> frozenset[str]:
        """The settings that add optional statements to the execution role (worker_policy.OPTIONAL_STATEMENTS)."""
        return frozenset(name for name, on in (("xray_traces", self.xray_traces),) if on)

    @property
    def stack_name(self) -> str:
        return f"RagWorker-{self.env}"

    @property
    def log_group_name(self) -> str:
        """SageMaker writes container output here; the worker's exporter adds its own stream."""
        return f"/aws/sagemaker/Endpoints/{self.endpoint_name}"

    @property
    def audit_log_group_name(self) -> str:
        """Where the log group's data protection policy reports its findings."""
        return f"/rag-worker/{self.endpoint_name}/data-protection-audit"

    def model_environment(self, secret_arn: str, region: str, capture_bucket: str | None = None,
                          service_version: str | None = None) -> dict[str, str]:
        """The SageMaker model's container environment (what the worker reads at start-up).

        `capture_bucket` is the stack's capture bucket when `capture_content` is `s3`;
        `service_version` (the image tag or digest) becomes the traces' `service.version`.
        """
        environment = {
            "RAG_PLATFORM": PLATFORM,
            "RAG_PROFILE": "production",
            "RAG_SECRET_ID": secret_arn,
            "AWS_REGION": region,
            "RAG_ENDPOINT_NAME": self.endpoint_name,
            "RAG_CLOUDWATCH": "on",
            "RAG_LOG_GROUP": self.log_group_name,
            "RAG_METRICS_NAMESPACE": self.metrics_namespace,
            "LOG_LEVEL": self.log_level,
            "RAG_CONCURRENCY": str(self.concurrency),
            "RAG_MAX_INSTANCES": str(self.max_instances),
        }
        if self.xray_traces:
            environment["RAG_XRAY"] = "on"
            attributes = [f"deployment.environment.name={self.env}"]
            if service_version:
                # Percent-encoded as OTEL_RESOURCE_ATTRIBUTES values are (a digest holds a colon).
                attributes.append(f"service.version={quote(service_version, safe='')}")
            environment["OTEL_RESOURCE_ATTRIBUTES"] = ",".join(attributes)
        if self.capture_content == "local":
            environment["RAG_CAPTURE_CONTENT"] = "local"
        elif self.capture_content == "s3":
            if capture_bucket is None:
                raise SettingsError("capture_content is s3: the model environment needs the capture bucket")
            environment["RAG_CAPTURE_CONTENT"] = f"s3://{capture_bucket}/{self.capture_prefix}"
        return environment


REGION_VARIABLES = ("AWS_REGION", "AWS_DEFAULT_REGION")


def check_region(settings: Settings, environment: Mapping[str, str]) -> None:
    """Refuses an `AWS_REGION` / `AWS_DEFAULT_REGION` that names another region than the settings.

    The region of an environment comes from infra/settings.json only (every client the scripts
    create is pinned to it); a different region in the shell would otherwise be silently ignored,
    which hides a mistake about where a deployment goes.
    """
    for variable in REGION_VARIABLES:
        value = (environment.get(variable) or "").strip()
        if value and value != settings.region:
            raise SettingsError(
                f"{variable}={value}, but the settings put {settings.env} in {settings.region}: the region comes "
                f"from infra/settings.json (region) only. Unset {variable}, set it to {settings.region}, or "
                f"change the settings")


def image_reference(tag: str | None, digest: str | None) -> str:
    """The `:tag` or `@sha256:...` suffix of the image URI; exactly one of the two is given."""
    if digest and tag:
        raise SettingsError("give an image tag or an image digest, not both")
    if digest:
        if not _DIGEST.match(digest):
            raise SettingsError(f"image digest must look like sha256:<64 hex>, got {digest!r}")
        return f"@{digest}"
    if tag:
        if not _TAG.match(tag):
            raise SettingsError(f"image tag {tag!r} is not a valid Docker tag")
        return f":{tag}"
    raise SettingsError("an image tag (-c imageTag=...) or digest (-c imageDigest=...) is required; commands that "
                        "deploy no image (cdk destroy) take -c phase=foundation instead (docs/deployment.md)")


def load_settings(env: str, path: Path | str | None = None,
                  overrides: Mapping[str, Any] | None = None) -> Settings:
    """Reads `defaults` merged with `environments[env]` (and `overrides`) and validates the result."""
    source = Path(path) if path else DEFAULT_SETTINGS_FILE
    document = json.loads(source.read_text())
    environments = document.get("environments", {})
    if env not in environments:
        known = ", ".join(sorted(environments)) or "none"
        raise SettingsError(f"unknown environment {env!r} in {source} (known: {known})")
    merged = _merge(document.get("defaults", {}), environments[env])
    if overrides:
        merged = _merge(merged, dict(overrides))
    return settings_from_mapping(env, merged)


def settings_from_mapping(env: str, raw: Mapping[str, Any]) -> Settings:
    """Builds and validates `Settings` from a plain mapping (the merged JSON)."""
    values = {key: (value.format(env=env) if isinstance(value, str) else value)
              for key, value in raw.items() if key != "network"}
    if isinstance(values.get("notify_emails"), (list, tuple)):
        values["notify_emails"] = tuple(values["notify_emails"])
    network_raw = dict(raw.get("network", {}))
    try:
        network = NetworkSettings(
            mode=network_raw.pop("mode", "new"),
            cidr=network_raw.pop("cidr", "10.40.0.0/16"),
            max_azs=int(network_raw.pop("max_azs", 2)),
            nat_gateways=int(network_raw.pop("nat_gateways", 1)),
            availability_zones=tuple(network_raw.pop("availability_zones", ()) or ()),
            vpc_id=network_raw.pop("vpc_id", None),
            subnet_ids=tuple(network_raw.pop("subnet_ids", ()) or ()),
            postgres_cidrs=tuple(network_raw.pop("postgres_cidrs", ("0.0.0.0/0",))),
            https_cidrs=tuple(network_raw.pop("https_cidrs", ("0.0.0.0/0",))),
        )
        if network_raw:
            raise SettingsError(f"unknown network settings: {', '.join(sorted(network_raw))}")
        settings = Settings(env=env, network=network, **values)
    except TypeError as error:
        raise SettingsError(f"settings for {env!r}: {error}") from None
    problems = validate(settings)
    if problems:
        raise SettingsError(f"settings for {env!r} are invalid:\n  - " + "\n  - ".join(problems))
    return settings


def validate(settings: Settings) -> list[str]:
    """Every problem with `settings`, so one run reports them all."""
    problems: list[str] = []
    if not _ENDPOINT_NAME.match(settings.endpoint_name):
        problems.append(f"endpoint_name {settings.endpoint_name!r} is not a valid SageMaker name")
    if not _INSTANCE_TYPE.match(settings.instance_type):
        problems.append(f"instance_type {settings.instance_type!r} must be a SageMaker type (ml.*)")
    if settings.initial_instance_count < 1:
        problems.append("initial_instance_count must be at least 1")
    if not 1 <= settings.min_instances <= settings.max_instances:
        problems.append("need 1 <= min_instances <= max_instances")
    if not settings.min_instances <= settings.initial_instance_count <= settings.max_instances:
        problems.append("initial_instance_count must lie between min_instances and max_instances")
    if not isinstance(settings.shared_store, bool):
        problems.append("shared_store must be true or false")
    elif settings.max_instances > 1 and not settings.shared_store:
        problems.append(
            f"max_instances is {settings.max_instances} but shared_store is false: without a shared job store "
            "(DATABASE_URL in the secret) each instance keeps the jobs it accepted, so added instances cannot take "
            "any of the backlog and a scaled-in one takes its jobs with it. Set shared_store: true (and DATABASE_URL) "
            "or max_instances: 1")
    if not isinstance(settings.concurrency, int) or not 1 <= settings.concurrency <= 256:
        problems.append("concurrency must be a whole number within 1..256 (RAG_CONCURRENCY)")
    if not settings.target_backlog_per_instance > 0:
        problems.append("target_backlog_per_instance must be positive")
    if settings.target_invocations_per_instance is not None and not settings.target_invocations_per_instance > 0:
        problems.append("target_invocations_per_instance must be positive, or null for no invocations policy")
    if not 60 <= settings.startup_health_check_timeout_seconds <= 3600:
        problems.append("startup_health_check_timeout_seconds must be within 60..3600")
    if not 0 <= settings.termination_wait_seconds <= 3600:
        problems.append("termination_wait_seconds must be within 0..3600")
    if settings.log_retention_days not in _VALID_RETENTION_DAYS:
        problems.append(f"log_retention_days {settings.log_retention_days} is not a CloudWatch value")
    if settings.image_retention_count < 5:
        problems.append("image_retention_count must keep at least 5 images (rollback needs them)")
    if settings.secret_arn and not _SECRET_ARN.match(settings.secret_arn):
        problems.append("secret_arn must be a complete ARN (ending in -XXXXXX)")
    if settings.account is not None and not re.fullmatch(r"\d{12}", settings.account):
        problems.append("account must be 12 digits or null")
    if not isinstance(settings.xray_traces, bool):
        problems.append(f"xray_traces must be true or false, got {settings.xray_traces!r}")
    if settings.log_level not in {"trace", "debug", "info", "notice", "warning", "error", "critical"}:
        problems.append(f"log_level {settings.log_level!r} is not a swift-log level")
    for address in settings.notify_emails:
        if not isinstance(address, str) or not _EMAIL.match(address):
            problems.append(f"notify_emails: {address!r} is not an e-mail address")
    if settings.notify_topic_arn:
        topic = _TOPIC_ARN.match(settings.notify_topic_arn)
        if not topic:
            problems.append(f"notify_topic_arn {settings.notify_topic_arn!r} is not an SNS topic ARN")
        elif topic.group("region") != settings.region:
            problems.append(f"notify_topic_arn is in {topic.group('region')}, the alarms in {settings.region}: "
                            "CloudWatch notifies topics of its own region only")
    if settings.capture_content not in ("off", "local", "s3"):
        problems.append(f"capture_content must be off, local or s3, not {settings.capture_content!r}")
    if not re.fullmatch(r"[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*", settings.capture_prefix or ""):
        problems.append(f"capture_prefix {settings.capture_prefix!r} must be letters, digits and . _ - in /-separated parts")
    if not 1 <= settings.capture_retention_days <= 3650:
        problems.append("capture_retention_days must be within 1..3650")
    network = settings.network
    if network.mode == "existing":
        if not network.vpc_id or not network.vpc_id.startswith("vpc-"):
            problems.append("network.vpc_id (vpc-...) is required when network.mode is existing")
        if len(network.subnet_ids) < 2 or not all(s.startswith("subnet-") for s in network.subnet_ids):
            problems.append("network.subnet_ids needs at least two subnet-... ids (two AZs)")
    elif network.mode == "new":
        if network.max_azs < 2:
            problems.append("network.max_azs must be at least 2 (SageMaker wants two AZs)")
        if network.nat_gateways < 1:
            problems.append("network.nat_gateways must be at least 1 (providers are on the internet)")
        if network.availability_zones and len(network.availability_zones) < 2:
            problems.append("network.availability_zones must name at least two zones")
    else:
        problems.append(f"network.mode must be new or existing, not {network.mode!r}")
    if not network.postgres_cidrs or not network.https_cidrs:
        problems.append("network.postgres_cidrs and network.https_cidrs must not be empty")
    return problems


def _merge(base: Mapping[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in update.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged
