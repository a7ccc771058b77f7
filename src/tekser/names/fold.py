"""Folding Latin renderings to a canonical form and a consonant skeleton.

Different romanisation tables disagree mostly in digraphs (KH/H, ZH/J, TS/TC, SH/SCH), in
Y versus I (MVD 1997 vs ICAO 2013: YULIYA vs IULIIA), Q versus K (Kazakh) and doubled
letters (KHASSENOVA). Folding both sides the same way makes those renderings equal; the
skeleton (first letter + consonants) additionally equals vowel-less Arabic renderings.
Written by hand because the rules are tekser's own matching convention, not a standard.
"""

from __future__ import annotations

import re
from functools import lru_cache

_NOT_LETTER = re.compile(r"[^a-z]+")
_DIGRAPHS = (
    ("shch", "s"),
    ("tch", "c"),
    ("dzh", "j"),
    ("sch", "s"),
    ("zh", "j"),
    ("dj", "j"),
    ("kh", "h"),
    ("sh", "s"),
    ("ch", "c"),
    ("ts", "c"),
    ("tc", "c"),
    ("tz", "c"),
    ("gh", "g"),
    ("ph", "f"),
    ("th", "t"),
    ("dh", "d"),
    ("ck", "k"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
)
_LETTERS = str.maketrans({"q": "k", "x": "ks", "w": "v", "y": "i"})
_IOTATED = (("iu", "u"), ("ia", "a"), ("io", "o"), ("ie", "e"))
_DOUBLE = re.compile(r"(.)\1+")
_VOWELS = re.compile(r"[aeiou]")
# anything _fold_once changes: a digraph, a letter it maps, a doubled letter, an iotated vowel, a final H
_UNSTABLE = re.compile("|".join(old for old, _ in _DIGRAPHS + _IOTATED) + r"|[qxwy]|(.)\1|(?<=[aeiou])h$")


def _canonical(latin: str) -> str:
    """Folded form of a lowercase Latin rendering: ``yuliya``, ``iuliia`` → ``ula``.

    Applied until nothing changes, so that folding a folded form changes nothing (``qh`` → ``kh`` → ``h``).
    """
    text = latin.lower()
    if not (text.isascii() and text.isalpha()):  # (already letters only, as most renderings are)
        text = _NOT_LETTER.sub("", text)
    for _ in range(4):
        folded = _fold_once(text)
        if folded == text or not _UNSTABLE.search(folded):
            return folded  # (nothing left that a fold would change: no need to fold again to see it)
        text = folded
    return text


# cached by wrapping, not by decorating: mutmut leaves decorated functions unmutated (docs/testing.md)
canonical = lru_cache(maxsize=30_000)(_canonical)  # (new words and names as they come: about 6 MB when full)


def _fold_once(text: str) -> str:
    # (every step looks before it works: folding runs for each new word and name of a build)
    for old, new in _DIGRAPHS:
        if old in text:
            text = text.replace(old, new)
    if "q" in text or "x" in text or "w" in text or "y" in text:
        text = text.translate(_LETTERS)
    text = _undouble(text)
    iotated = False
    for old, new in _IOTATED:
        if old in text:
            text = text.replace(old, new)
            iotated = True
    if iotated:  # (nothing else can have doubled a letter again)
        text = _undouble(text)
    if len(text) > 1 and text[-1] == "h" and text[-2] in "aeiou":  # a final H after a vowel (Abdullah)
        return text[:-1]
    return text


def _undouble(text: str) -> str:
    """Doubled letters written once (a search first: a substitution costs several times more
    even when nothing is doubled, and a function as replacement less than a template)."""
    return _DOUBLE.sub(_first_group, text) if _DOUBLE.search(text) else text


def _first_group(match: re.Match[str]) -> str:
    return match[1]


_LOOSE = str.maketrans({"z": "s", "c": "s", "d": "t", "b": "p", "g": "k", "v": "f", "h": None})


def _loose_skeleton(form: str) -> str:
    """The skeleton with voiced and voiceless consonants merged and H dropped, for blocking only:
    ``izmailov`` and ``ismailov`` share ``ismlf``."""
    return _undouble(skeleton(form).translate(_LOOSE))


def _skeleton(form: str) -> str:
    """First letter and the consonants of a canonical form: ``muhamad`` → ``mhmd``."""
    if not form:
        return form
    rest = _VOWELS.sub("", form[1:])
    return _undouble(form[0] + rest)


skeleton = lru_cache(maxsize=30_000)(_skeleton)
loose_skeleton = lru_cache(maxsize=30_000)(_loose_skeleton)
