"""Helpers shared by the list readers: text cleaning, file identity, lookups, name variants."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from tekser.domain.watchlists import SourceFile
from tekser.names.scripts import detect_script


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


# --- packed name variants ---------------------------------------------------------------

_ENUMERATION = re.compile(r"\s+\b[a-z]\)\s+|;\s*")
_BORN = re.compile(r",?\s+born\b.*$", re.IGNORECASE)
_DESCRIPTOR = re.compile(
    r"^(?:birth name|combat name|previously listed as|formerly listed as|original script|third|second|"
    r"sub-unit name|martyrs?|nom de guerre)$",
    re.IGNORECASE,
)
_ACRONYM = re.compile(r"^[A-Z0-9][A-Z0-9./&-]{0,11}$")
_ORIGINAL_MARK = re.compile(r"\s*\((?:original script)\)\s*|^original script:\s*", re.IGNORECASE)
_SUBUNIT = re.compile(r"\s+-\s+sub-unit name$", re.IGNORECASE)


def _groups(text: str) -> Iterator[tuple[int, int, str]]:
    """Top-level parenthesised groups as (start, end, inner text); unbalanced ones are ignored."""
    depth = 0
    start = 0
    for index, char in enumerate(text):
        if char == "(":
            if depth == 0:
                start = index
            depth += 1
        elif char == ")" and depth:
            depth -= 1
            if depth == 0:
                yield start, index + 1, text[start + 1 : index]


def _non_latin(text: str) -> bool:
    return detect_script(text) not in (None, "Latn")


def _split_enumeration(text: str) -> list[str]:
    parts = [p.strip(" ,;") for p in _ENUMERATION.split(text)]
    return [p for p in parts if p]


def name_variants(text: str) -> tuple[list[tuple[str, bool]], list[str]]:
    """Split a packed name string into variants; return ``([(variant, original_script)], notes)``.

    ``Azim Adhajani; Azim Agha-Jani`` → both; ``Lom-ali Butayev (Butaev)`` → Lom-ali Butayev,
    Lom-ali Butaev; ``حسن غول (Hassan Ghul; Hassan Gul)`` → all three, the Arabic one marked
    original script; ``EL PARA (COMBAT NAME)`` → EL PARA with the note "COMBAT NAME";
    ``X, born in Kandahar on 01 Jan.1967`` → X with the note. The unsplit string itself is
    not among the variants: callers keep it as the name the source gave.
    """
    notes: list[str] = []
    body = text.strip().rstrip(",").strip()
    if born := _BORN.search(body):
        notes.append(born.group(0).strip(" ,"))
        body = body[: born.start()].strip()
    groups = list(_groups(body))
    # The run of groups that ends the string holds variants or notes; earlier ones are part of it.
    first_trailing = len(groups)
    end = len(body.rstrip(" ,"))
    for index in range(len(groups) - 1, -1, -1):
        if body[groups[index][1] : end].strip(" ,"):
            break
        first_trailing, end = index, groups[index][0]
    variants: list[tuple[str, bool]] = []
    main_parts: list[str] = []
    trailing: list[str] = []
    cursor = 0
    for index, (start, stop, inner) in enumerate(groups):
        main_parts.append(body[cursor:start])
        cursor = stop
        inner = inner.strip()
        if not body[:start].strip():
            notes.append(inner)  # "(Sheikh) Musa Hilal": a title before the name
        elif index >= first_trailing:
            trailing.append(inner)
        else:
            main_parts.append(inner)  # "Leader (Hong Kong) International": part of the name
    main_parts.append(body[cursor:])
    main = " ".join(" ".join(main_parts).split())
    main_script = detect_script(main)
    for variant in _split_enumeration(main):
        variants.append((variant, _non_latin(variant)))
    for inner in trailing:
        for piece in _split_enumeration(inner):
            marked_original = bool(_ORIGINAL_MARK.search(piece))
            piece = _SUBUNIT.sub("", _ORIGINAL_MARK.sub("", piece)).strip()
            if not piece:
                continue
            script = detect_script(piece)
            if _DESCRIPTOR.match(piece) or (piece[0].islower() and script in (None, "Latn")):
                notes.append(piece)
            elif script != main_script or marked_original:
                variants.append((piece, _non_latin(piece) or marked_original))
            elif " " not in piece and not _ACRONYM.match(piece) and " " in main:
                # "Lom-ali Butayev (Butaev)": another spelling of the last word
                variants.append((main.rsplit(" ", 1)[0] + " " + piece, False))
            else:
                variants.append((piece, _non_latin(piece)))
    seen = {" ".join(text.split()).casefold()}
    unique: list[tuple[str, bool]] = []
    for variant, original in variants:
        key = variant.casefold()
        if key not in seen:
            seen.add(key)
            unique.append((variant, original))
    return unique, notes
