"""Latin renderings of one name token, in any script: *generate, don't guess*.

A name has many legitimate Latin spellings (Юлия: IULIIA in a 2014 passport, YULIYA in a 1998 one,
Yulia on a ticket). We render each token once per romanisation system in use and let the matcher
fold and compare the small set. Tables are versioned YAML data (``data/translit/*.yml``, compiled by
:mod:`tekser.names.translit_tables`); :data:`TABLES_VERSION` identifies them in match evidence.

Why hand-written: ICU, unidecode, rigour and interscript each apply *one* table per run; none
produces the several national renderings that coexist in passports (ICAO 9303 2013, FMS 2010,
MVD 1997, Kazakh ticketing/ICS-630/2021 Latin, ICAO Arabic X-form, Arabic spelling styles). ICU
is still used, lazily, for scripts without a table here (Greek, Armenian, Han, Hangul, Hebrew...),
and ``anyascii`` for the letters ICU has no transform for (Mongolian, Tibetan, Lao, Javanese,
Khmer, Sinhala...).

Output: lowercase ``a-z`` strings, ``-`` only after a detached Arabic article (``al-rahman``);
deduplicated, most common first, at most :data:`MAX_VARIANTS`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from typing import Any

from anyascii import anyascii

from tekser.names.scripts import detect_script
from tekser.names.translit_tables import (
    ArabicTables,
    LatinTables,
    Tables,
    default_tables,
    fold_arabic_key,
    pick_profile,
)

__all__ = ["MAX_VARIANTS", "TABLES_VERSION", "detect_token_script", "latin_variants", "render_variants"]

MAX_VARIANTS = 16
TABLES_VERSION: str = default_tables().version

_NOT_OUT = re.compile(r"[^a-z-]+")
_MULTI_HYPHEN = re.compile(r"-{2,}")
_CLEAN = re.compile(r"[a-z]+(?:-[a-z]+)*").fullmatch
# Everything but letters: harakat and Quranic marks (not alphanumeric), digits, punctuation, joiners,
# and the tatweel and small waw/ya, which Unicode counts as letters.
_AR_NOISE = re.compile("[\\W\\d_\u0640\u06e5\u06e6]")
_CYRILLIC = re.compile("[\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f]")
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN = re.compile("[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
_CYRILLIC_SPLIT = re.compile(r"[\s\-‐‑–—'ʼ’`]+")
# X-form tokens without an X code: a leading E (= ain) before consonants only (EBD, EMR).
_XFORM_EBD = re.compile(r"E[BDFGHJKLMNQRSTZ]{2,3}")


def detect_token_script(token: str) -> str | None:
    """ISO 15924 code of the token's main script (``Latn``, ``Cyrl``, ``Arab``...), None if no letters."""
    return detect_script(token)


@lru_cache(maxsize=4096)  # (screening keeps what it needs per word in parts._WORDS)
def latin_variants(token: str) -> tuple[str, ...]:
    """Latin renderings of ONE name token (a word without spaces), any script.

    Returns lowercase ASCII strings of letters a-z, possibly containing '-' to mark a detached
    particle (Arabic article: "al-rahman"); deduplicated; most common rendering first; at most
    MAX_VARIANTS (16). Empty tuple when nothing alphabetic is left.
    """
    return render_variants(token, default_tables())


def render_variants(token: str, tables: Tables) -> tuple[str, ...]:
    """:func:`latin_variants` with explicit (e.g. patched) tables, uncached."""
    if token.isascii():
        low = token.lower()
        if low.isalpha() and "x" not in low and low[0] != "e":  # the common case: plain list or MRZ name
            return (low,)
        return _finish(_latin(low, tables))
    text = unicodedata.normalize("NFKC", token)  # presentation forms, ligatures, fullwidth letters
    # Majority of Cyrillic / Arabic / Latin letters (cheaper than a per-letter script lookup).
    cyrillic, arabic, latin = len(_CYRILLIC.findall(text)), len(_ARABIC.findall(text)), len(_LATIN.findall(text))
    if cyrillic and cyrillic >= max(arabic, latin):
        candidates = _cyrillic(text.lower(), tables)
    elif arabic and arabic >= latin:
        candidates = _arabic(text, tables.arabic)
    elif latin:
        candidates = _latin(text.lower(), tables)
    else:  # a script without a table here: ICU (on the original: it knows e.g. the Armenian ligature)
        candidates = _latin(_icu(token).lower().replace("-", ""), tables)
    return _finish(candidates)


