"""The image's content tag: a hash of everything the Dockerfile builds from.

Same sources, same tag: a re-run pushes nothing new, and a tag in ECR names exactly one set of
sources (the repository's tags are immutable).
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

IMAGE_INPUTS = ("Dockerfile", ".dockerignore", "Package.swift", "Package.resolved", "Sources")


def image_input_files(root: Path) -> list[Path]:
    """Files under IMAGE_INPUTS: tracked or new (not ignored) per git, plus Package.resolved
    (ignored by git, yet it pins what the build resolves)."""
    try:
        listed = subprocess.run(
            ["git", "-C", str(root), "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--",
             *IMAGE_INPUTS],
            check=True, capture_output=True, text=True,
        ).stdout.split("\0")
        files = {root / name for name in listed if name}
    except (OSError, subprocess.CalledProcessError):
        files = {path for name in IMAGE_INPUTS for path in _walk(root / name)}
    resolved = root / "Package.resolved"
    if resolved.is_file():
        files.add(resolved)
    return sorted(path for path in files if path.is_file())


def content_tag(root: Path) -> str:
    """`c-` and the first 12 hex digits of a SHA-256 over the input files' paths and bytes."""
    digest = hashlib.sha256()
    for path in image_input_files(root):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return "c-" + digest.hexdigest()[:12]


def _walk(path: Path):
    if path.is_file():
        yield path
    elif path.is_dir():
        yield from (child for child in path.rglob("*") if child.is_file())
