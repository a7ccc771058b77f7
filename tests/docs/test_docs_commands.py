"""Every command shown in README.md and docs/*.md runs as written, and prints what the docs say.

Each document's commands run in order, in one shell, in a sandbox laid out like a checkout
(``../shared`` beside it, the repository's files linked in), on a fresh SQLite database
(``TEKSER_DB_URL``). A command that asks for a password reads it from standard input (there is
no terminal). See ``tests/docs/commands.py`` for how blocks are read.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest
from tests.docs.commands import DOCUMENTS, REPO, Command, blocks, commands, matches, stray, synopsis
from typer.testing import CliRunner

from tekser.cli.main import app

PASSWORD = "correct horse battery staple"
LINKED = ("Makefile", "pyproject.toml", "constraints.txt", "scripts", "src", "tests", "benchmarks", "docs", ".venv")
# `make test` is the command that runs this test: CI runs it (.ci/run), a test cannot
NOT_RUN_HERE = {"make test"}


def _runnable(document: Path) -> list[Command]:
    return [c for b in blocks(document) for c in commands(b) if c.text.split("#")[0].strip() not in NOT_RUN_HERE]


def _has_commands(document: Path) -> bool:
    try:
        return bool(_runnable(document))
    except AssertionError:
        return True  # a malformed block: its document's test says where


WITH_COMMANDS = [d for d in DOCUMENTS if _has_commands(d)]


def test_a_command_in_the_docs_is_either_runnable_or_a_synopsis() -> None:
    problems = [f"{b.where}: {line!r}" for d in DOCUMENTS for b in blocks(d) for line in stray(b)]
    assert problems == [], "tag the block sh or console (run by the tests) or text (a synopsis)"


def test_every_synopsis_line_names_a_real_command_and_its_real_options() -> None:
    runner = CliRunner()
    problems = []
    for document in DOCUMENTS:
        for block in blocks(document):
            for where, line in synopsis(block):
                words = line.split("  ")[0].split()[1:]
                path: list[str] = []
                while words and re.fullmatch(r"[a-z][a-z-]*(\|[a-z][a-z-]*)*", words[0]):
                    path.append(words.pop(0))
                *parents, last = path
                for name in last.split("|"):
                    shown = runner.invoke(app, [*parents, name, "--help"], env={"COLUMNS": "200"})
                    if shown.exit_code != 0:
                        problems.append(f"{where}: tekser {' '.join([*parents, name])} does not exist")
                        continue
                    for option in re.findall(r"(?<![\w-])--[a-z][a-z-]*", line.split("  ")[0]):
                        if not re.search(rf"│\s+(\*\s+)?{option}(?![\w-])", shown.output):  # its options table
                            problems.append(f"{where}: tekser {' '.join([*parents, name])} has no {option}")
    assert problems == []


@pytest.fixture
def sandbox(tmp_path: Path, shared_data: Path) -> Path:
    """A checkout-like folder with ``../shared`` beside it."""
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in LINKED:
        (repo / name).symlink_to(REPO / name)
    (tmp_path / "shared").symlink_to(shared_data.resolve().parent)
    (tmp_path / "home").mkdir()
    return repo


@pytest.mark.shared_data
@pytest.mark.parametrize("document", WITH_COMMANDS, ids=lambda d: str(d.relative_to(REPO)))
def test_the_commands_of_a_document_run_as_written_and_print_what_it_shows(document: Path, sandbox: Path) -> None:
    shown = _runnable(document)
    outputs = sandbox.parent / "outputs"
    outputs.mkdir()
    passwords = sandbox.parent / "passwords"
    passwords.write_text(f"{PASSWORD}\n" * 8, encoding="utf-8")
    script = [f"cd {shlex.quote(str(sandbox))}"]
    for number, command in enumerate(shown):
        out = shlex.quote(str(outputs / str(number)))
        script += [f"{{ {command.text}\n}} < {shlex.quote(str(passwords))} > {out} 2>&1", f"echo $? > {out}.rc"]
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("TEKSER_API_KEY", "TEKSER_DB", "PYTEST", "COV"))
    }
    environment |= {
        "PATH": f"{REPO / '.venv' / 'bin'}:{environment.get('PATH', '/usr/bin:/bin')}",
        "HOME": str(sandbox.parent / "home"),
        "TEKSER_DB_URL": f"sqlite:///{sandbox.parent / 'tekser.sqlite'}",
        "TEKSER_SHARED_DATA": str(sandbox.parent / "shared" / "data"),
        "COLUMNS": "160",
        "NO_COLOR": "1",
    }
    subprocess.run(["bash", "-c", "\n".join(script)], env=environment, cwd=sandbox, timeout=1500,
                   start_new_session=True, check=False)  # fmt: skip
    problems = []
    for number, command in enumerate(shown):
        rc_file = outputs / f"{number}.rc"
        code = int(rc_file.read_text()) if rc_file.exists() else None
        printed = (outputs / str(number)).read_text(encoding="utf-8", errors="replace").splitlines()
        if code != command.exit_code:
            tail = "\n    ".join(printed[-6:])
            problems.append(f"{command.where}: `{command.text}` exited {code}, not {command.exit_code}:\n    {tail}")
        elif command.expected is not None and not matches(command.expected, printed):
            problems.append(f"{command.where}: `{command.text}` printed:\n" + "\n".join(printed[:40]))
    assert not problems, "\n\n".join(problems)
