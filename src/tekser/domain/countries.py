"""Country names as sources write them → ISO 3166-1 alpha-2 codes.

Names in any script come from maintained tables, weakest first (a stronger one wins a clash):
rigour's territory database (OpenSanctions: Wikidata labels in many languages, e.g. "Қазақстан",
"Российская Федерация"), CLDR display names through ICU (the languages below), pycountry's ISO
3166 names and codes. List-specific spellings and demonyms ("Korea, North", "Palestinian",
"former Soviet Union") come last, from the versioned table ``data/country_aliases.yml``. The
original text is always kept beside the code.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import resources

import pycountry
import yaml

from tekser.domain.watchlists import Country

_FOLD = re.compile(r"[\W_]+")

# CLDR display names in the languages that the lists and travel data of the region are written in
CLDR_LANGUAGES = ("en", "ru", "kk", "ky", "uz", "uz_Cyrl", "tg", "tk", "az", "tr", "ar", "fa", "ps", "ur", "zh", "fr")


def _key(text: str) -> str:
    """Case, accents and punctuation folded; letters of every script kept ("Қазақстан" stays)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _FOLD.sub(" ", letters).strip()


def _iso_codes() -> set[str]:
    return {str(country.alpha_2) for country in pycountry.countries}


def _layer(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Names → codes of one source; a name the source gives to two countries is dropped."""
    layer: dict[str, str] = {}
    clashes: set[str] = set()
    for name, code in pairs:
        key = _key(name)
        if not key or key in clashes:
            continue
        if layer.setdefault(key, code) != code:
            clashes.add(key)
            del layer[key]
    return layer


def _rigour_names(strong: bool) -> Iterator[tuple[str, str]]:
    try:  # rigour's own reader (rigour.territories) keeps the names to itself: the same data, read here
        from rigour._core import territories_jsonl
    except ImportError:  # (a table among several: the others still answer)
        return
    known = _iso_codes() | {"XK"}
    for line in territories_jsonl().splitlines():
        data = json.loads(line)
        code = str(data["code"]).upper()
        if code not in known:  # subdivisions (ua-cri), former states (suhh), EU, UN
            continue
        if strong:
            names = [data["name"], data.get("full_name") or "", *data.get("names_strong", [])]
        else:  # short Latin "weak names" are stray codes ("YF", "ANG"): not names
            names = [n for n in data.get("names_weak", []) if len(n) > 3 or not n.isascii()]
        for name in names:
            yield str(name), code


def _cldr_names() -> Iterator[tuple[str, str]]:
    try:
        import icu
    except ImportError:
        return
    for language in CLDR_LANGUAGES:
        locale = icu.Locale(language)
        for code in sorted(_iso_codes() | {"XK"}):
            name = str(icu.Locale("", code).getDisplayCountry(locale))
            if name and name != code:
                yield name, code


def _iso_names() -> Iterator[tuple[str, str]]:
    for country in pycountry.countries:
        code = str(country.alpha_2)
        yield code, code
        yield str(country.alpha_3), code
        for attribute in ("name", "official_name", "common_name"):
            value = getattr(country, attribute, None)
            if value:
                yield str(value), code


@cache
def _table() -> dict[str, str | None]:
    table: dict[str, str | None] = {}
    for layer in (_rigour_names(strong=False), _cldr_names(), _rigour_names(strong=True), _iso_names()):
        table.update(_layer(layer))
    raw = yaml.safe_load(resources.files("tekser.domain").joinpath("data/country_aliases.yml").read_text())
    for alias, code in raw["aliases"].items():
        table[_key(str(alias))] = str(code) if code else None
    return table


def country_code(text: str | None) -> str | None:
    """ISO alpha-2 code for a country name, code or demonym; None when unknown or not a country."""
    if not text:
        return None
    return _table().get(_key(text))


def is_known_country(text: str) -> bool:
    """True when the text is in the table, even as a known non-country ("former Soviet Union")."""
    return _key(text) in _table()


def country(text: str | None) -> Country | None:
    """A :class:`Country` keeping the source's text (whitespace collapsed) and its code."""
    if text is None:
        return None
    cleaned = " ".join(text.split())
    if not cleaned:
        return None
    return Country(name=cleaned, code=country_code(cleaned))
