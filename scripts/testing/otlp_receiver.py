#!/usr/bin/env python3
"""A loopback OTLP/HTTP traces receiver for the tests, decoding with the official
`opentelemetry-proto` package (never with the worker's own code).

`POST /v1/traces` takes `application/x-protobuf` or `application/json` (OTLP/JSON: ids in hex),
gzip or not, checks the request against CloudWatch's OTLP limits (10,000 spans, 5,000,000
uncompressed bytes, 200,000 bytes per span) and answers 400 when one is broken, optionally checks
a SigV4 `Authorization` with botocore's signer, records every request and span, and answers an
`ExportTraceServiceResponse` in the request's encoding. Scripted answers (a 503 with Retry-After,
a 400 with a partial success...) are queued with `POST /_script`.

Used in process by pytest (`OTLPReceiver`) and as a child process by the Swift tests:

    python otlp_receiver.py [--port N] [--sigv4 ACCESS_KEY:SECRET_KEY:REGION:SERVICE]

prints `listening on <port>` once it accepts connections; `GET /_received` returns what it recorded
as JSON, `POST /_reset` forgets it.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import hmac
import json
import os
import re
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.trace.v1 import trace_pb2

MAX_SPANS = 10_000
MAX_REQUEST_BYTES = 5_000_000
MAX_SPAN_BYTES = 200_000
KINDS = {v: k for k, v in trace_pb2.Span.SpanKind.items()}
STATUS = {v: k for k, v in trace_pb2.Status.StatusCode.items()}
_AUTHORIZATION = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request,\s*"
    r"SignedHeaders=(?P<signed>[^,]+),\s*Signature=(?P<signature>[0-9a-f]{64})$"
)


def any_value(value) -> Any:
    """An OTLP AnyValue as a Python value."""
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return [any_value(v) for v in value.array_value.values]
    if kind == "kvlist_value":
        return {kv.key: any_value(kv.value) for kv in value.kvlist_value.values}
    if kind is None:
        return None
    return getattr(value, kind)


def attributes(key_values) -> dict[str, Any]:
    return {kv.key: any_value(kv.value) for kv in key_values}


def span_dict(span) -> dict[str, Any]:
    return {
        "trace_id": span.trace_id.hex(),
        "span_id": span.span_id.hex(),
        "parent_span_id": span.parent_span_id.hex() or None,
        "name": span.name,
        "kind": KINDS[span.kind],
        "start": span.start_time_unix_nano,
        "end": span.end_time_unix_nano,
        "attributes": attributes(span.attributes),
        "events": [{"name": e.name, "time": e.time_unix_nano, "attributes": attributes(e.attributes)} for e in span.events],
        "links": [{"trace_id": link.trace_id.hex(), "span_id": link.span_id.hex()} for link in span.links],
        "status": STATUS[span.status.code],
        "status_message": span.status.message,
        "flags": span.flags,
        "size": span.ByteSize(),
    }


def json_ids_to_base64(node: Any) -> Any:
    """OTLP/JSON writes trace and span ids in hex where the protobuf JSON mapping expects base64."""
    if isinstance(node, list):
        return [json_ids_to_base64(item) for item in node]
    if isinstance(node, dict):
        converted = {}
        for key, value in node.items():
            if key in ("traceId", "spanId", "parentSpanId") and isinstance(value, str):
                if not re.fullmatch(r"[0-9a-f]*", value):
                    raise ValueError(f"{key} is not lowercase hex: {value!r}")
                converted[key] = base64.b64encode(bytes.fromhex(value)).decode()
            else:
                converted[key] = json_ids_to_base64(value)
        return converted
    return node


def verify_sigv4(method: str, path: str, headers: dict[str, str], body: bytes, credentials: tuple[str, str, str, str]) -> str:
    """`ok`, or why the request's SigV4 `Authorization` does not verify, with botocore's signer."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.compat import HTTPHeaders
    from botocore.credentials import Credentials

    access_key, secret_key, region, service = credentials
    match = _AUTHORIZATION.match(headers.get("authorization", ""))
    if not match:
        return "missing or malformed Authorization"
    if (match["key"], match["region"], match["service"]) != (access_key, region, service):
        return f"credential scope {match['key']}/{match['region']}/{match['service']} is not {access_key}/{region}/{service}"
    timestamp = headers.get("x-amz-date", "")
    if not timestamp.startswith(match["date"]):
        return "x-amz-date does not match the credential date"
    signed = match["signed"].split(";")
    missing = [name for name in signed if name not in headers]
    if missing or "host" not in signed:
        return f"signed headers missing from the request or host unsigned: {missing}"
    request = AWSRequest(method=method, url=f"http://{headers['host']}{path}", data=body,
                         headers={name: headers[name] for name in signed})
    request.context["timestamp"] = timestamp

    class Signer(SigV4Auth):
        def headers_to_sign(self, request):  # exactly what the client listed
            chosen = HTTPHeaders()
            for name in signed:
                chosen[name] = request.headers[name]
            return chosen

    signer = Signer(Credentials(access_key, secret_key), service, region)
    expected = signer.signature(signer.string_to_sign(request, signer.canonical_request(request)), request)
    return "ok" if hmac.compare_digest(expected, match["signature"]) else "signature does not match"


