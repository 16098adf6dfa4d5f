"""Secrets Manager: put the worker's secret from the local file, idempotently, never echoing it.

Each value's version id is derived from a hash of the whole document, so putting the same file
twice changes nothing, and putting an earlier file again makes that earlier version current.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .errors import DeployError


@dataclass(frozen=True)
class SecretWrite:
    arn: str
    version_id: str
    outcome: str  # created | updated | restored | unchanged


def version_token(payload: str) -> str:
    return "deploy-" + hashlib.sha256(payload.encode()).hexdigest()[:40]


def _describe(client, secret_id: str) -> dict | None:
    try:
        return client.describe_secret(SecretId=secret_id)
    except client.exceptions.ResourceNotFoundException:
        return None


def current_version(description: dict) -> str | None:
    for version, stages in description.get("VersionIdsToStages", {}).items():
        if "AWSCURRENT" in stages:
            return version
    return None


def put_secret(client, secret_id: str, payload: str, *, create_with_name: str | None = None,
               description: str = "") -> SecretWrite:
    """Makes `payload` the secret's current value.

    `secret_id` is an ARN or a name; when it does not exist, the secret is created under
    `create_with_name` if given (the `--skip-cdk` path), else that is an error (the stack creates it).
    """
    token = version_token(payload)
    found = _describe(client, secret_id)
    if found is None:
        if not create_with_name:
            raise DeployError(f"secret {secret_id} does not exist (deploy the stack first)")
        created = client.create_secret(Name=create_with_name, SecretString=payload, ClientRequestToken=token,
                                       Description=description)
        return SecretWrite(created["ARN"], created["VersionId"], "created")
    arn, current = found["ARN"], current_version(found)
    if current == token:
        return SecretWrite(arn, token, "unchanged")
    if token in found.get("VersionIdsToStages", {}):
        # Same document as an earlier version: PutSecretValue would ignore it, so move the stage.
        client.update_secret_version_stage(SecretId=arn, VersionStage="AWSCURRENT", MoveToVersionId=token,
                                           RemoveFromVersionId=current)
        return SecretWrite(arn, token, "restored")
    written = client.put_secret_value(SecretId=arn, SecretString=payload, ClientRequestToken=token)
    return SecretWrite(arn, written["VersionId"], "updated")


def require_value(client, secret_id: str) -> str:
    """The secret's ARN, after checking it has a current value (the stack creates it empty)."""
    found = _describe(client, secret_id)
    if found is None:
        raise DeployError(f"secret {secret_id} does not exist: pass --secrets-file to create it")
    if current_version(found) is None:
        raise DeployError(f"secret {found['ARN']} has no value yet: pass --secrets-file")
    return found["ARN"]
