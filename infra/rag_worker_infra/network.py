"""The endpoint's network: private subnets with a route to the internet, and its security group."""

from __future__ import annotations

from aws_cdk import Fn, aws_ec2 as ec2
from constructs import Construct

from .settings import NetworkSettings

HTTPS_PORT = 443
POSTGRES_PORTS = (5432, 6543)
"""Supabase: 5432 is Postgres (direct or session pooler), 6543 its transaction pooler."""


class WorkerNetwork(Construct):
    """Subnets for the endpoint's network interfaces and a security group that only lets out
    HTTPS (OpenAI, Cohere, Supabase REST, the n8n webhook, AWS APIs) and Postgres (Supabase).

    Nothing may connect in: SageMaker reaches the container through its own network, not ours.
    """

    def __init__(self, scope: Construct, construct_id: str, *, settings: NetworkSettings) -> None:
        super().__init__(scope, construct_id)
        if settings.mode == "new":
            self.vpc = self._new_vpc(settings)
            self.subnet_ids = self.vpc.select_subnets(
                subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS
            ).subnet_ids
        else:
            self.vpc = ec2.Vpc.from_vpc_attributes(
                self, "Vpc", vpc_id=settings.vpc_id, availability_zones=Fn.get_azs()
            )
            self.subnet_ids = list(settings.subnet_ids)

        self.security_group = ec2.SecurityGroup(
            self,
            "EndpointSecurityGroup",
            vpc=self.vpc,
            description="RAG Worker endpoint: HTTPS to providers and webhook, Postgres to Supabase",
            allow_all_outbound=False,
        )
        for cidr in settings.https_cidrs:
            self.security_group.add_egress_rule(
                ec2.Peer.ipv4(cidr), ec2.Port.tcp(HTTPS_PORT), "HTTPS: OpenAI, Cohere, Supabase, n8n, AWS APIs"
            )
        for cidr in settings.postgres_cidrs:
            for port in POSTGRES_PORTS:
                self.security_group.add_egress_rule(
                    ec2.Peer.ipv4(cidr), ec2.Port.tcp(port), f"Postgres to Supabase ({port})"
                )

    def _new_vpc(self, settings: NetworkSettings) -> ec2.Vpc:
        zones = {"availability_zones": list(settings.availability_zones)} if settings.availability_zones \
            else {"max_azs": settings.max_azs}
        return ec2.Vpc(
            self,
            "Vpc",
            ip_addresses=ec2.IpAddresses.cidr(settings.cidr),
            nat_gateways=settings.nat_gateways,
            restrict_default_security_group=False,
            subnet_configuration=[
                ec2.SubnetConfiguration(name="Public", subnet_type=ec2.SubnetType.PUBLIC, cidr_mask=24),
                ec2.SubnetConfiguration(
                    name="Endpoint", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS, cidr_mask=20
                ),
            ],
            **zones,
        )
