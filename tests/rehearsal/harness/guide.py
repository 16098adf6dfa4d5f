"""The commands of docs/deployment.md that the rehearsal runs, read from the page itself.

A fenced block whose info string is `sh rehearsal:<step>` holds the commands of one step, exactly
as a person types them; `text expect:<step>` holds lines its output must contain (in order; `…`
matches anything within a line). `ini rehearsal-file:<name>` holds a file the person writes (the
secrets file): the rehearsal writes one with the same keys. Placeholders in angle brackets
(`<account>`) and the literal paths of the page (`~/rag-worker/dev.env`) are substituted by the
rehearsal, and a placeholder it does not know fails the run, so the page cannot drift from what
the rehearsal proves.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

GUIDE = Path(__file__).resolve().parents[3] / "docs" / "deployment.md"
_FENCE = re.compile(r"^([ \t]*)```(\S*)[ \t]+(rehearsal|expect|rehearsal-file):(\S+)[ \t]*\n(.*?)^\1```[ \t]*$",
                    re.MULTILINE | re.DOTALL)
_PLACEHOLDER = re.compile(r"<[a-z][a-z0-9 _-]*>")


class GuideError(AssertionError):
    pass


@dataclass(frozen=True)
class Block:
    kind: str  # rehearsal | expect | rehearsal-file
    step: str
    language: str
    text: str


def blocks(path: Path = GUIDE) -> list[Block]:
    return [Block(kind, step, language, textwrap.dedent(text))
            for _, language, kind, step, text in _FENCE.findall(path.read_text())]


def block(kind: str, step: str, path: Path = GUIDE) -> Block:
    found = [b for b in blocks(path) if b.kind == kind and b.step == step]
    if len(found) != 1:
        raise GuideError(f"docs/deployment.md must have exactly one ```… {kind}:{step} block, found {len(found)}")
    return found[0]


def substitute(text: str, values: dict[str, str]) -> str:
    """Replaces every key of `values` (longest first); fails on a placeholder left over."""
    for key in sorted(values, key=len, reverse=True):
        text = text.replace(key, values[key])
    left = _PLACEHOLDER.findall(text)
    if left:
        raise GuideError(f"the guide uses placeholders the rehearsal does not know: {sorted(set(left))}")
    return text


def commands(step: str, values: dict[str, str], path: Path = GUIDE) -> str:
    """The shell text of a step's commands, placeholders filled (comments and blank lines kept)."""
    found = block("rehearsal", step, path)
    if found.language not in ("sh", "bash", "shell"):
        raise GuideError(f"rehearsal:{step} must be a ```sh block")
    return substitute(found.text, values)


def expected_lines(step: str, path: Path = GUIDE) -> list[str]:
    return [line for line in block("expect", step, path).text.splitlines() if line.strip()]


def check_output(step: str, output: str, path: Path = GUIDE) -> None:
    """Every expected line appears in `output`, in order (`…` matches any text within a line)."""
    position = 0
    for line in expected_lines(step, path):
        pattern = ".*?".join(re.escape(part) for part in line.strip().split("…"))
        match = re.compile(pattern).search(output, position)
        if match is None:
            raise GuideError(f"step {step}: the guide says the output shows\n    {line.strip()}\n"
                             f"but after what matched so far it does not. Output:\n{output[-6000:]}")
        position = match.end()


def file_keys(name: str, path: Path = GUIDE) -> list[str]:
    """The keys of a `rehearsal-file:<name>` block (KEY=VALUE lines; comments skipped)."""
    keys = []
    for line in block("rehearsal-file", name, path).text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keys.append(line.split("=", 1)[0].removeprefix("export ").strip())
    return keys
