"""docs/deployment.md and the rehearsal agree: every rehearsal block is run, every run step is a
block, and the secrets file of the guide is what scripts/deploy accepts. No services needed."""

from __future__ import annotations

import ast
import hashlib
import hmac
import json
import time
from pathlib import Path

import pytest

from harness.paths import ROOT
from harness import doubles, guide

HERE = Path(__file__).resolve().parent


def steps_the_rehearsal_runs() -> set[str]:
    """The step names passed to guide.commands(...) in test_rehearsal.py."""
    tree = ast.parse((HERE / "test_rehearsal.py").read_text())
    return {node.args[0].value for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "commands"
            and node.args and isinstance(node.args[0], ast.Constant)}


def test_every_rehearsal_block_of_the_guide_is_run_and_every_run_step_is_in_the_guide():
    in_guide = {b.step for b in guide.blocks() if b.kind == "rehearsal"}
    assert in_guide == steps_the_rehearsal_runs()


def test_every_rehearsed_step_says_what_its_output_shows():
    for block in guide.blocks():
        if block.kind == "rehearsal":
            assert block.language == "sh", f"rehearsal:{block.step} must be a ```sh block"
            assert guide.expected_lines(block.step), f"rehearsal:{block.step} has no expect:{block.step} block"


def test_the_guides_secrets_file_has_the_keys_scripts_deploy_requires():
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    from deploylib.settings_bridge import SECRET_OPTIONAL_KEYS, SECRET_REQUIRED_KEYS

    keys = guide.file_keys("secrets")
    assert set(SECRET_REQUIRED_KEYS) <= set(keys)
    assert set(keys) <= set(SECRET_REQUIRED_KEYS) | set(SECRET_OPTIONAL_KEYS)


def test_a_placeholder_the_rehearsal_does_not_know_fails():
    with pytest.raises(guide.GuideError, match="<job id>"):
        guide.substitute("rag-worker postmortem --job <job id>", {"<job_id>": "x"})
    assert guide.substitute("a <region> b", {"<region>": "us-east-1"}) == "a us-east-1 b"


def test_expected_output_matches_in_order_with_ellipses(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("```text expect:s\n==> one …\n==> two\n```\n")
    guide.check_output("s", "x\n==> one 123\n==> two\n", page)
    with pytest.raises(guide.GuideError):
        guide.check_output("s", "==> two\n==> one 1\n", page)


# MARK: the webhook receiver verifies independently of the worker

def _signed(secret: str, body: bytes, timestamp: int) -> dict[str, str]:
    signature = "v1=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return {"x-rag-timestamp": str(timestamp), "x-rag-signature": signature}


def test_the_receiver_accepts_only_a_fresh_signature_over_the_exact_bytes():
    body = json.dumps({"job_id": "j1", "status": "succeeded"}).encode()
    now = int(time.time())
    headers = _signed("s3cret", body, now)
    assert doubles.verify_signature("s3cret", headers, body) == (True, "verified")
    assert not doubles.verify_signature("other", headers, body)[0]
    assert not doubles.verify_signature("s3cret", headers, body.replace(b"succeeded", b"failed"))[0]
    assert not doubles.verify_signature("s3cret", _signed("s3cret", body, now - 301), body)[0]
    assert not doubles.verify_signature("s3cret", {**headers, "x-rag-timestamp": "soon"}, body)[0]


# MARK: the provider doubles answer what the worker's parsers expect

def test_the_chat_double_answers_a_schema_valid_proposal_that_uses_the_references():
    schema = json.loads((ROOT / "Sources/RAGPipeline/Resources/prompts/proposal.schema.json").read_text())
    prompt = ("<job_posting>\nTitle: A RAG bot\n</job_posting>\n\n<screening_questions>\n1. Built one?\n"
              "2. How measured?\n</screening_questions>\n\nPast work:\n"
              "<past_work n=\"1\" title=\"Support bot on pgvector\">\nShipped a bot.\n</past_work>")
    draft = doubles.draft_proposal(prompt)
    doubles.check_against_schema(draft, schema)
    assert [a["question"] for a in draft["answers"]] == ["Built one?", "How measured?"]
    assert "Support bot on pgvector" in draft["proposal"]


def test_embeddings_are_deterministic_unit_vectors_that_rank_related_text_first():
    query = doubles.embed("RAG chatbot over support articles with pgvector")
    near = doubles.embed("We built a support chatbot with RAG and pgvector")
    far = doubles.embed("Shopify theme customisation and Liquid templates")
    assert doubles.embed("RAG chatbot over support articles with pgvector") == query
    assert abs(sum(v * v for v in query) - 1) < 1e-9
    assert doubles.cosine(query, near) > doubles.cosine(query, far)
