"""Every XML list reader refuses entities (in a field, or only declared) and keeps a field whole around a comment."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tekser.domain.watchlists import ParsedList
from tekser.errors import SourceError
from tekser.ingest.lists import eu, kz, uk, un

# reader: (fixture under tests/fixtures/lists, the root's name, one field as the fixture has it, read)
READERS: dict[str, tuple[str, str, str, Callable[[Path], ParsedList]]] = {
    "un": ("un/consolidated-small.xml", "CONSOLIDATED_LIST", "<FIRST_NAME>ASKAR</FIRST_NAME>", un.read),
    "eu": ("eu/fsf_sample.xml", "export", "<remark>Low quality alias.</remark>", eu.read),
    "uk": ("uk/uk_sanctions_list_sample.xml", "Designations", "<Name1>Karim</Name1>", uk.read),
    "kz": ("kz/category-1.xml", "category_1", "<lname>ТОКТАРОВ</lname>", kz.read),
}


def _write(fixtures_dir: Path, folder: Path, reader: str, edit: Callable[[str], str]) -> Path:
    fixture, _, field, _ = READERS[reader]
    text = (fixtures_dir / "lists" / fixture).read_text(encoding="utf-8")
    assert field in text
    folder.mkdir(exist_ok=True)
    path = folder / Path(fixture).name
    path.write_text(edit(text), encoding="utf-8")
    return path


def _in_field(reader: str, insert: str) -> Callable[[str], str]:
    """Put ``insert`` after the first two characters of the reader's field."""
    field = READERS[reader][2]
    opening, rest = field.split(">", 1)
    return lambda text: text.replace(field, f"{opening}>{rest[:2]}{insert}{rest[2:]}", 1)


def _declared(reader: str, text: str) -> str:
    """``text`` with a DTD declaring ``xxe`` after its XML declaration."""
    end = text.index("?>") + 2
    return f'{text[:end]}\n<!DOCTYPE {READERS[reader][1]} [<!ENTITY xxe "XX">]>{text[end:]}'


@pytest.mark.parametrize("reader", sorted(READERS))
def test_an_entity_inside_a_field_refuses_the_file(fixtures_dir: Path, tmp_path: Path, reader: str) -> None:
    path = _write(fixtures_dir, tmp_path, reader, lambda text: _declared(reader, _in_field(reader, "&xxe;")(text)))
    tag = READERS[reader][2][1 : READERS[reader][2].index(">")]
    with pytest.raises(SourceError, match=rf"^{path}: line \d+: entity reference &xxe; inside <[^>]*/{tag}>"):
        READERS[reader][3](path)


@pytest.mark.parametrize("reader", sorted(READERS))
def test_a_declared_entity_refuses_the_file(fixtures_dir: Path, tmp_path: Path, reader: str) -> None:
    path = _write(fixtures_dir, tmp_path, reader, lambda text: _declared(reader, text))
    with pytest.raises(SourceError, match=r"the document type declares entities \(xxe\): list files declare none"):
        READERS[reader][3](path)


@pytest.mark.parametrize("reader", sorted(READERS))
def test_a_comment_inside_a_field_keeps_it_whole(fixtures_dir: Path, tmp_path: Path, reader: str) -> None:
    read = READERS[reader][3]
    original = read(_write(fixtures_dir, tmp_path / "original", reader, lambda text: text))
    commented = read(_write(fixtures_dir, tmp_path / "commented", reader, _in_field(reader, "<!-- x --><?pi y?>")))
    assert commented.entries == original.entries
