"""The image's content tag: a hash of the committed files the Dockerfile builds from.

The tag is computed from git's record of the inputs at HEAD (path, mode and blob id of every
tracked file under IMAGE_INPUTS), so every clone of one commit gives the same tag, and nothing
git ignores (Package.resolved, .build) can change it. A tag in ECR (immutable tags) thus names one
commit's sources. Uncommitted changes to the inputs are refused, or, when the caller allows them,
give a tag marked `dirty-` that hashes the working files instead.

The Dockerfile resolves the dependencies itself (`swift package resolve` on the committed
Package.swift, whose version ranges may resolve differently on another day) and copies the
Package.resolved it produced into the image, so an image records what it was built with.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from .errors import DeployError

IMAGE_INPUTS = ("Dockerfile", ".dockerignore", "Package.swift", "Sources")


class UncommittedInputsError(DeployError):
    """The image inputs differ from HEAD; the message names the files."""


def _git(root: Path, *args: str) -> str:
    try:
        return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout
    except FileNotFoundError:
        raise DeployError("git is not installed: the content tag is computed from the git checkout") from None
    except subprocess.CalledProcessError as error:
        raise DeployError(f"git {args[0]} failed in {root}: {error.stderr.strip()} (the content tag needs a "
                          "git checkout with at least one commit; or name a tag with --image-tag)") from None


def uncommitted_inputs(root: Path) -> list[str]:
    """Image inputs that differ from HEAD: modified, staged, deleted, or new and not ignored."""
    status = _git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *IMAGE_INPUTS)
    entries = [entry for entry in status.split("\0") if entry]
    changed, skip = [], False
    for entry in entries:
        if skip:  # the original path of a rename
            skip = False
            continue
        code, path = entry[:2], entry[3:]
        changed.append(path)
        skip = "R" in code or "C" in code
    return sorted(changed)


def source_commit(root: Path) -> str:
    """The full id of HEAD."""
    return _git(root, "rev-parse", "HEAD").strip()


def committed_tag(root: Path, commit: str = "HEAD") -> str:
    """`c-` and 12 hex digits of a SHA-256 over (mode, blob id, path) of the inputs at `commit`."""
    listing = _git(root, "ls-tree", "-r", "-z", "--full-tree", commit, "--", *IMAGE_INPUTS)
    entries = sorted(entry for entry in listing.split("\0") if entry)
    if not entries:
        raise DeployError(f"no image inputs ({', '.join(IMAGE_INPUTS)}) are committed at {commit}")
    digest = hashlib.sha256()
    for entry in entries:
        meta, _, path = entry.partition("\t")
        mode, _kind, blob = meta.split()
        digest.update(f"{mode} {blob} {path}\n".encode())
    return "c-" + digest.hexdigest()[:12]


def working_tag(root: Path) -> str:
    """`dirty-` and 12 hex digits of a SHA-256 over the working files of the inputs (tracked and
    untracked, not ignored): marks an image built from changes no commit holds."""
    listed = _git(root, "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", *IMAGE_INPUTS)
    digest = hashlib.sha256()
    for name in sorted({name for name in listed.split("\0") if name}):
        path = root / name
        if path.is_file():
            digest.update(name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return "dirty-" + digest.hexdigest()[:12]


def content_tag(root: Path, *, allow_uncommitted: bool = False) -> str:
    """The committed tag, or, with uncommitted input changes, an error (or the `dirty-` tag when
    `allow_uncommitted`)."""
    changed = uncommitted_inputs(root)
    if not changed:
        return committed_tag(root)
    if not allow_uncommitted:
        shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
        raise UncommittedInputsError(
            f"the image inputs have uncommitted changes ({shown}): commit them, name a pushed tag with "
            "--image-tag, or pass --allow-uncommitted for a `dirty-` tag")
    return working_tag(root)
