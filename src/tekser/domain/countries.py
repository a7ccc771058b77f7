"""Country names as sources write them → ISO 3166-1 alpha-2 codes.

ISO names come from pycountry; list-specific spellings and demonyms ("Korea, North",
"Palestinian", "former Soviet Union") come from the versioned table
``data/country_aliases.yml``. The original text is always kept beside the code.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import resources

import pycountry
import yaml

from tekser.domain.watchlists import Country

_FOLD = re.compile(r"[^a-z0-9]+")


def _key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _FOLD.sub(" ", ascii_only).strip()


@cache
def _table() -> dict[str, str | None]:
    table: dict[str, str | None] = {}
    for country in pycountry.countries:
        code = str(country.alpha_2)
        table[_key(code)] = code
        table[_key(str(country.alpha_3))] = code
        for attribute in ("name", "official_name", "common_name"):
            value = getattr(country, attribute, None)
            if value:
                table[_key(str(value))] = code
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
