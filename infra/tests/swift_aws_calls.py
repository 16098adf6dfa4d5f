"""Which AWS actions Swift code calls, read from the sources (independently of any policy file).

The typed clients in Sources/AWS/Services name each operation once (`target: "PutLogEvents"`,
`action: "DescribeAlarms"`, `let operation = "PutMetricData"`, `call("CreateLogGroup", …)`); a
function's actions are those it names plus those of the client functions it calls. The actions of
a set of files are those of the client functions they call.
"""

from __future__ import annotations

import re
from pathlib import Path

SOURCES = Path(__file__).resolve().parents[2] / "Sources"
SERVICES = SOURCES / "AWS" / "Services"
PREFIX = {"CloudWatchLogs": "logs", "CloudWatch": "cloudwatch", "SecretsManager": "secretsmanager",
          "SageMakerRuntime": "sagemaker", "S3": "s3", "SNS": "sns", "STS": "sts", "IAM": "iam", "XRay": "xray"}

# Member functions (indented at most one level): a function nested in another belongs to it.
_FUNCTION = re.compile(r"^ {0,4}(?:(?:@\w+|public|private|fileprivate|internal|package|static|nonisolated|mutating)\s+)*"
                       r"func\s+(\w+)\s*[(<]", re.M)
_PUBLIC_FUNCTION = re.compile(r"\bpublic\s+(?:static\s+)?func\s+(\w+)\s*[(<]")
_NAMED = re.compile(r'(?:target|action):\s*"([A-Z]\w+)"|let operation = "([A-Z]\w+)"|\bcall\(\s*"([A-Z]\w+)"')
_CALL = re.compile(r"\b(\w+)\s*\(")


def client_functions() -> dict[str, set[str]]:
    """`{public function name: {iam actions}}` over every client in Sources/AWS/Services."""
    bodies: dict[str, list[tuple[str, str]]] = {}
    public: set[str] = set()
    for path in sorted(SERVICES.rglob("*.swift")):
        prefix = PREFIX[path.parent.name]
        text = path.read_text()
        public.update(_PUBLIC_FUNCTION.findall(text))
        starts = [(match.start(), match.group(1)) for match in _FUNCTION.finditer(text)] + [(len(text), "")]
        for (start, name), (end, _) in zip(starts, starts[1:]):
            bodies.setdefault(name, []).append((prefix, text[start:end]))
    actions = {name: {f"{prefix}:{''.join(found)}" for prefix, body in chunks for found in _NAMED.findall(body)}
               for name, chunks in bodies.items()}
    calls = {name: {called for _, body in chunks for called in _CALL.findall(body)[1:] if called in bodies}
             for name, chunks in bodies.items()}
    changed = True
    while changed:  # a function's actions include those of the client functions it calls
        changed = False
        for name, callees in calls.items():
            before = len(actions[name])
            for callee in callees:
                actions[name] |= actions[callee]
            changed |= len(actions[name]) != before
    return {name: actions[name] for name in public if actions.get(name)}


def actions_called_by(paths: list[Path]) -> set[str]:
    """The actions of the client functions called (`.name(`) anywhere in `paths`."""
    functions = client_functions()
    found: set[str] = set()
    for path in paths:
        for name in re.findall(r"\.(\w+)\s*\(", path.read_text()):
            found |= functions.get(name, set())
    return found


def worker_runtime_files() -> list[Path]:
    """What `rag-worker serve` runs: the worker and pipeline modules, the telemetry exporters, and
    not the operator commands (report, postmortem, outbox, invoke…) or the report readers."""
    files = [path for module in ("RAGWorker", "RAGPipeline", "Telemetry") for path in (SOURCES / module).rglob("*.swift")]
    return [path for path in files
            if "Commands" not in path.parts[-3:] or path.name == "ServeCommand.swift"
            if "Reports" not in path.parts]
