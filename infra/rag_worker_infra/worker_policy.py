"""The endpoint execution role's policy, kept in docs/iam/worker-policy.json.

That file is the single source: docs/configuration.md shows it, the stack loads it here, and a
test compares the synthesized policy with it action by action. It holds `${Name}` placeholders
for what only the deployment knows (ARNs, region, metrics namespace).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Mapping

from .settings import WORKER_POLICY_FILE

_PLACEHOLDER = re.compile(r"\$\{([A-Za-z][A-Za-z0-9]*)\}")

PLACEHOLDERS = frozenset({"RepositoryArn", "SecretArn", "LogGroupArn", "MetricsNamespace", "Region", "CaptureObjectsArn"})
"""The placeholders the file may use; the stack supplies a value for each."""

OPTIONAL_STATEMENTS = {"ExportTracesToXRay": "xray_traces"}
"""Statements the role holds only when a setting turns their feature on: `{Sid: setting}`. The
X-Ray one is what CloudWatch's OTLP traces endpoint needs (`xray:PutSpans`, which takes no resource)."""


def optional_actions(document: Mapping[str, Any], enabled: set[str]) -> set[str]:
    """Actions of the optional statements whose setting is not in `enabled`."""
    return {action for sid, actions in actions_by_statement(document).items()
            if sid in OPTIONAL_STATEMENTS and OPTIONAL_STATEMENTS[sid] not in enabled for action in actions}


OPTIONAL_PLACEHOLDERS = frozenset({"CaptureObjectsArn"})
"""Placeholders of resources a deployment may not have (the capture bucket exists only with
`capture_content: s3`): given the value None, every statement using one is left out of the policy."""


def load_template(path: Path | str = WORKER_POLICY_FILE) -> dict[str, Any]:
    """The policy document as written, placeholders and all."""
    return json.loads(Path(path).read_text())


def placeholders_in(document: Any) -> set[str]:
    """Every placeholder name used anywhere in `document`."""
    found: set[str] = set()

    def visit(node: Any) -> None:
        if isinstance(node, str):
            found.update(_PLACEHOLDER.findall(node))
        elif isinstance(node, list):
            for item in node:
                visit(item)
        elif isinstance(node, dict):
            for key, value in node.items():
                visit(key)
                visit(value)

    visit(document)
    return found


def render(values: Mapping[str, str | None], path: Path | str = WORKER_POLICY_FILE,
           enabled: set[str] | frozenset[str] = frozenset()) -> dict[str, Any]:
    """The policy with each `${Name}` replaced by `values[Name]` (CDK tokens are fine as values),
    without the ``OPTIONAL_STATEMENTS`` whose setting is not in `enabled`.

    A value of None (allowed for `OPTIONAL_PLACEHOLDERS` only) leaves out every statement that
    uses the placeholder. Raises `KeyError` naming the placeholders that have no value, or the
    values that match no placeholder, so a renamed placeholder cannot silently leave a literal
    `${...}` in the policy.
    """
    document = load_template(path)
    document["Statement"] = [statement for statement in document["Statement"]
                             if statement.get("Sid") not in OPTIONAL_STATEMENTS or OPTIONAL_STATEMENTS[statement["Sid"]] in enabled]
    used = placeholders_in(document)
    missing = used - set(values)
    unused = set(values) - used
    if missing or unused:
        raise KeyError(f"worker policy placeholders: missing {sorted(missing)}, unused {sorted(unused)}")
    absent = {name for name, value in values.items() if value is None}
    if absent - OPTIONAL_PLACEHOLDERS:
        raise KeyError(f"worker policy placeholders: {sorted(absent - OPTIONAL_PLACEHOLDERS)} may not be None")
    document["Statement"] = [statement for statement in document["Statement"]
                             if not placeholders_in(statement) & absent]

    def substitute(node: Any) -> Any:
        if isinstance(node, str):
            return _PLACEHOLDER.sub(lambda match: values[match.group(1)], node)
        if isinstance(node, list):
            return [substitute(item) for item in node]
        if isinstance(node, dict):
            return {substitute(key): substitute(value) for key, value in node.items()}
        return node

    return substitute(document)


def actions_by_statement(document: Mapping[str, Any]) -> dict[str, set[str]]:
    """`{Sid: {actions}}` of a policy document (a lone action string counts as a list of one)."""
    result: dict[str, set[str]] = {}
    for statement in document["Statement"]:
        actions = statement["Action"]
        result[statement["Sid"]] = {actions} if isinstance(actions, str) else set(actions)
    return result
