"""Loopback doubles of the providers the worker calls, speaking their documented APIs.

- OpenAI: `POST /v1/embeddings` (deterministic vectors: a hashed bag of words, so similar texts
  are near and retrieval means something) and `POST /v1/chat/completions` with
  `response_format: json_schema`, answering a proposal that uses the references in the prompt and
  checking it against the schema the request carries.
- Cohere: `POST /v2/rerank`, scoring documents by the same bag of words.
- n8n: the webhook receiver, which verifies `X-RAG-Signature` as docs/api.md describes it (its own
  HMAC, not the worker's code) and records every delivery.

Each checks the caller's key, so a request made with a key other than the secret's is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import re
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

DIMENSIONS = 1536
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset("a an and are as at be by for from has have in is it of on or our the to we with you your this that".split())


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


Reply = tuple[int, dict[str, str], bytes]


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 that hands each request to `route`."""

    def __init__(self, route: Callable[[Request], Reply]) -> None:
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Request(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                with server._lock:
                    server.requests.append(request)
                try:
                    status, headers, payload = route(request)
                except Exception as error:  # a bug in a double must be visible, not a hang
                    status, headers, payload = 500, {"Content-Type": "text/plain"}, f"double failed: {error!r}".encode()
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, name=f"double-{self.port}", daemon=True)
        self.thread.start()

    def recorded(self, path_prefix: str = "") -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path.startswith(path_prefix)]

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _json(status: int, document) -> Reply:
    return status, {"Content-Type": "application/json"}, json.dumps(document).encode()


def _bearer_ok(request: Request, key: str) -> bool:
    return hmac.compare_digest(request.headers.get("authorization", ""), f"Bearer {key}")


# MARK: the bag of words shared by the embeddings and the reranker

def words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if len(w) > 1 and w not in _STOP]


def embed(text: str) -> list[float]:
    """A unit vector: each word adds ±1 at a position chosen by its hash."""
    vector = [0.0] * DIMENSIONS
    for word in words(text):
        digest = hashlib.sha256(word.encode()).digest()
        index = int.from_bytes(digest[:4], "little") % DIMENSIONS
        vector[index] += 1.0 if digest[4] & 1 else -1.0
    norm = math.sqrt(sum(v * v for v in vector))
    if norm == 0:
        vector[0], norm = 1.0, 1.0
    return [v / norm for v in vector]


def cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b))


# MARK: OpenAI

