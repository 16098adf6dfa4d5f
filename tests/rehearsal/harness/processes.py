"""Child processes the rehearsal starts: each dies with the thread that started it (PR_SET_PDEATHSIG:
start them from a thread that lives as long as they should), and
`stop` ends it with SIGTERM, then SIGKILL, whatever happened in between."""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Mapping, Sequence

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Runs in the child before exec: SIGKILL when the process that started it goes away."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:
        pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen | None = None, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode} before opening port {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")


def start(args: Sequence[str], *, log: Path, env: Mapping[str, str], cwd: Path | None = None) -> subprocess.Popen:
    """Starts `args` with `env` exactly (nothing inherited), output to `log`."""
    with open(log, "ab") as output:
        return subprocess.Popen([str(a) for a in args], stdout=output, stderr=subprocess.STDOUT,
                                env=dict(env), cwd=cwd, preexec_fn=_die_with_parent)


def stop(process: subprocess.Popen | None, grace: float = 10) -> int | None:
    """SIGTERM, up to `grace` seconds, then SIGKILL. Returns the exit status."""
    if process is None:
        return None
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    return process.returncode


def tail(path: Path, characters: int = 4000) -> str:
    try:
        text = Path(path).read_text(errors="replace")
    except OSError:
        return ""
    return text[-characters:]


def clean_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment without AWS configuration (no real account can be reached) and
    without the variables that would swap a stand-in for a real tool (CDK, DOCKER_*)."""
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("AWS_", "RAG_", "CDK_", "DOCKER_")) and key not in ("CDK", "ALARM_SETUP_BIN")}
    environment.update(AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null",
                       AWS_EC2_METADATA_DISABLED="true")
    environment.update(extra or {})
    return environment
