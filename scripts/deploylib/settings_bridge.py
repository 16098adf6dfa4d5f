"""The deployment settings of infra/settings.json, shared with the CDK app (no CDK import here)."""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT / "infra") not in sys.path:
    sys.path.insert(0, str(REPO_ROOT / "infra"))

from rag_worker_infra.settings import (  # noqa: E402
    PLANNING_SERVICE_SECONDS,
    SECRET_OPTIONAL_KEYS,
    SECRET_REFUSED_KEYS,
    SECRET_REQUIRED_KEYS,
    SHARED_STORE_KEY,
    VARIANT_NAME,
    Settings,
    SettingsError,
    check_region,
    load_settings,
    required_secret_keys,
)

__all__ = [
    "PLANNING_SERVICE_SECONDS", "REPO_ROOT", "SECRET_OPTIONAL_KEYS", "SECRET_REFUSED_KEYS", "SECRET_REQUIRED_KEYS", "SHARED_STORE_KEY", "VARIANT_NAME",
    "Settings", "SettingsError", "check_region", "load_settings", "required_secret_keys",
]