@dataclass
class OpenAIDouble:
    api_key: str
    schema: dict
    chat_replies: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.server = LoopbackServer(self.route)
        self.base_url = self.server.url + "/v1"

    def route(self, request: Request) -> Reply:
        if request.method != "POST":
            return _json(405, {"error": {"message": "method not allowed", "type": "invalid_request_error"}})
        if not _bearer_ok(request, self.api_key):
            return _json(401, {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error",
                                         "code": "invalid_api_key"}})
        if request.path == "/v1/embeddings":
            return self.embeddings(request.json())
        if request.path == "/v1/chat/completions":
            return self.chat(request.json())
        return _json(404, {"error": {"message": f"unknown path {request.path}", "type": "invalid_request_error"}})

    def embeddings(self, body: dict) -> Reply:
        inputs = body.get("input")
        if isinstance(inputs, str):
            inputs = [inputs]
        if not body.get("model") or not isinstance(inputs, list) or not all(isinstance(i, str) and i for i in inputs):
            return _json(400, {"error": {"message": "model and a non-empty input are required",
                                         "type": "invalid_request_error"}})
        if body.get("dimensions") not in (None, DIMENSIONS):
            return _json(400, {"error": {"message": f"this double embeds in {DIMENSIONS} dimensions",
                                         "type": "invalid_request_error"}})
        data = []
        for index, text in enumerate(inputs):
            vector = embed(text)
            if body.get("encoding_format") == "base64":
                encoded = base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
                data.append({"object": "embedding", "index": index, "embedding": encoded})
            else:
                data.append({"object": "embedding", "index": index, "embedding": vector})
        tokens = sum(len(text.split()) for text in inputs)
        return _json(200, {"object": "list", "data": data, "model": body["model"],
                           "usage": {"prompt_tokens": tokens, "total_tokens": tokens}})

    def chat(self, body: dict) -> Reply:
        problems = []
        response_format = body.get("response_format") or {}
        if response_format.get("type") != "json_schema":
            problems.append("response_format.type must be json_schema")
        json_schema = response_format.get("json_schema") or {}
        if json_schema.get("strict") is not True or not json_schema.get("name"):
            problems.append("response_format.json_schema needs a name and strict: true")
        requested = json_schema.get("schema") or {}
        if _without_answer_count(requested) != self.schema:
            problems.append("response_format.json_schema.schema is not proposal.schema.json "
                            "(with at most the per-job answers.minItems/maxItems)")
        messages = body.get("messages") or []
        if not messages or messages[0].get("role") != "system" or not any(m.get("role") == "user" for m in messages):
            problems.append("messages must start with a system message and hold a user message")
        if problems:
            return _json(400, {"error": {"message": "; ".join(problems), "type": "invalid_request_error"}})
        user = next(m["content"] for m in messages if m.get("role") == "user")
        draft = draft_proposal(user)
        # The request's own schema: it asks for exactly as many answers as the job has questions.
        check_against_schema(draft, requested)
        self.chat_replies.append(draft)
        content = json.dumps(draft)
        return _json(200, {
            "id": f"chatcmpl-{hashlib.sha256(user.encode()).hexdigest()[:24]}", "object": "chat.completion",
            "created": int(time.time()), "model": body.get("model"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content, "refusal": None},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": len(user.split()), "completion_tokens": len(content.split()),
                      "total_tokens": len(user.split()) + len(content.split())},
        })


_PAST_WORK = re.compile(r'<past_work n="(\d+)" title="([^"]*)">\n(.*?)\n</past_work>', re.DOTALL)
_QUESTIONS = re.compile(r"<screening_questions>\n(.*?)\n</screening_questions>", re.DOTALL)
_TITLE = re.compile(r"^Title: (.*)$", re.MULTILINE)


def draft_proposal(prompt: str) -> dict:
    """A proposal built from the prompt: it names the past work it was given and answers each
    screening question, so a result whose references are empty reads visibly different."""
    references = [(title, content) for _, title, content in _PAST_WORK.findall(prompt)]
    questions_block = _QUESTIONS.search(prompt)
    questions = []
    if questions_block and questions_block.group(1).strip() != "(none)":
        questions = [re.sub(r"^\d+\.\s*", "", line) for line in questions_block.group(1).splitlines() if line.strip()]
    title_match = _TITLE.search(prompt)
    job_title = title_match.group(1).strip() if title_match else "your project"
    if references:
        named = "; ".join(title for title, _ in references[:3])
        evidence = (f"The closest work I have delivered is {named}. "
                    f"{references[0][1].strip().split(chr(10))[0][:400]}")
    else:
        evidence = "I could not point to past work that matches this posting closely."
    filler = ("I start with a short call to agree on scope and acceptance criteria, then deliver in small "
              "increments you can review every few days, with tests and written notes for each step. "
              "You keep full ownership of the code and documentation, and I stay available after delivery "
              "to answer questions and tune what we built against real usage and feedback from your team.")
    text = (f"Hello, I read your posting about {job_title} with interest. {evidence} "
            f"{filler} {filler}")
    return {
        "proposal": text,
        "answers": [{"question": q, "answer": f"{evidence} In short: yes, I have done this before."} for q in questions],
        "fit_score": min(100, 40 + 15 * len(references)),
        "fit_reasons": [f"Delivered: {title}" for title, _ in references[:3]] or ["General experience"],
        "key_requirements": [job_title],
        "risks": ["Scope may grow once the data is reviewed"],
    }


