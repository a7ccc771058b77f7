"""A name string that packs several names: split into each name, as the lists and subjects give them.

``Azim Adhajani; Azim Agha-Jani``, ``Lom-ali Butayev (Butaev)``, ``حسن غول (Hassan Ghul; Hassan
Gul)``: list readers keep each variant as a name of the entry; the screener screens each name of a
subject's packed name field. Pure text handling, no dependencies beyond tekser.names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rapidfuzz.distance import OSA

from tekser.names.scripts import detect_script

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


def _respelling(word: str, inner: str) -> bool:
    """One word in brackets right after a word it is another spelling of (Ahmad / Ahmed)."""
    if " " in inner or not inner.isalpha() or not word.isalpha() or len(word) < 3 or len(inner) < 3:
        return False
    a, b = word.casefold(), inner.casefold()
    return a[0] == b[0] and OSA.distance(a, b, score_cutoff=2) <= 2 and a != b


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
    respellings: list[tuple[str, str]] = []  # (word, its other spelling in brackets after it)
    cursor = 0
    for index, (start, stop, inner) in enumerate(groups):
        main_parts.append(body[cursor:start])
        cursor = stop
        inner = inner.strip()
        before = body[:start].split()
        if not before:
            notes.append(inner)  # "(Sheikh) Musa Hilal": a title before the name
        elif index >= first_trailing:
            trailing.append(inner)
        elif _respelling(before[-1], inner):
            respellings.append((before[-1], inner))  # "AHMAD (AHMED) SANTOS": two names
        else:
            main_parts.append(inner)  # "Leader (Hong Kong) International": part of the name
    main_parts.append(body[cursor:])
    main = " ".join(" ".join(main_parts).split())
    for word, other in respellings:
        words = main.split()
        if word in words:
            spot = words.index(word)
            variants.append((" ".join([*words[:spot], other, *words[spot + 1 :]]), _non_latin(other)))
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
