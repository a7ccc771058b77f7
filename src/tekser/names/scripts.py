"""Script detection (ISO 15924 codes) for names.

``unicodedata.name`` is enough here: a name's script is decided by its letters, and the
Unicode character names start with the script (CYRILLIC, ARABIC, LATIN ...).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from functools import cache

_SCRIPT_CODES = {
    "LATIN": "Latn",
    "CYRILLIC": "Cyrl",
    "ARABIC": "Arab",
    "HEBREW": "Hebr",
    "GREEK": "Grek",
    "CJK": "Hani",
    "HIRAGANA": "Hira",
    "KATAKANA": "Kana",
    "HANGUL": "Hang",
    "DEVANAGARI": "Deva",
    "GEORGIAN": "Geor",
    "ARMENIAN": "Armn",
    "THAI": "Thai",
    "ETHIOPIC": "Ethi",
    "BENGALI": "Beng",
    "TAMIL": "Taml",
    "SYRIAC": "Syrc",
}


@cache
def char_script(char: str) -> str | None:
    """ISO 15924 code of one letter, or None for digits, punctuation and unknown scripts."""
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    first = name.split(" ", 1)[0]
    return _SCRIPT_CODES.get(first)


def detect_script(text: str) -> str | None:
    """The script of most letters in ``text`` (None when it has no letters)."""
    if text.isascii():  # the common case, without counting
        return "Latn" if any(c.isalpha() for c in text) else None
    counts = Counter(s for s in map(char_script, text) if s)
    if not counts:
        return None
    return counts.most_common(1)[0][0]


def is_latin(text: str) -> bool:
    return detect_script(text) in (None, "Latn")
