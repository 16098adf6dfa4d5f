"""The RAG Worker stack: ECR, the secret, the log group (with a data protection policy and its audit
group), the capture bucket when prompt capture goes to S3, the network, the execution role, and the
SageMaker model, endpoint configuration, endpoint and auto scaling. One class, one stack per
environment (infra/settings.json)."""

from __future__ import annotations

from aws_cdk import (
    ArnFormat,
    CfnOutput,
    Duration,
    Fn,
    RemovalPolicy,
    Stack,
    Tags,
    aws_applicationautoscaling as appscaling,
    aws_ecr as ecr,
    aws_iam as iam,
    aws_logs as logs,
    aws_s3 as s3,
    aws_sagemaker as sagemaker,
    aws_secretsmanager as secretsmanager,
)
from constructs import Construct

from . import worker_policy
from .network import WorkerNetwork
from .settings import VARIANT_NAME, Settings, image_reference

BACKLOG_METRIC = "BacklogPerInstance"
"""The worker's scaling signal (`MetricCatalogue.backlogPerInstance`); infra/tests check the rendered
dashboard, which comes from the catalogue, names the same metric."""
DATA_PROTECTION_IDENTIFIERS = (
    "EmailAddress",
    "PhoneNumber-US",
    "PhoneNumber-GB",
    "PhoneNumber-DE",
    "PhoneNumber-FR",
    "CreditCardNumber",
    "AwsSecretKey",
    "OpenSshPrivateKey",
    "PgpPrivateKey",
    "PkcsPrivateKey",
    "PuttyPrivateKey",
)
"""CloudWatch Logs managed data identifiers masked in the worker's log group (docs/observability.md,
"Defence in depth"): what would identify a client or open an account if the worker's own content
policy ever let it through."""

PHASES = ("foundation", "full")
"""`foundation` creates everything but the SageMaker resources: the first deployment needs the
repository (to push the image) and the secret (to put its value) before an endpoint can start."""


