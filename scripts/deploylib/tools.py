"""External commands (docker, cdk, alarm-setup, rag-worker), run with their arguments shown.

No secret ever goes into an argument list: registry passwords go through stdin.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Mapping, Sequence

from .errors import DeployError
from .settings_bridge import REPO_ROOT

ALARM_SETUP_BIN = ("ALARM_SETUP_BIN", ".build/debug/alarm-setup")
RAG_WORKER_BIN = ("RAG_WORKER_BIN", ".build/debug/rag-worker")


def resolve_binary(spec: tuple[str, str]) -> Path:
    """The binary named by the environment variable `spec[0]`, else `spec[1]` under the repository."""
    variable, default = spec
    path = Path(os.environ.get(variable) or REPO_ROOT / default)
    if not path.is_file() or not os.access(path, os.X_OK):
        raise DeployError(f"{path} is not an executable: build it (swift build) or set {variable}")
    return path


class Runner:
    """Runs commands, echoing each to stdout first (`$ ...`), and fails the deploy on a non-zero exit."""

    def __init__(self, environment: Mapping[str, str] | None = None, out=sys.stdout) -> None:
        self.environment = dict(environment if environment is not None else os.environ)
        self.out = out

    def run(self, args: Sequence[str], *, cwd: Path | None = None, stdin: str | None = None,
            capture: bool = False, what: str | None = None,
            environment: Mapping[str, str] | None = None,
            accept: Sequence[int] = (0,)) -> subprocess.CompletedProcess:
        """Runs `args` in this runner's environment, or in `environment` when given (its values are
        never printed). An exit status outside `accept` fails the deploy."""
        print("$ " + " ".join(shlex.quote(str(a)) for a in args), file=self.out, flush=True)
        try:
            result = subprocess.run(
                [str(a) for a in args], cwd=cwd, env=dict(environment if environment is not None else self.environment), input=stdin, text=True,
                stdout=subprocess.PIPE if capture else None, stderr=subprocess.STDOUT if capture else None,
            )
        except FileNotFoundError as error:
            raise DeployError(f"{what or args[0]}: {error.strerror}: {args[0]}") from None
        if capture and result.stdout:
            print(result.stdout, end="" if result.stdout.endswith("\n") else "\n", file=self.out, flush=True)
        if result.returncode not in accept:
            raise DeployError(f"{what or args[0]} failed with exit code {result.returncode}")
        return result