@dataclass
class Raw:
    """A request exactly as it arrived (headers lower-cased, the body before decompression)."""

    headers: dict[str, str]
    body: bytes


@dataclass
class Received:
    """One export request as it arrived and as the official package decoded it."""

    content_type: str
    content_encoding: str
    raw_bytes: int
    uncompressed_bytes: int
    status: int
    headers: dict[str, str]
    sigv4: str | None = None
    problem: str | None = None
    resource: dict[str, Any] = field(default_factory=dict)
    scope: str | None = None
    spans: list[dict[str, Any]] = field(default_factory=list)
    time: float = field(default_factory=time.time)


class OTLPReceiver:
    """The receiver as a threaded HTTP server on 127.0.0.1 (port 0: the OS picks)."""

    def __init__(self, port: int = 0, sigv4: tuple[str, str, str, str] | None = None) -> None:
        self.sigv4 = sigv4
        self.requests: list[Received] = []
        self.raw: list[Raw] = []
        self.script: list[tuple[int, dict[str, str], Any]] = []
        self._lock = threading.Lock()
        self._port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.server_address[1] if self._server else self._port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "OTLPReceiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if self.path == "/_script":
                    receiver.add_script(json.loads(body or b"[]"))
                    self._answer(204, {}, b"")
                elif self.path == "/_reset":
                    receiver.reset()
                    self._answer(204, {}, b"")
                elif self.path == "/v1/traces":
                    headers = {k.lower(): v for k, v in self.headers.items()}
                    self._answer(*receiver.export(self.command, self.path, headers, body))
                else:
                    self._answer(404, {}, b"")

            def do_GET(self) -> None:
                if self.path == "/_received":
                    self._answer(200, {"Content-Type": "application/json"}, json.dumps(receiver.snapshot()).encode())
                else:
                    self._answer(404, {}, b"")

            def _answer(self, status: int, headers: dict[str, str], payload: bytes) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", self._port), Handler)
        server.daemon_threads = True
        self._server = server
        self._port = server.server_address[1]
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.raw.clear()
            self.script.clear()

    def add_script(self, answers: list[dict[str, Any]]) -> None:
        """Queue answers for the next requests: `{"status": 503, "headers": {...}, "rejected": n, "message": "..."}`."""
        with self._lock:
            for answer in answers:
                self.script.append((answer["status"], answer.get("headers", {}), answer))

    def export(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, dict[str, str], bytes]:
        content_type = headers.get("content-type", "").split(";")[0].strip()
        encoding = headers.get("content-encoding", "")
        record = Received(content_type, encoding, len(raw), 0, 200,
                          {k: v for k, v in headers.items() if k not in ("authorization",)})
        with self._lock:
            self.raw.append(Raw(headers, raw))
        if self.sigv4:
            record.sigv4 = verify_sigv4(method, path, headers, raw, self.sigv4)
        try:
            body = gzip.decompress(raw) if encoding == "gzip" else raw
            record.uncompressed_bytes = len(body)
            if content_type == "application/x-protobuf":
                request = trace_service_pb2.ExportTraceServiceRequest.FromString(body)
            elif content_type == "application/json":
                request = json_format.Parse(json.dumps(json_ids_to_base64(json.loads(body))),
                                            trace_service_pb2.ExportTraceServiceRequest())
            else:
                raise ValueError(f"unsupported Content-Type {content_type!r}")
        except Exception as error:  # the worker sent something the official package cannot read
            record.problem = f"undecodable: {error}"
            record.status = 400
            return self._record(record, 400, {}, b"")
        for resource_spans in request.resource_spans:
            record.resource = attributes(resource_spans.resource.attributes)
            for scope_spans in resource_spans.scope_spans:
                record.scope = scope_spans.scope.name
                record.spans += [span_dict(span) for span in scope_spans.spans]
        problems = []
        if len(record.spans) > MAX_SPANS:
            problems.append(f"{len(record.spans)} spans")
        if record.uncompressed_bytes > MAX_REQUEST_BYTES:
            problems.append(f"{record.uncompressed_bytes} bytes")
        if any(span["size"] > MAX_SPAN_BYTES for span in record.spans):
            problems.append("a span over 200,000 bytes")
        if record.sigv4 not in (None, "ok"):
            problems.append(f"SigV4: {record.sigv4}")
        if problems:
            record.problem = "; ".join(problems)
            record.status = 403 if record.sigv4 not in (None, "ok") else 400
            return self._record(record, record.status, {}, b"")
        with self._lock:
            scripted = self.script.pop(0) if self.script else None
        if scripted:
            status, extra, answer = scripted
            record.status = status
            body = self._response(content_type, answer.get("rejected", 0), answer.get("message", ""))
            return self._record(record, status, {"Content-Type": content_type, **extra}, body)
        return self._record(record, 200, {"Content-Type": content_type}, self._response(content_type, 0, ""))

    def _record(self, record: Received, status: int, headers: dict[str, str], body: bytes):
        with self._lock:
            self.requests.append(record)
        return status, headers, body

    @staticmethod
    def _response(content_type: str, rejected: int, message: str) -> bytes:
        response = trace_service_pb2.ExportTraceServiceResponse()
        if rejected or message:
            response.partial_success.rejected_spans = rejected
            response.partial_success.error_message = message
        if content_type == "application/json":
            return json_format.MessageToJson(response).encode()
        return response.SerializeToString()

    # What the tests read

    def accepted(self) -> list[Received]:
        with self._lock:
            return [r for r in self.requests if r.status == 200]

    def spans(self) -> list[dict[str, Any]]:
        """Every span of every accepted request, each with the request's resource attributes."""
        return [{**span, "resource": r.resource} for r in self.accepted() for span in r.spans]

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {"requests": [r.__dict__ for r in self.requests]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--sigv4", help="ACCESS_KEY:SECRET_KEY:REGION:SERVICE to verify every request's signature")
    arguments = parser.parse_args()
    sigv4 = tuple(arguments.sigv4.split(":")) if arguments.sigv4 else None
    receiver = OTLPReceiver(arguments.port, sigv4).start()
    print(f"listening on {receiver.port}", flush=True)
    # A child of a test process: leave when the parent is gone, or on SIGTERM.
    parent = os.getppid()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    while not stop.wait(0.5):
        if os.getppid() != parent:
            break
    receiver.stop()


if __name__ == "__main__":
    sys.exit(main())
