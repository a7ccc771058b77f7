"""Loading and compiling the transliteration tables of :mod:`tekser.names.translit`.

The tables are YAML files in ``tekser/names/data/translit`` (one per script family, each with a
``version``). A table maps lowercase source letters to ASCII; a key ``"letters@context"`` applies
only where the context regex of the same name matches. Compilation turns every context match
into one private-use marker character, so that rendering a token with N tables is one regex pass
plus N ``str.translate`` calls (fast, and no per-letter Python loop).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

CYRILLIC_FILES = ("russian", "kazakh", "ukrainian")
TABLE_FILES = ("arabic", "latin", *CYRILLIC_FILES)
_SHORT = {"arabic": "ar", "kazakh": "kk", "latin": "la", "russian": "ru", "ukrainian": "uk"}
# Markers live in the private use area; one in the input merely renders as that context's letters.
_MARKER_BASE = 0xE000


class TableError(ValueError):
    """A translit table file is malformed."""


def load_raw_tables() -> dict[str, dict[str, Any]]:
    """Every table file, parsed, keyed by file stem."""
    folder = resources.files("tekser.names").joinpath("data", "translit")
    raw: dict[str, dict[str, Any]] = {}
    for name in TABLE_FILES:
        data = yaml.safe_load(folder.joinpath(f"{name}.yml").read_text(encoding="utf-8"))
        if not isinstance(data, dict) or "version" not in data:
            raise TableError(f"translit table {name}.yml has no version")
        raw[name] = data
    return raw


def tables_version(raw: Mapping[str, Mapping[str, Any]]) -> str:
    """``translit-<file><version>...-<digest>``: the declared versions plus a content digest, so the
    value changes when a table changes even if someone forgot to bump its version."""
    declared = ".".join(f"{_SHORT.get(name, name)}{raw[name]['version']}" for name in sorted(raw))
    canonical = json.dumps(raw, sort_keys=True, ensure_ascii=False).encode()
    return f"translit-{declared}-{hashlib.sha256(canonical).hexdigest()[:8]}"


@dataclass(frozen=True, slots=True)
class Scheme:
    """Context markers plus an ordered set of translate tables (one per romanisation system)."""

    pattern: re.Pattern[str] | None
    markers: Mapping[str, str]  # regex group name -> marker character
    tables: tuple[dict[int, str], ...]
    names: tuple[str, ...]

    def mark(self, text: str) -> str:
        if self.pattern is None:
            return text
        markers = self.markers
        return self.pattern.sub(lambda m: markers[m.lastgroup or ""], text)

    def render(self, text: str) -> list[str]:
        marked = self.mark(text)
        return [marked.translate(table) for table in self.tables]


def _literal(key: str) -> str:
    return key.split("@", 1)[0]


def compile_scheme(
    contexts: Mapping[str, str], tables: Sequence[tuple[str, Mapping[str, str]]], letters: Mapping[str, str]
) -> Scheme:
    """Compile resolved tables (key -> output) sharing one context regex."""
    used = [key for key in contexts if key in letters or any(key in table for _, table in tables)]
    markers = {key: chr(_MARKER_BASE + i) for i, key in enumerate(used)}
    pattern = re.compile("|".join(f"(?P<c{i}>{contexts[key]})" for i, key in enumerate(used))) if used else None
    compiled: list[dict[int, str]] = []
    for name, table in tables:
        full = {**letters, **table}
        trans: dict[int, str] = {}
        for key, value in full.items():
            if "@" in key or len(key) > 1:
                if key not in contexts:
                    raise TableError(f"table {name}: key {key!r} has no context pattern")
                continue
            trans[ord(key)] = value
        for key, marker in markers.items():
            # a table without the contextual key renders the letters plainly
            trans[ord(marker)] = full[key] if key in full else "".join(full.get(c, c) for c in _literal(key))
        compiled.append(trans)
    return Scheme(
        pattern, {f"c{i}": markers[key] for i, key in enumerate(used)}, tuple(compiled), tuple(n for n, _ in tables)
    )


def _resolve(name: str, defs: Mapping[str, Mapping[str, Any]], seen: tuple[str, ...] = ()) -> dict[str, str]:
    if name not in defs:
        raise TableError(f"unknown translit table {name!r}")
    if name in seen:
        raise TableError(f"translit table inheritance loop at {name!r}")
    spec = defs[name] or {}
    base = _resolve(spec["base"], defs, (*seen, name)) if spec.get("base") else {}
    return {**base, **{str(k): str(v) for k, v in (spec.get("map") or {}).items()}}


@dataclass(frozen=True, slots=True)
class Profile:
    """Which tables (in output order) apply to a token containing one of the trigger letters."""

    priority: int
    trigger: frozenset[str]
    scheme: Scheme


def _profiles(
    files: Sequence[Mapping[str, Any]], key: str, build: Callable[[Sequence[str]], Scheme]
) -> tuple[Profile, ...]:
    found: list[Profile] = []
    for data in files:
        for spec in (data.get("profiles") or {}).values():
            found.append(Profile(int(spec["priority"]), frozenset(spec.get("trigger") or ""), build(spec[key])))
    return tuple(sorted(found, key=lambda p: p.priority))


def cyrillic_profiles(raw: Mapping[str, Mapping[str, Any]]) -> tuple[Profile, ...]:
    files = [raw[name] for name in CYRILLIC_FILES]
    contexts: dict[str, str] = {}
    letters: dict[str, str] = {}
    defs: dict[str, Mapping[str, Any]] = {}
    for data in files:
        contexts.update(data.get("contexts") or {})
        letters.update({str(k): str(v) for k, v in (data.get("letters") or {}).items()})
        defs.update(data.get("tables") or {})

    def build(names: Sequence[str]) -> Scheme:
        return compile_scheme(contexts, [(n, _resolve(n, defs)) for n in names], letters)

    return _profiles(files, "tables", build)


def fold_arabic_key(text: str) -> str:
    """Spelling-insensitive lookup key: hamza seats, alef maqsura and Persian letters folded."""
    return text.translate(_ARABIC_KEY_FOLD)


_ARABIC_KEY_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ک": "ك", "ۀ": "ه"})


@dataclass(frozen=True, slots=True)
class ArabicTables:
    profiles: tuple[Profile, ...]
    initial_alternatives: Mapping[str, tuple[str, ...]]
    article_prefix: str
    article_forms: tuple[str, ...]
    sun_letters: frozenset[str]
    assimilated_vowels: tuple[str, ...]
    compound_heads: Mapping[str, str]  # folded key -> Latin
    compound_joins: tuple[str, ...]
    compound_seconds: tuple[str, ...]  # folded, longest first
    particles: Mapping[str, tuple[str, ...]]
    names: Mapping[str, tuple[str, ...]]
    xform_codes: Mapping[str, str]
    xform_letters: Mapping[str, str]
    xform_weak: frozenset[str]


def arabic_tables(raw: Mapping[str, Any]) -> ArabicTables:
    contexts: dict[str, str] = raw.get("contexts") or {}
    letters = {str(k): str(v) for k, v in (raw.get("letters") or {}).items()}
    styles: dict[str, Mapping[str, Any]] = raw.get("styles") or {}

    def build(names: Sequence[str]) -> Scheme:
        return compile_scheme(
            contexts, [(n, {str(k): str(v) for k, v in (styles[n] or {}).items()}) for n in names], letters
        )

    def listing(mapping: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
        return {fold_arabic_key(k): tuple(str(v) for v in values) for k, values in mapping.items()}

    article, compound, xform = raw["article"], raw["compound"], raw["xform"]
    return ArabicTables(
        profiles=_profiles([raw], "styles", build),
        initial_alternatives={k: tuple(v) for k, v in raw["initial_alternatives"].items()},
        article_prefix=article["prefix"],
        article_forms=tuple(article["forms"]),
        sun_letters=frozenset(article["sun_letters"]),
        assimilated_vowels=tuple(article["assimilated_vowels"]),
        compound_heads={fold_arabic_key(k): str(v) for k, v in compound["heads"].items()},
        compound_joins=tuple(compound["joins"]),
        compound_seconds=tuple(sorted({fold_arabic_key(s) for s in compound["seconds"]}, key=len, reverse=True)),
        particles=listing(raw["particles"]),
        names=listing(raw["names"]),
        xform_codes={str(k): str(v) for k, v in xform["codes"].items()},
        xform_letters={str(k): str(v) for k, v in xform["letters"].items()},
        xform_weak=frozenset(xform["weak_codes"]),
    )


@dataclass(frozen=True, slots=True)
class LatinTables:
    fold: dict[int, str]
    icao: dict[int, str]  # fold plus the Doc 9303 forms
    mrz_xx: Mapping[str, str]
    mrz_xx_re: re.Pattern[str]  # letter + XX + another letter (MUXXLLER)
    apostrophes: frozenset[str]
    hyphens: re.Pattern[str]
    articles: frozenset[str]


def latin_tables(raw: Mapping[str, Any]) -> LatinTables:
    fold = {ord(str(k)): str(v) for k, v in raw["fold"].items()}
    return LatinTables(
        fold=fold,
        icao={**fold, **{ord(str(k)): str(v) for k, v in raw["icao"].items()}},
        mrz_xx={str(k): str(v) for k, v in raw["mrz_xx"].items()},
        mrz_xx_re=re.compile(f"([{''.join(map(str, raw['mrz_xx']))}])xx(?=[a-z])"),
        apostrophes=frozenset(raw["apostrophes"]),
        hyphens=re.compile(f"[{re.escape(raw['hyphens'])}]+"),
        articles=frozenset(raw["articles"]),
    )


@dataclass(frozen=True, slots=True)
class Tables:
    version: str
    cyrillic: tuple[Profile, ...]
    arabic: ArabicTables
    latin: LatinTables


def compile_tables(raw: Mapping[str, Mapping[str, Any]]) -> Tables:
    return Tables(tables_version(raw), cyrillic_profiles(raw), arabic_tables(raw["arabic"]), latin_tables(raw["latin"]))


@cache
def default_tables() -> Tables:
    return compile_tables(load_raw_tables())


def pick_profile(profiles: Sequence[Profile], text: str) -> Profile:
    """The first profile (by priority) whose trigger letters occur in ``text``; the catch-all last."""
    for profile in profiles:
        if not profile.trigger or not profile.trigger.isdisjoint(text):
            return profile
    return profiles[-1]
