"""Script detection (ISO 15924 codes) for names.

A letter's script is ICU's Unicode Script property (``Mong``, ``Tibt``, ``Laoo``, ``Java``,
``Thaa``... every script Unicode knows), looked up once per distinct character. Without ICU (an
optional wheel on some platforms) the first word of ``unicodedata.name`` stands in: it covers the
scripts listed below only.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable
from functools import cache

# Common (punctuation, modifier letters such as ʼ and ー), Inherited (combining marks), Unknown
_NO_SCRIPT = frozenset({"Zyyy", "Zinh", "Zzzz"})

_SCRIPT_CODES = {  # the fallback without ICU
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


def _by_character_name(char: str) -> str | None:
    return _SCRIPT_CODES.get(unicodedata.name(char, "").split(" ", 1)[0])


@cache
def _lookup() -> Callable[[str], str | None]:
    try:
        import icu
    except ImportError:
        return _by_character_name

    def by_icu(char: str) -> str | None:
        code = str(icu.Script.getScript(ord(char)).getShortName())
        return None if code in _NO_SCRIPT else code

    return by_icu


@cache  # per distinct character: the ICU call is made once per letter ever seen
def char_script(char: str) -> str | None:
    """ISO 15924 code of one letter, or None for digits, punctuation and script-less letters."""
    if not char.isalpha():
        return None
    return _lookup()(char)


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
