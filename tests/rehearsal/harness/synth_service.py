"""Runs infra/app.py as `cdk synth` would, in one warm process, so the rehearsal's two syntheses
(foundation, then full) cost seconds instead of the ~20-50 s of a cold jsii start each.

`python synth_service.py SOCKET` loads aws-cdk-lib, synthesizes the dev stack once to warm up, then
answers one request per connection on the Unix socket: `{"app_file", "outdir", "context",
"environment"}` → `{"ok": true}` or `{"error": "..."}`. Each request executes app.py as `__main__`
(runpy), exactly as `python app.py`, except for one thing: the CDK CLI hands the output directory
and the context to the app through CDK_OUTDIR and CDK_CONTEXT_JSON, which `cdk.App()` reads inside
jsii's Node.js process, and that process does not see environment changes made after it started.
So the App constructor is given the same two values as arguments here. The rest of the environment
(CDK_DEFAULT_ACCOUNT, CDK_DEFAULT_REGION, which app.py reads in Python) is set as the CLI sets it.
"""

from __future__ import annotations

import json
import os
import runpy
import socket
import sys
import tempfile
import traceback
from pathlib import Path

INFRA = Path(__file__).resolve().parents[3] / "infra"


def synthesize(request: dict) -> None:
    import aws_cdk as cdk

    original = cdk.App.__init__

    def app_init(self, *args, **kwargs):
        kwargs.setdefault("outdir", request["outdir"])
        kwargs["context"] = {**request["context"], **(kwargs.get("context") or {})}
        original(self, *args, **kwargs)

    saved = dict(os.environ)
    cwd = os.getcwd()
    cdk.App.__init__ = app_init
    try:
        os.environ.update(request["environment"])
        os.chdir(Path(request["app_file"]).parent)
        runpy.run_path(request["app_file"], run_name="__main__")
    finally:
        cdk.App.__init__ = original
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(saved)


def warm_up() -> None:
    with tempfile.TemporaryDirectory() as outdir:
        synthesize({"app_file": str(INFRA / "app.py"), "outdir": outdir,
                    "context": {"env": "dev", "phase": "foundation"}, "environment": {}})


def serve(path: str) -> None:
    sys.path.insert(0, str(INFRA))
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    warm_up()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path + ".tmp")
    os.rename(path + ".tmp", path)  # the socket appears only once the service is warm
    listener.listen(4)
    while True:
        connection, _ = listener.accept()
        with connection:
            data = b""
            while not data.endswith(b"\n"):
                chunk = connection.recv(65536)
                if not chunk:
                    break
                data += chunk
            if not data.strip():
                continue  # a readiness probe
            try:
                synthesize(json.loads(data))
                answer = {"ok": True}
            except BaseException:  # noqa: BLE001 - the caller reports it; the service goes on
                answer = {"error": traceback.format_exc()}
            try:
                connection.sendall(json.dumps(answer).encode() + b"\n")
            except OSError:
                pass  # the caller gave up


def request(path: str, payload: dict, timeout: float = 300) -> None:
    """Asks the service at `path` to synthesize; raises with the app's traceback on failure."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(timeout)
        connection.connect(path)
        connection.sendall(json.dumps(payload).encode() + b"\n")
        data = b""
        while not data.endswith(b"\n"):
            chunk = connection.recv(65536)
            if not chunk:
                break
            data += chunk
    answer = json.loads(data)
    if "error" in answer:
        raise RuntimeError("synthesis failed:\n" + answer["error"])


if __name__ == "__main__":
    serve(sys.argv[1])
