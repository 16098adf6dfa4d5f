"""Where the repository and the binaries under test are (shared by conftest.py and the tests)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def binary(variable: str, name: str) -> Path:
    """`$variable`, else the release build `make check-release` makes (.build/release/<name>)."""
    return Path(os.environ.get(variable) or ROOT / ".build" / "release" / name)
