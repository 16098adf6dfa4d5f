"""CloudWatch Logs: the endpoint's log group with its retention (the `--skip-cdk` path; the stack
creates it otherwise). SageMaker would create it without a retention if it did not exist."""

from __future__ import annotations

from .settings_bridge import Settings


def ensure_log_group(client, settings: Settings) -> bool:
    """Creates the group if missing and sets its retention; True when it was created."""
    name = settings.log_group_name
    groups = client.describe_log_groups(logGroupNamePrefix=name).get("logGroups", [])
    created = not any(group["logGroupName"] == name for group in groups)
    if created:
        client.create_log_group(logGroupName=name, tags={"project": "rag-worker", "environment": settings.env})
    client.put_retention_policy(logGroupName=name, retentionInDays=settings.log_retention_days)
    return created