def _finish(candidates: list[str]) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for candidate in dict.fromkeys(candidates):
        text = candidate
        if not _CLEAN(text):  # table output is clean already; the rest is folded and stripped
            text = _NOT_OUT.sub("", (text if text.isascii() else _ascii_fold(text)).lower())
            text = _MULTI_HYPHEN.sub("-", text).strip("-")
        if text:
            out[text] = None
            if len(out) == MAX_VARIANTS:
                break
    return tuple(out)


@cache
def _icu_transliterator() -> Any:
    try:
        import icu
    except ImportError:  # optional: without ICU, untabled scripts yield no variant
        return None
    return icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")


def _icu(text: str) -> str:
    """ICU's Any-Latin; the letters and marks it leaves in their script (no ICU transform exists for
    Mongolian, Tibetan, Lao, Javanese...) are then romanised one by one by anyascii."""
    transliterator = _icu_transliterator()
    out = str(transliterator.transliterate(text)) if transliterator is not None else text
    return out if out.isascii() else "".join(map(_romanise_char, out))


@cache
def _romanise_char(char: str) -> str:
    # letters and marks only: a symbol such as an emoji must not become a word (":grinning:")
    if char.isascii() or unicodedata.category(char)[0] not in "LM":
        return char
    return anyascii(char)


def _ascii_fold(text: str) -> str:
    """NFKD without combining marks; ICU for what is left (ɛ, ʃ, stray letters of other scripts)."""
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text if text.isascii() else (_icu(text) or text)


# --- Latin -------------------------------------------------------------------------------------


def _latin(low: str, tables: Tables) -> list[str]:
    lt = tables.latin
    if low.isascii() and low.isalpha():
        return [low, *_x_variants(low, tables)]
    low = "".join(c for c in low if c not in lt.apostrophes)
    segments = lt.hyphens.split(low)
    out: list[str] = []
    renderings = [lt.fold, lt.icao] if any(lt.icao.get(ord(c)) != lt.fold.get(ord(c)) for c in low) else [lt.fold]
    for table in renderings:
        parts = [p for p in (_NOT_OUT.sub("", _ascii_fold(s.translate(table)).lower()) for s in segments) if p]
        if not parts:
            continue
        joined = "".join(parts)
        out.extend((_hyphenate(parts, lt), joined))
        if "x" in joined:
            out.extend(_x_variants(joined, tables))
    return out


def _hyphenate(parts: list[str], lt: LatinTables) -> str:
    """Keep a hyphen only next to an Arabic-style article that has a following word."""
    article = [p in lt.articles for p in parts]
    out = parts[0]
    for i in range(1, len(parts)):
        detached = article[i - 1] or (article[i] and i < len(parts) - 1)
        out += ("-" if detached else "") + parts[i]
    return out


def _x_variants(low: str, tables: Tables) -> list[str]:
    """MRZ ``XX`` national-character marker (MUXXLLER) and the ICAO Arabic X-form (XHSYN)."""
    out: list[str] = []
    lt = tables.latin
    if "xx" in low and lt.mrz_xx_re.search(low):
        out.append(lt.mrz_xx_re.sub(r"\1", low))
        out.append(lt.mrz_xx_re.sub(lambda m: lt.mrz_xx[m[1]], low))
    arabic = _xform_decode(low.upper(), tables.arabic)
    if arabic:
        out.extend(_arabic(arabic, tables.arabic))
    return out


def _xform_decode(upper: str, at: ArabicTables) -> str | None:
    """Arabic letters of a Doc 9303 X-form token, or None when it does not look like one.

    Conservative: every X must start a code, no letter outside the X-form alphabet (so no O, U, V,
    bare C), at least one code that ordinary Latin names never contain (XE and XI do: Alexei,
    Maxim), and no run of three vowels.
    """
    if "X" not in upper:
        if _XFORM_EBD.fullmatch(upper) and not re.search(r"(.)\1", upper):
            return "".join(at.xform_letters[c] for c in upper)
        return None
    out: list[str] = []
    strong = False
    vowels = 0
    i = 0
    while i < len(upper):
        if upper[i] == "X":
            code = upper[i : i + 3] if upper[i : i + 3] in at.xform_codes else upper[i : i + 2]
            if code not in at.xform_codes:
                return None
            out.append(at.xform_codes[code])
            strong = strong or code not in at.xform_weak
            i += len(code)
            vowels = 0
            continue
        letter = at.xform_letters.get(upper[i])
        if letter is None:
            return None
        vowels = vowels + 1 if upper[i] in "AEI" else 0
        if vowels >= 3:
            return None
        out.append(letter)
        i += 1
    return "".join(out) if strong else None


