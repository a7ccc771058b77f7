"""Helpers shared by the list readers: text cleaning, file identity, lookups, name variants."""

from __future__ import annotations

import hashlib
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from tekser.domain.watchlists import SourceFile
from tekser.names import packed


def clean(text: str | None) -> str | None:
    """Collapse whitespace (line breaks, NBSP, tabs); None for empty text."""
    if text is None:
        return None
    cleaned = " ".join(text.split())
    return cleaned or None


def file_info(path: Path, name: str | None = None) -> SourceFile:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return SourceFile(name=name or path.name, sha256=digest.hexdigest(), size=size)


@cache
def _data(name: str) -> Any:
    text = resources.files("tekser.ingest.lists").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@cache
def _document_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in _data("document_kinds.yml")["kinds"])


def document_kind(raw: str | None) -> str:
    """Normalised document kind for a source's type words ("Numéro de passeport" → passport)."""
    if not raw:
        return "other"
    for kind, pattern in _document_patterns():
        if pattern.search(raw):
            return kind
    return "other"


_NUMBER_NOISE = re.compile(r"[\s.\-/_:,]+")


def normalize_number(number: str) -> str:
    """Document number for comparison: no spaces, dots, dashes or slashes; upper case."""
    return _NUMBER_NOISE.sub("", number).upper()


def category_for(list_id: str, programme: str | None) -> str | None:
    """Category (terrorism, proliferation, ...) of a programme on a list, from categories.yml."""
    table = _data("categories.yml").get(list_id)
    if table is None:
        return None
    if programme:
        exact = (table.get("programmes") or {}).get(programme)
        if exact:
            return str(exact)
        for category, pattern in table.get("patterns") or []:
            if re.search(pattern, programme, re.IGNORECASE):
                return str(category)
    default = table.get("default")
    return str(default) if default else None


# --- packed name variants: tekser.names.packed (the screener splits subjects' names the same way)

name_variants = packed.name_variants
