"""Reads the worker's secrets from a local env file. Values never reach stdout, stderr or errors."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from .settings_bridge import (
    SECRET_OPTIONAL_KEYS,
    SECRET_REFUSED_KEYS,
    SECRET_REQUIRED_KEYS,
    SHARED_STORE_KEY,
    required_secret_keys,
)


class SecretsFileError(ValueError):
    """A problem with the secrets file; its message names keys and line numbers, never values."""


def parse_env_file(path: Path) -> dict[str, str]:
    """`KEY=VALUE` lines; blank lines, `#` comments and an `export ` prefix are allowed, and a
    value may be wrapped in single or double quotes (no escapes, no interpolation)."""
    values: dict[str, str] = {}
    problems: list[str] = []
    for number, raw in enumerate(Path(path).read_text().splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export "):].lstrip()
        key, separator, value = line.partition("=")
        key = key.strip()
        if not separator or not key.replace("_", "").isalnum() or not key[0].isalpha():
            problems.append(f"line {number}: expected KEY=VALUE")
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        if key in values:
            problems.append(f"line {number}: {key} is set twice")
        values[key] = value
    if problems:
        raise SecretsFileError(f"{path}: " + "; ".join(problems))
    return values


def secret_payload(values: dict[str, str], shared_store: bool = True) -> str:
    """The secret's JSON document, after checking the keys the worker needs in production.

    `shared_store` is the settings' promise that the deployment has `DATABASE_URL` (the synth
    cannot see the secret's value, so the settings say it and this check holds them to it)."""
    problems: list[str] = []
    missing = [key for key in required_secret_keys(shared_store) if not values.get(key)]
    if missing:
        why = "" if shared_store else " (shared_store is false: without DATABASE_URL, retrieval uses Supabase's REST API)"
        problems.append("missing or empty: " + ", ".join(missing) + why)
    if not shared_store and values.get(SHARED_STORE_KEY):
        problems.append(f"{SHARED_STORE_KEY} is set but infra/settings.json says shared_store: false; set shared_store: "
                        f"true (the jobs then live in that database and the endpoint may scale out), or remove "
                        f"{SHARED_STORE_KEY}")
    refused = [key for key in SECRET_REFUSED_KEYS if values.get(key)]
    if refused:
        problems.append(", ".join(refused) + ": not for a SageMaker endpoint (SageMaker does not forward the "
                        "caller's Authorization header, so every invocation would get 401; IAM at InvokeEndpoint "
                        "is the gate there): remove them")
    unknown = sorted(set(values) - set(SECRET_REQUIRED_KEYS) - set(SECRET_OPTIONAL_KEYS) - set(SECRET_REFUSED_KEYS))
    if unknown:
        problems.append("unknown keys (typo?): " + ", ".join(unknown))
    for key in ("SUPABASE_URL", "WEBHOOK_URL"):
        if values.get(key) and not _https_or_loopback(values[key]):
            problems.append(f"{key} must be an https:// URL")
    if bool(values.get("SUPABASE_URL")) != bool(values.get("SUPABASE_KEY")):
        problems.append("SUPABASE_URL and SUPABASE_KEY go together")
    if values.get("DATABASE_URL") and not values["DATABASE_URL"].startswith(("postgres://", "postgresql://")):
        problems.append("DATABASE_URL must start with postgres:// or postgresql://")
    if problems:
        raise SecretsFileError("secrets file: " + "; ".join(problems))
    return json.dumps({key: values[key] for key in sorted(values) if values[key]}, separators=(",", ":"))


def _https_or_loopback(url: str) -> bool:
    """https://, or http:// to this machine's loopback (a local run or the deployment rehearsal:
    inside a SageMaker container the loopback is the container itself, so it reaches nothing)."""
    if url.startswith("https://"):
        return True
    try:
        parts = urlsplit(url)
        return parts.scheme == "http" and parts.hostname in ("127.0.0.1", "::1", "localhost")
    except ValueError:
        return False

