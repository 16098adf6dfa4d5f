"""The documented IAM policies as the moto tests apply them.

docs/iam/deployer-policy.json scopes its statements to resource ARNs with `${Account}` and
`${Region}` placeholders. moto authorizes most actions against the resource `*` (a statement scoped
to an ARN denies there), and checks CloudWatch actions under the `monitoring:` prefix. So the tests
grant exactly the file's actions with `Resource: "*"` (actions enforced by moto), and
test_deployer_policy.py checks the ARNs separately against the names the deployment uses.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

ROOT = Path(__file__).resolve().parents[2]
DEPLOYER_POLICY = ROOT / "docs" / "iam" / "deployer-policy.json"


def load(path: Path = DEPLOYER_POLICY) -> dict:
    return json.loads(path.read_text())


def actions(document: dict) -> set[str]:
    """Every action any statement of `document` allows."""
    found: set[str] = set()
    for statement in document["Statement"]:
        value = statement["Action"]
        found.update([value] if isinstance(value, str) else value)
    return found


def for_moto(document: dict, *, without: Iterable[str] = ()) -> str:
    """`document` with each statement on `Resource: "*"`, no conditions, CloudWatch actions also
    under moto's `monitoring:` names, and the actions in `without` removed (as JSON)."""
    removed = set(without)
    unknown = removed - actions(document)
    if unknown:
        raise ValueError(f"not in the policy: {sorted(unknown)}")
    statements = []
    for statement in document["Statement"]:
        granted = statement["Action"]
        granted = [granted] if isinstance(granted, str) else list(granted)
        granted = [action for action in granted if action not in removed]
        granted += [action.replace("cloudwatch:", "monitoring:", 1) for action in granted
                    if action.startswith("cloudwatch:")]
        if granted:
            statements.append({"Sid": statement["Sid"], "Effect": statement["Effect"], "Action": granted,
                               "Resource": "*"})
    return json.dumps({"Version": document["Version"], "Statement": statements})
