"""The smoke test: one job through SageMaker Runtime (`rag-worker invoke`, SigV4), then where to look."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

from .settings_bridge import VARIANT_NAME, Settings


def smoke_job(template: Path, settings: Settings, tag: str, folder: Path, now: datetime | None = None) -> Path:
    """A copy of the fixture job with a unique job_id and `metadata.smoke_test`, so every deploy's
    job runs (job_id is idempotent) and the n8n workflow can tell it from real work."""
    job = json.loads(template.read_text())
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    job["job_id"] = f"smoke-{settings.env}-{tag}-{stamp}"[:128]
    job["metadata"] = {**job.get("metadata", {}), "smoke_test": True, "image_tag": tag}
    path = folder / "smoke-job.json"
    path.write_text(json.dumps(job, indent=2))
    return path


def accepted_job(output: str) -> dict:
    """The `{job_id, status, trace_id}` the invoke command printed, if it printed one."""
    for match in re.finditer(r"\{[^{}]*\}", output):
        try:
            document = json.loads(match.group(0))
        except ValueError:
            continue
        if isinstance(document, dict) and "job_id" in document:
            return document
    return {}


def telemetry_lines(settings: Settings, region: str, job: dict) -> list[str]:
    group = settings.log_group_name
    console = f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}"
    encoded = quote(quote(group, safe=""), safe="").replace("%", "$")
    lines = [
        f"Logs:      {group} (streams {VARIANT_NAME}/<instance> for the container output,",
        "           plus the worker's own exporter stream)",
        f"           {console}#logsV2:log-groups/log-group/{encoded}",
        f"           aws logs tail {group} --follow --region {region}",
        f"Metrics:   namespace {settings.metrics_namespace}, dimension EndpointName={settings.endpoint_name};"
        f" SageMaker's own in AWS/SageMaker",
        f"Dashboard: the one `alarm-setup apply` printed above ({console}#dashboards:)",
        f"Alarms:    {console}#alarmsV2:",
    ]
    if job.get("job_id"):
        lines.append(f"This job:  job_id={job['job_id']} trace_id={job.get('trace_id', '?')}")
        lines.append(f"           aws logs filter-log-events --log-group-name {group} --region {region} "
                     f"--filter-pattern '\"{job['job_id']}\"'")
    return lines