class RagWorkerStack(Stack):
    """One environment of RAG Worker on a SageMaker real-time endpoint.

    Args:
        settings: the environment's settings (infra/settings.json).
        image_tag / image_digest: which image of the repository the model runs (one of the two;
            not needed in the `foundation` phase).
        phase: `full` (default) or `foundation` (see `PHASES`).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: Settings,
        image_tag: str | None = None,
        image_digest: str | None = None,
        phase: str = "full",
        **kwargs,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        if phase not in PHASES:
            raise ValueError(f"phase must be one of {PHASES}, not {phase!r}")
        self.settings = settings
        removal = RemovalPolicy.RETAIN if settings.retain_on_delete else RemovalPolicy.DESTROY
        Tags.of(self).add("project", "rag-worker")
        Tags.of(self).add("environment", settings.env)

        self.repository = self._repository(removal)
        self.secret = self._secret()
        self.audit_log_group = self._audit_log_group(removal)
        self.log_group = self._log_group(removal)
        self.capture_bucket = self._capture_bucket(removal) if settings.capture_content == "s3" else None
        self.network = WorkerNetwork(self, "Network", settings=settings.network)
        self.role = self._execution_role()

        self.model = self.endpoint_config = self.endpoint = self.scalable_target = None
        self.scaling_policies: list = []
        if phase == "full":
            image_reference(image_tag, image_digest)  # exactly one, well formed, or SettingsError
            image_uri = (self.repository.repository_uri_for_digest(image_digest) if image_digest
                         else self.repository.repository_uri_for_tag(image_tag))
            self._endpoint(image_uri, service_version=image_tag or image_digest)
            CfnOutput(self, "ImageUri", value=image_uri)
        self._outputs()

    # MARK: foundation

    def _repository(self, removal: RemovalPolicy) -> ecr.Repository:
        return ecr.Repository(
            self,
            "Repository",
            repository_name=self.settings.repository_name,
            image_scan_on_push=True,
            # Content tags (scripts/deploy) name exactly one image: never let a tag move.
            image_tag_mutability=ecr.TagMutability.IMMUTABLE,
            lifecycle_rules=[
                ecr.LifecycleRule(
                    rule_priority=1,
                    description="Drop untagged layers left by interrupted pushes",
                    tag_status=ecr.TagStatus.UNTAGGED,
                    max_image_age=Duration.days(7),
                ),
                ecr.LifecycleRule(
                    rule_priority=2,
                    description="Keep the newest images (rollback targets), expire the rest",
                    tag_status=ecr.TagStatus.ANY,
                    max_image_count=self.settings.image_retention_count,
                ),
            ],
            removal_policy=removal,
            empty_on_delete=removal == RemovalPolicy.DESTROY,
        )

    def _secret(self) -> secretsmanager.ISecret:
        if self.settings.secret_arn:
            return secretsmanager.Secret.from_secret_complete_arn(self, "Secret", self.settings.secret_arn)
        secret = secretsmanager.Secret(
            self,
            "Secret",
            secret_name=self.settings.secret_name,
            description=f"RAG Worker ({self.settings.env}): provider keys, webhook and database settings "
                        "as one JSON object; value put by scripts/deploy, never in code",
            removal_policy=RemovalPolicy.RETAIN,
        )
        # CDK would generate a random password; an empty secret is what we want (CloudFormation
        # creates a secret without a value when neither SecretString nor GenerateSecretString is set).
        secret.node.default_child.add_property_deletion_override("GenerateSecretString")
        return secret

    def _log_group(self, removal: RemovalPolicy) -> logs.CfnLogGroup:
        group = logs.CfnLogGroup(
            self,
            "EndpointLogGroup",
            log_group_name=self.settings.log_group_name,
            retention_in_days=self.settings.log_retention_days,
            data_protection_policy=self._data_protection_policy(),
        )
        group.apply_removal_policy(removal)
        # The policy's findings destination must exist before the policy is put.
        group.add_dependency(self.audit_log_group)
        return group

    def _data_protection_policy(self) -> dict:
        """Masks the managed identifiers at ingestion (readers without `logs:Unmask` see asterisks)
        and reports each finding to the audit group. The worker's role has no `logs:Unmask`."""
        identifiers = [f"arn:{self.partition}:dataprotection::aws:data-identifier/{name}"
                       for name in DATA_PROTECTION_IDENTIFIERS]
        return {
            "Name": f"{self.settings.endpoint_name}-data-protection",
            "Description": "RAG Worker: mask personal data and keys that reach the endpoint's logs",
            "Version": "2021-06-01",
            "Statement": [
                {
                    "Sid": "audit",
                    "DataIdentifier": identifiers,
                    "Operation": {"Audit": {"FindingsDestination": {
                        "CloudWatchLogs": {"LogGroup": self.settings.audit_log_group_name}}}},
                },
                {
                    "Sid": "redact",
                    "DataIdentifier": identifiers,
                    "Operation": {"Deidentify": {"MaskConfig": {}}},
                },
            ],
        }

    def _audit_log_group(self, removal: RemovalPolicy) -> logs.CfnLogGroup:
        group = logs.CfnLogGroup(
            self,
            "DataProtectionAuditLogGroup",
            log_group_name=self.settings.audit_log_group_name,
            retention_in_days=self.settings.log_retention_days,
        )
        group.apply_removal_policy(removal)
        return group

    def _capture_bucket(self, removal: RemovalPolicy) -> s3.Bucket:
        """Captured prompts and replies (`capture_content: s3`): private, SSE-S3 encrypted, TLS only,
        each object expired after `capture_retention_days`."""
        return s3.Bucket(
            self,
            "CaptureBucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="expire-captured-content",
                    prefix=f"{self.settings.capture_prefix}/",
                    expiration=Duration.days(self.settings.capture_retention_days),
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                ),
            ],
            removal_policy=removal,
        )

    def _execution_role(self) -> iam.Role:
        log_group_arn = self.format_arn(
            service="logs",
            resource="log-group",
            resource_name=self.settings.log_group_name,
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
        document = worker_policy.render({
            "RepositoryArn": self.repository.repository_arn,
            "SecretArn": self.secret.secret_arn,
            "LogGroupArn": log_group_arn,
            "MetricsNamespace": self.settings.metrics_namespace,
            "Region": self.region,
            # Only with a capture bucket; None leaves the statement out.
            "CaptureObjectsArn": (self.capture_bucket.arn_for_objects(f"{self.settings.capture_prefix}/*")
                                  if self.capture_bucket else None),
        }, enabled=self.settings.enabled_features)
        return iam.Role(
            self,
            "ExecutionRole",
            assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"),
            description=f"RAG Worker ({self.settings.env}) SageMaker execution role: docs/iam/worker-policy.json",
            inline_policies={"rag-worker": iam.PolicyDocument.from_json(document)},
        )

    # MARK: endpoint

    def _endpoint(self, image_uri: str, service_version: str | None) -> None:
        settings = self.settings
        self.model = sagemaker.CfnModel(
            self,
            "Model",
            execution_role_arn=self.role.role_arn,
            primary_container=sagemaker.CfnModel.ContainerDefinitionProperty(
                image=image_uri,
                mode="SingleModel",
                environment=settings.model_environment(
                    self.secret.secret_arn, self.region,
                    capture_bucket=self.capture_bucket.bucket_name if self.capture_bucket else None,
                    service_version=service_version),
            ),
            vpc_config=sagemaker.CfnModel.VpcConfigProperty(
                security_group_ids=[self.network.security_group.security_group_id],
                subnets=self.network.subnet_ids,
            ),
        )
        self.endpoint_config = sagemaker.CfnEndpointConfig(
            self,
            "EndpointConfig",
            production_variants=[
                sagemaker.CfnEndpointConfig.ProductionVariantProperty(
                    variant_name=VARIANT_NAME,
                    model_name=self.model.attr_model_name,
                    instance_type=settings.instance_type,
                    initial_instance_count=settings.initial_instance_count,
                    initial_variant_weight=1.0,
                    container_startup_health_check_timeout_in_seconds=settings.startup_health_check_timeout_seconds,
                )
            ],
        )
        self.endpoint = sagemaker.CfnEndpoint(
            self,
            "Endpoint",
            endpoint_name=settings.endpoint_name,
            endpoint_config_name=self.endpoint_config.attr_endpoint_config_name,
            # Keep the instance count auto scaling chose when a deploy swaps the configuration.
            retain_all_variant_properties=True,
            deployment_config=sagemaker.CfnEndpoint.DeploymentConfigProperty(
                blue_green_update_policy=sagemaker.CfnEndpoint.BlueGreenUpdatePolicyProperty(
                    traffic_routing_configuration=sagemaker.CfnEndpoint.TrafficRoutingConfigProperty(
                        type="ALL_AT_ONCE", wait_interval_in_seconds=0
                    ),
                    # The old fleet keeps running long enough to finish jobs it accepted (< 120 s).
                    termination_wait_in_seconds=settings.termination_wait_seconds,
                    maximum_execution_timeout_in_seconds=3600,
                )
            ),
        )
        # SageMaker would create the log group itself, without a retention, if it came first.
        self.endpoint.node.add_dependency(self.log_group)

        # No RoleARN: Application Auto Scaling then uses (and creates if needed) its service-linked
        # role for SageMaker, instead of a role of ours with nothing in it.
        self.scalable_target = appscaling.CfnScalableTarget(
            self,
            "ScalableTarget",
            service_namespace="sagemaker",
            resource_id=f"endpoint/{self.endpoint.attr_endpoint_name}/variant/{VARIANT_NAME}",
            scalable_dimension="sagemaker:variant:DesiredInstanceCount",
            min_capacity=settings.min_instances,
            max_capacity=settings.max_instances,
        )
        self._scaling_policies()

    def _scaling_policies(self) -> None:
        """Target tracking on the work: `BacklogPerInstance`, the shared store's queued and running
        jobs over the live runners, which every worker publishes (the metric catalogue, Swift side).
        It falls as instances are added, as a target tracking metric must, and its datapoints keep
        coming when the endpoint is idle, so the fleet scales in; `InvocationsPerInstance` counts
        2 ms accepts instead and misses the backlog. Scale-in does not strand running jobs: SIGTERM
        makes a worker leave the registry, finish what ends within its drain and give the rest back
        to the shared queue. docs/deployment.md, "Scaling", derives the target and the cooldowns."""
        settings = self.settings
        policy = appscaling.CfnScalingPolicy
        self.scaling_policies = [policy(
            self,
            "BacklogPerInstance",
            policy_name=f"{settings.endpoint_name}-backlog-per-instance",
            policy_type="TargetTrackingScaling",
            scaling_target_id=self.scalable_target.ref,
            target_tracking_scaling_policy_configuration=policy.TargetTrackingScalingPolicyConfigurationProperty(
                customized_metric_specification=policy.CustomizedMetricSpecificationProperty(
                    namespace=settings.metrics_namespace,
                    metric_name=BACKLOG_METRIC,
                    dimensions=[policy.MetricDimensionProperty(name="EndpointName", value=settings.endpoint_name)],
                    statistic="Average",
                ),
                target_value=settings.target_backlog_per_instance,
                scale_in_cooldown=settings.scale_in_cooldown_seconds,
                scale_out_cooldown=settings.scale_out_cooldown_seconds,
            ),
        )]
        if settings.target_invocations_per_instance is not None:
            # A second policy: Application Auto Scaling scales out when either asks, in only when both agree.
            self.scaling_policies.append(policy(
                self,
                "InvocationsPerInstance",
                policy_name=f"{settings.endpoint_name}-invocations-per-instance",
                policy_type="TargetTrackingScaling",
                scaling_target_id=self.scalable_target.ref,
                target_tracking_scaling_policy_configuration=policy.TargetTrackingScalingPolicyConfigurationProperty(
                    predefined_metric_specification=policy.PredefinedMetricSpecificationProperty(
                        predefined_metric_type="SageMakerVariantInvocationsPerInstance"
                    ),
                    target_value=settings.target_invocations_per_instance,
                    scale_in_cooldown=settings.scale_in_cooldown_seconds,
                    scale_out_cooldown=settings.scale_out_cooldown_seconds,
                ),
            ))

    def _outputs(self) -> None:
        CfnOutput(self, "EndpointName", value=self.settings.endpoint_name)
        CfnOutput(self, "RepositoryName", value=self.repository.repository_name)
        CfnOutput(self, "RepositoryUri", value=self.repository.repository_uri)
        CfnOutput(self, "SecretArn", value=self.secret.secret_arn)
        CfnOutput(self, "ExecutionRoleArn", value=self.role.role_arn)
        CfnOutput(self, "LogGroupName", value=self.settings.log_group_name)
        CfnOutput(self, "DataProtectionAuditLogGroupName", value=self.settings.audit_log_group_name)
        if self.capture_bucket:
            CfnOutput(self, "CaptureBucketName", value=self.capture_bucket.bucket_name)
        CfnOutput(self, "SecurityGroupId", value=self.network.security_group.security_group_id)
        CfnOutput(self, "SubnetIds", value=Fn.join(",", self.network.subnet_ids))
