"""Helpers shared by the list readers: text cleaning, file identity, lookups, name variants."""

from __future__ import annotations

import hashlib
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from lxml import etree

from tekser.domain.watchlists import SourceFile
from tekser.errors import SourceError
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


# --- XML: parsed without entities, comments or processing instructions


def xml_parser() -> etree.XMLParser:
    """The parser of every XML list reader.

    No entity is resolved and nothing is fetched (XXE, entity expansion). Comments and processing
    instructions are dropped while parsing, so the text on both sides of one inside a field stays
    one text (lxml would otherwise keep only the part before it in ``.text``).
    """
    return etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True, remove_pis=True
    )


def _path(element: etree._Element) -> str:
    """``CONSOLIDATED_LIST/INDIVIDUALS/INDIVIDUAL[3]/FIRST_NAME``: local names, position among namesakes."""
    steps = []
    node: etree._Element | None = element
    while node is not None:
        name = etree.QName(node).localname
        parent = node.getparent()
        namesakes = [] if parent is None else [c for c in parent if c.tag == node.tag]
        steps.append(f"{name}[{namesakes.index(node) + 1}]" if len(namesakes) > 1 else name)
        node = parent
    return "/".join(reversed(steps))


def refuse_entities(root: etree._Element, source: str) -> None:
    """Refuse a list file using or declaring entities (beyond XML's five and character references).

    An unresolved entity reference splits a field: ``<FIRST_NAME>ER&x;IC</FIRST_NAME>`` would be
    read as ``ER``, half a name. Published lists use none, so the file is refused, naming where.
    """
    for entity in root.iter(etree.Entity):
        parent = entity.getparent()
        where = _path(parent) if parent is not None else "the document"
        raise SourceError(
            source,
            f"line {entity.sourceline}: entity reference {entity.text} inside <{where}>: list files use no "
            "entities and the text around it would be cut (refused, never half a name)",
        )
    dtd = root.getroottree().docinfo.internalDTD
    declared = [e.name for e in dtd.iterentities()] if dtd is not None else []  # type: ignore[attr-defined]  # not in lxml-stubs
    if declared:
        raise SourceError(
            source,
            f"the document type declares entities ({', '.join(str(n) for n in declared[:5])}): list files "
            "declare none (refused: entity expansion and external entities are not read)",
        )


# --- packed name variants: tekser.names.packed (the screener splits subjects' names the same way)

name_variants = packed.name_variants
