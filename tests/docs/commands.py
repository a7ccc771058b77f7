"""The commands shown in README.md and docs/*.md, read from their fenced blocks.

- ```` ```sh ```` blocks: every line is a command (a trailing ``\\`` continues it on the next
  line; ``# ...`` after it is a comment). It must exit 0, unless its comment says
  ``exit N``.
- ```` ```console ```` blocks: ``$ command`` lines, each followed by the output the docs promise.
  In the output, a line ``...`` stands for any number of lines and ``...`` inside a line for
  any text; every other line must be printed as shown (trailing spaces aside).
- ```` ```text ```` blocks whose lines start with ``tekser``: a synopsis. Each command named
  must exist and accept every ``--option`` shown.

Any other block holding a line that starts with ``tekser`` or ``$ `` is an error: a command in
the docs is either runnable or a synopsis.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
FENCE = re.compile(r"^\s*```(\S*)\s*$")  # indented too (inside a list item)
EXIT = re.compile(r"#.*\bexit (\d+)\b")


@dataclass(frozen=True, slots=True)
class Block:
    document: Path
    line: int  # of the opening fence, 1-based
    language: str
    lines: tuple[str, ...]

    @property
    def where(self) -> str:
        return f"{self.document.relative_to(REPO)}:{self.line}"


@dataclass(slots=True)
class Command:
    text: str
    where: str
    expected: list[str] | None = None  # None: the output is not promised (a ```sh block)
    exit_code: int = 0
    output: list[str] = field(default_factory=list)


def blocks(document: Path) -> list[Block]:
    found, language, start, body, indent = [], None, 0, [], ""
    for number, line in enumerate(document.read_text(encoding="utf-8").splitlines(), start=1):
        fence = FENCE.match(line)
        if fence and language is None:
            language, start, body = fence.group(1), number, []
            indent = line[: len(line) - len(line.lstrip())]
        elif line.strip().startswith("```") and language is not None:
            found.append(Block(document, start, language, tuple(body)))
            language = None
        elif language is not None:
            body.append(line.removeprefix(indent))
    return found


def _joined(lines: list[str]) -> list[tuple[int, str]]:
    """(index of the first line, the command) with ``\\`` continuations joined."""
    result: list[tuple[int, str]] = []
    pending, first = "", 0
    for index, line in enumerate(lines):
        if not pending:
            first = index
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        result.append((first, pending + line))
        pending = ""
    return result


def commands(block: Block) -> list[Command]:
    if block.language == "sh":
        found = []
        for index, text in _joined(list(block.lines)):
            if not text.strip() or text.lstrip().startswith("#"):
                continue
            code = EXIT.search(text)
            found.append(Command(text, f"{block.where}+{index + 1}", None, int(code.group(1)) if code else 0))
        return found
    if block.language == "console":
        found = []
        lines = list(block.lines)
        index = 0
        while index < len(lines):
            if not lines[index].startswith("$ "):
                raise AssertionError(f"{block.where}: output before any command: {lines[index]!r}")
            text = lines[index][2:]
            start = index
            while text.rstrip().endswith("\\"):
                index += 1
                text = text.rstrip()[:-1] + " " + lines[index].strip()
            index += 1
            expected = []
            while index < len(lines) and not lines[index].startswith("$ "):
                expected.append(lines[index])
                index += 1
            found.append(Command(text, f"{block.where}+{start + 1}", expected))
        return found
    return []


def synopsis(block: Block) -> list[tuple[str, str]]:
    """(where, line) of the synopsis lines of a ```text block."""
    if block.language != "text":
        return []
    return [(f"{block.where}+{i + 1}", line) for i, line in enumerate(block.lines) if line.startswith("tekser ")]


def stray(block: Block) -> list[str]:
    """Command-like lines in blocks that are neither run nor a synopsis."""
    if block.language in ("sh", "console", "text"):
        return []
    return [line for line in block.lines if re.match(r"\s*(\$ |tekser |make )", line)]


def matches(expected: list[str], printed: list[str]) -> bool:
    """Whether the printed lines are what the docs show (``...`` for any lines / any text)."""
    return _match([e.rstrip() for e in expected], [p.rstrip() for p in printed])


def _line(expected: str, printed: str) -> bool:
    pattern = ".*".join(re.escape(part) for part in re.split(r"\.\.\.|…", expected))
    return re.fullmatch(pattern, printed) is not None


def _match(expected: list[str], printed: list[str]) -> bool:
    # reachable[j]: the expected lines so far can account for exactly the first j printed lines
    reachable = [True] + [False] * len(printed)
    for head in expected:
        if head.strip() in ("...", "…"):
            for j in range(1, len(printed) + 1):
                reachable[j] = reachable[j] or reachable[j - 1]
        else:
            reachable = [False] + [reachable[j] and _line(head, printed[j]) for j in range(len(printed))]
    return reachable[-1]