# --- Cyrillic ----------------------------------------------------------------------------------


def _cyrillic(low: str, tables: Tables) -> list[str]:
    # One whole-token rendering per table (not a cartesian product of letter options).
    scheme = pick_profile(tables.cyrillic, low).scheme
    parts = [p for p in _CYRILLIC_SPLIT.split(low) if p]
    if len(parts) <= 1:
        return scheme.render(low)
    rendered = [scheme.render(p) for p in parts]
    return ["".join(column) for column in zip(*rendered, strict=True)]


# --- Arabic script -----------------------------------------------------------------------------


def _arabic(token: str, at: ArabicTables) -> list[str]:
    text = _AR_NOISE.sub("", unicodedata.normalize("NFKC", token))
    if not text:
        return []
    key = fold_arabic_key(text)  # same length as text: one character per character
    if key in at.particles:
        return list(at.particles[key])
    out = list(at.names.get(key, ()))
    for head, head_latin in at.compound_heads.items():
        if key.startswith(head) and len(key) > len(head) + 1:
            return out + _arabic_compound([head_latin], text[len(head) :], at)
    prefix = at.article_prefix
    if key.startswith(prefix) and len(key) >= len(prefix) + 2:
        stem = text[len(prefix) :]
        stems, lead = _word_renderings(stem, at)
        out += [form + stems[0] for form in at.article_forms]
        if stem[0] in at.sun_letters and lead:  # assimilated: ar-rahman, es-sabar, ur-rehman
            out += [f"{vowel}{lead}-{stems[0]}" for vowel in at.assimilated_vowels]
        return out + ["al-" + s for s in stems[1:]]
    for second in at.compound_seconds if prefix in key[2:] else ():
        if key.endswith(second) and len(key) >= len(second) + 2:
            heads, _ = _word_renderings(text[: -len(second)], at)
            return out + _arabic_compound(heads, text[-len(second) :], at)
    return out + _word_renderings(text, at)[0]


def _word_renderings(text: str, at: ArabicTables) -> tuple[list[str], str]:
    """Conventional spellings, the first style, other initial vowels, the other styles; plus the
    first letter's rendering (for the assimilated article)."""
    scheme = pick_profile(at.profiles, text).scheme
    marked = scheme.mark(text)
    first = scheme.tables[0]
    renders = [marked.translate(table) for table in scheme.tables]
    out = [*at.names.get(fold_arabic_key(text), ()), renders[0]]
    lead = marked[0].translate(first)
    if lead:  # another vowel for an initial ain/alef/hamza (Ali ~ Uli, Umar ~ Omar, Ibrahim)
        rest = marked[1:].translate(first)
        out += [vowel + rest for vowel in at.initial_alternatives.get(text[0], ())]
    return out + renders[1:], lead


def _arabic_compound(heads: list[str], rest: str, at: ArabicTables) -> list[str]:
    """Head + article + stem in one token: Abd al-Rahman, Abdulrahman, Abdurrahman, Khayrallah."""
    prefix, head = at.article_prefix, heads[0]
    if not (fold_arabic_key(rest).startswith(prefix) and len(rest) >= len(prefix) + 2):
        stems, _ = _word_renderings(rest, at)  # a particle before a noun: Abu-Ghaith
        return [f"{head}-{stems[0]}", head + stems[0]] + [f"{head}-{s}" for s in stems[1:]]
    stem = rest[len(prefix) :]
    stems, lead = _word_renderings(stem, at)
    out = [head + join + stems[0] for join in at.compound_joins]
    if stem[0] in at.sun_letters and lead:
        out.append(f"{head}u{lead}{stems[0]}")
    return out + [f"{head}-al-{s}" for s in stems[1:]] + [f"{h}-al-{stems[0]}" for h in heads[1:]]
