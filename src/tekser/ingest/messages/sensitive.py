"""The sensitive-data filter: SSR codes and free text that must never be stored.

The deny-list is the versioned table ``data/sensitive.yml``. Parsers ask :meth:`ssr_category`
for every SSR code and :meth:`text_hit` for every free-text line *before* anything reaches the
model, in every PNR group including the history; a hit is counted, never kept.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

_WORDS = re.compile(r"[A-Z0-9]+")
_FIRST_THREE = operator.itemgetter(slice(3))


@dataclass(frozen=True)
class SensitiveFilter:
    version: str
    codes: dict[str, str]  # SSR code → category
    patterns: tuple[tuple[str, re.Pattern[str]], ...]  # (drop key, pattern)
    combined: re.Pattern[str] | None = field(default=None, compare=False)  # one search for all rules
    keys: tuple[str, ...] = field(default=(), compare=False)
    prefixes: frozenset[str] = field(default=frozenset(), compare=False)  # first three letters of every rule

    def ssr_category(self, code: str) -> str | None:
        """The category when the SSR code is on the deny-list."""
        return self.codes.get(code.strip().upper())

    def text_hit(self, text: str) -> str | None:
        """The drop key ("text:<rule>") when free text matches the deny-list, else None."""
        if self.combined is None:
            return None
        upper = text.upper()
        if self.prefixes and self.prefixes.isdisjoint(map(_FIRST_THREE, _WORDS.findall(upper))):
            return None  # no word starts like any rule: skip the (slow) full search
        match = self.combined.search(upper)
        if match is None:
            return None
        return self.keys[match.lastindex - 1] if match.lastindex else None


def build_filter(table: dict[str, Any]) -> SensitiveFilter:
    """A filter from a parsed table (the YAML's structure); refuses a table without a version."""
    version = str(table.get("version") or "")
    if not version:
        raise ValueError("sensitive-data table has no version")
    codes: dict[str, str] = {}
    for category, listed in (table.get("ssr") or {}).items():
        for code in listed or ():
            codes[str(code).strip().upper()] = str(category)
    patterns: list[tuple[str, re.Pattern[str]]] = []
    for rule, words in (table.get("free_text") or {}).items():
        for word in words or ():
            if re.search(r"[a-z]", re.sub(r"\\.", "", str(word))):  # \w, \b … are fine
                raise ValueError(f"sensitive-data rule {word!r} is not upper case")
        alternatives = "|".join(f"(?:{w})" for w in words or ())
        if alternatives:
            patterns.append((f"text:{rule}", re.compile(rf"\b(?:{alternatives})\b")))
    if codes:
        # An SSR code inside free text ("SSR AVMLSQHK1" in a history line): left boundary only.
        alternatives = "|".join(sorted(codes))
        patterns.append(("text:ssr_code", re.compile(rf"(?<![A-Z0-9])(?:{alternatives})")))
    # One search for all rules, on upper-cased text (the table is upper case; IGNORECASE is twice as slow).
    combined = re.compile("|".join(f"({p.pattern})" for _, p in patterns)) if patterns else None
    keys = tuple(key for key, _ in patterns)
    return SensitiveFilter(
        version=version, codes=codes, patterns=tuple(patterns), combined=combined, keys=keys, prefixes=_prefixes(table)
    )


def _prefixes(table: dict[str, Any]) -> frozenset[str]:
    """First three letters of every code and rule, for a quick no-match test; empty (no shortcut) when
    a rule does not start with three literal letters."""
    starts = [str(code).strip().upper() for listed in (table.get("ssr") or {}).values() for code in listed or ()]
    starts += [str(word) for words in (table.get("free_text") or {}).values() for word in words or ()]
    prefixes = set()
    for start in starts:
        head = re.match(r"[A-Z]{3}", start)
        if head is None:
            return frozenset()
        prefixes.add(head.group(0))
    return frozenset(prefixes)


@cache
def default_filter() -> SensitiveFilter:
    """The filter from the packaged ``data/sensitive.yml``."""
    text = resources.files("tekser.ingest.messages").joinpath("data/sensitive.yml").read_text(encoding="utf-8")
    return build_filter(yaml.safe_load(text))
