"""The deploying identity's credentials for the Swift tools (alarm-setup, rag-worker invoke).

The Swift tools read credentials from environment keys, static profiles, the container endpoint and
instance metadata only; boto3 also reads SSO, `role_arn` and `credential_process` profiles. So the
deploy script resolves the credentials with boto3 and hands them to each tool in its environment
(never in an argument list, which `ps` shows), fresh for every run because temporary credentials
expire while an endpoint is being created.
"""

from __future__ import annotations

from typing import Mapping

from .errors import DeployError

CREDENTIAL_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")


def tool_environment(session, base: Mapping[str, str]) -> dict[str, str]:
    """`base` with the session's current credentials as AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
    (and AWS_SESSION_TOKEN when they are temporary); credential variables of `base` are replaced."""
    credentials = session.get_credentials()
    if credentials is None:
        raise DeployError("no AWS credentials found: set AWS_PROFILE (and run `aws sso login` for an SSO "
                          "profile) or the AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY variables")
    frozen = credentials.get_frozen_credentials()  # refreshes credentials that are about to expire
    environment = {key: value for key, value in base.items() if key not in CREDENTIAL_VARIABLES}
    environment["AWS_ACCESS_KEY_ID"] = frozen.access_key
    environment["AWS_SECRET_ACCESS_KEY"] = frozen.secret_key
    if frozen.token:
        environment["AWS_SESSION_TOKEN"] = frozen.token
    return environment
