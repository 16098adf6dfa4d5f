"""Every file the documentation names exists: a path from the repository root or docs/, or, for a
bare file name, a tracked file of that name (e.g. a migration named in its section)."""

from __future__ import annotations

import re
import subprocess

import pytest

from deploylib.settings_bridge import REPO_ROOT

DOCS = sorted((REPO_ROOT / "docs").rglob("*.md")) + [REPO_ROOT / "README.md"]
# `+` belongs to Swift extension file names (`Config+Load.swift`).
FILE_NAME = re.compile(r"(?<![\w.$/+-])((?:[\w-]+/)*[\w.+-]+\.(?:md|json|py|swift|ya?ml|sql|lua|sh|txt))\b")
NOT_FILES = {
    "item.json",                   # n8n Code node JavaScript (docs/api.md), not a file
    "AWSClient.json",              # a Swift method, AWSClient.json(service:target:body:)
    "infra/cdk.context.json",      # written by the first `cdk deploy` in an account (docs/deployment.md)
    "file.json",                   # a placeholder in pipeline.md's document-id rule (`file.json#N`)
    "qrels.txt",                   # written by `rag-worker eval --trec-out DIR` (docs/pipeline.md)
    "run-retrieve.txt", "run-keyword-boost.txt", "run-rerank.txt",
}
# The evaluation set names documents by their path in the bundled corpus (docs/pipeline.md).
CORPUS = REPO_ROOT / "Sources" / "RAGPipeline" / "Resources" / "corpus"


def _tracked_names() -> set[str]:
    listed = subprocess.run(["git", "-C", str(REPO_ROOT), "ls-files"], capture_output=True, text=True, check=True)
    return {line.rsplit("/", 1)[-1] for line in listed.stdout.splitlines()}


@pytest.mark.parametrize("page", DOCS, ids=lambda path: path.name)
def test_every_file_a_page_names_exists(page):
    tracked = _tracked_names()
    missing = []
    for number, line in enumerate(page.read_text().splitlines(), start=1):
        for name in FILE_NAME.findall(line):
            if name in NOT_FILES or "<" in name or "*" in name:
                continue
            exists = (REPO_ROOT / name).exists() or (REPO_ROOT / "docs" / name).exists() or (CORPUS / name).exists()
            if not exists and ("/" in name or name not in tracked):
                missing.append(f"{page.name}:{number}: {name}")
    assert missing == []