def _without_answer_count(schema: dict) -> dict:
    """`schema` without the per-job answer count the worker adds to proposal.schema.json."""
    copy = json.loads(json.dumps(schema))
    answers = copy.get("properties", {}).get("answers", {})
    answers.pop("minItems", None)
    answers.pop("maxItems", None)
    return copy


def check_against_schema(document: dict, schema: dict) -> None:
    import jsonschema

    jsonschema.validate(document, schema)


# MARK: Cohere

@dataclass
class CohereDouble:
    api_key: str

    def __post_init__(self) -> None:
        self.server = LoopbackServer(self.route)
        self.base_url = self.server.url

    def route(self, request: Request) -> Reply:
        if not _bearer_ok(request, self.api_key):
            return _json(401, {"message": "invalid api token"})
        if (request.method, request.path) != ("POST", "/v2/rerank"):
            return _json(404, {"message": f"unknown route {request.method} {request.path}"})
        body = request.json()
        documents = body.get("documents")
        if not body.get("model") or not isinstance(body.get("query"), str) or not isinstance(documents, list):
            return _json(400, {"message": "model, query and documents are required"})
        top_n = int(body.get("top_n") or len(documents))
        query = embed(body["query"])
        scored = sorted(((max(0.0, cosine(query, embed(d if isinstance(d, str) else d.get("text", "")))), i)
                         for i, d in enumerate(documents)), key=lambda pair: (-pair[0], pair[1]))
        results = [{"index": i, "relevance_score": round(score, 6)} for score, i in scored[:top_n]]
        return _json(200, {"id": hashlib.sha256(request.body).hexdigest()[:16], "results": results,
                           "meta": {"api_version": {"version": "2"}, "billed_units": {"search_units": 1}}})


# MARK: n8n's webhook

@dataclass
class Delivery:
    job_id: str
    verified: bool
    reason: str
    headers: dict[str, str]
    body: dict | None


@dataclass
class WebhookReceiver:
    """n8n's Webhook node plus the Code node of docs/api.md: rejects what does not verify."""

    secret: str
    path: str = "/webhook/rag-worker"
    deliveries: list[Delivery] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._condition = threading.Condition()
        self.server = LoopbackServer(self.route)
        self.url = self.server.url + self.path

    def route(self, request: Request) -> Reply:
        if (request.method, request.path) != ("POST", self.path):
            return 404, {}, b"not found"
        verified, reason = verify_signature(self.secret, request.headers, request.body)
        try:
            body = json.loads(request.body)
        except ValueError:
            body = None
        job_id = (body or {}).get("job_id", "")
        if verified and request.headers.get("idempotency-key") != job_id:
            verified, reason = False, "Idempotency-Key is not the job_id"
        with self._condition:
            self.deliveries.append(Delivery(job_id, verified, reason, request.headers, body))
            self._condition.notify_all()
        return (200, {}, b"ok") if verified else (401, {}, reason.encode())

    def wait_for(self, job_id: str, timeout: float) -> Delivery:
        deadline = time.monotonic() + timeout
        with self._condition:
            while True:
                found = [d for d in self.deliveries if d.job_id == job_id]
                if found:
                    return found[0]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no webhook delivery for job {job_id} within {timeout:.0f} s "
                                       f"(received: {[d.job_id for d in self.deliveries]})")
                self._condition.wait(left)


def verify_signature(secret: str, headers: dict[str, str], raw: bytes, now: float | None = None) -> tuple[bool, str]:
    """docs/api.md, "Verifying the signature": timestamp within 5 minutes, then
    `v1=` + hex HMAC-SHA256(secret, "<timestamp>.<raw body>") compared in constant time."""
    timestamp = headers.get("x-rag-timestamp", "")
    signature = headers.get("x-rag-signature", "")
    if not timestamp.isdigit():
        return False, "X-RAG-Timestamp missing or not a number"
    if abs((now if now is not None else time.time()) - int(timestamp)) > 300:
        return False, "stale X-RAG-Timestamp"
    expected = "v1=" + hmac.new(secret.encode(), timestamp.encode() + b"." + raw, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        return False, "X-RAG-Signature does not verify"
    return True, "verified"
