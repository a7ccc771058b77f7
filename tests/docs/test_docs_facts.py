"""What the docs say about the code, checked against the code: reader formats, the packages of the
architecture table, and the documents the code cites."""

from __future__ import annotations

import re

from tests.docs.commands import REPO

from tekser.ingest.lists.registry import formats

SRC = REPO / "src" / "tekser"


def _table_after(document: str, heading: str) -> list[list[str]]:
    """The rows (cells) of the first Markdown table from ``heading`` on, without its header."""
    text = (REPO / document).read_text(encoding="utf-8")
    lines = text[text.index(heading) :].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    table = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        table.append([cell.strip() for cell in line.strip("|").split("|")])
    return table[2:]  # (header and rule)


def test_the_reader_formats_in_the_docs_are_the_ones_lists_import_knows() -> None:
    documented = {row[0].strip("`") for row in _table_after("docs/watchlists.md", "## Readers")}
    assert documented == set(formats())


def test_the_architecture_table_names_every_package() -> None:
    named = {
        name
        for row in _table_after("docs/architecture.md", "| Package |")
        for name in re.findall(r"`tekser\.([a-z_.]+)`", row[0])
    }
    packages = {p.name for p in SRC.iterdir() if (p / "__init__.py").is_file()}
    ingest = SRC / "ingest"
    packages |= {f"ingest.{p.name}" for p in ingest.iterdir() if (p / "__init__.py").is_file()}
    packages |= {f"ingest.{p.stem}" for p in ingest.glob("*.py") if p.stem != "__init__"}
    packages -= {"ingest"}  # (described by its parts)
    packages |= {p.stem for p in SRC.glob("*.py") if p.stem not in {"__init__", "__main__"}}
    assert packages - named == set()


def test_every_document_the_code_cites_under_docs_is_in_the_repository() -> None:
    cited = {
        (path.relative_to(REPO), match)
        for path in SRC.rglob("*")
        if path.suffix in {".py", ".yml", ".yaml", ".md"}
        for match in re.findall(r"(?<![./\w])docs/([\w./-]+\.md)", path.read_text(encoding="utf-8"))
    }
    missing = sorted(f"{where}: docs/{name}" for where, name in cited if not (REPO / "docs" / name).is_file())
    assert missing == [], "cite the shared reference as ../shared/docs/NAME, or write the page"
