"""The OFAC ``Remarks`` mini-language → typed facts.

``Remarks`` is a ``;``-separated list of facts ending with ``.``; a fact may be prefixed
``alt.``. The parser is a table of ``(regex, handler)`` rules tried in order; every fact no
rule understands is kept (the whole Remarks text is kept as a remark) and counted by kind
in the import report. Weak aliases are quoted and the quote character also occurs inside
them (``a.k.a. 'ABU-'UMAR'``): a quoted alias runs greedily to the last ``'`` before ``;``
or the end.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from tekser.domain.countries import country, is_known_country
from tekser.domain.watchlists import (
    Attribute,
    Contact,
    Country,
    Document,
    FuzzyDate,
    Link,
    Name,
    NameKind,
    NameQuality,
    Place,
)
from tekser.ingest.lists.common import _data, document_kind, normalize_number
from tekser.ingest.lists.dates import parse_date
from tekser.names.scripts import detect_script

ORIGIN = "sdn.csv/Remarks"


@dataclass(slots=True)
class RemarkFacts:
    names: list[Name] = field(default_factory=list)
    birth_dates: list[FuzzyDate] = field(default_factory=list)
    birth_places: list[Place] = field(default_factory=list)
    nationalities: list[Country] = field(default_factory=list)
    citizenships: list[Country] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    attributes: list[Attribute] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    gender: str | None = None
    unparsed_kinds: Counter[str] = field(default_factory=Counter)


_QUOTED_NAME = re.compile(r"(?:alt\.\s+)?([afn])\.k\.a\.\s+'")
_QUOTE_END = re.compile(r"'(?=\s*(?:;|\.?\s*$))")


def split_facts(remarks: str) -> list[str]:
    """Split Remarks into facts, keeping quoted aliases whole."""
    text = remarks.strip()
    if text.endswith("."):
        text = text[:-1]
    facts: list[str] = []
    position = 0
    while position < len(text):
        while position < len(text) and text[position] in " ;":
            position += 1
        if position >= len(text):
            break
        if _QUOTED_NAME.match(text, position):
            opening = text.index("'", position)
            closing = _QUOTE_END.search(text, opening + 1)
            end = closing.end() if closing else len(text)
        else:
            separator = text.find("; ", position)
            end = separator if separator >= 0 else len(text)
        facts.append(text[position:end].strip())
        position = end
    return [f for f in facts if f]


_ALT = r"(?P<alt>alt\.\s+)?"
_COUNTRY_TAIL = re.compile(r"\s*\((?P<country>[^()]+)\)\s*$")
_COUNTRY_AFTER_COMMA = re.compile(r",\s*(?P<country>[A-Za-z .'-]+)\s*$")
_ISSUED = re.compile(r"\s+issued\s+(?P<issued>.+?)(?=\s+expires\b|$)", re.IGNORECASE)
_EXPIRES = re.compile(r"\s+expires\s+(?P<expires>.+)$", re.IGNORECASE)
_GENERIC_ID = re.compile(
    r"^(?P<type>[A-Za-z][\w.'/#&-]*(?:\s+[A-Za-z(][\w.'/#&()-]*)*?)\s+(?P<number>[A-Z0-9]*\d[\w./ -]*?)"
    r"(?=\s*\(|\s+issued|\s+expires|$)"
)
_ID_WORDS = re.compile(
    r"\b(?:No|Nr|Number|Numero|Número|Numéro|ID|Code|Card|Passport|License|Licence|Registration|Certificate"
    r"|Documento|Tarjeta|Carte)\b|#",
    re.I,
)

_ATTRIBUTE_PREFIXES = (
    "Additional Sanctions Information -",
    "Secondary sanctions risk:",
    "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions:",
    "CAATSA Section",
    "IFCA Determination -",
    "Effective Date",
    "Listing Date",
    "Aircraft Model",
    "Aircraft Manufacturer's Serial Number (MSN)",
    "Aircraft Construction Number (also called L/N or S/N or F/N)",
    "Aircraft Tail Number",
    "Previous Aircraft Tail Number",
    "Aircraft Operator",
    "Aircraft Manufacture Date",
    "Aircraft Mode S Transponder Code",
    "Vessel Year of Build",
    "Former Vessel Flag",
    "Other Vessel Flag",
    "Other Vessel Call Sign",
    "Other Vessel Type",
    "Organization Established Date",
    "Organization Type:",
    "Target Type",
    "UN LOCODE",
    "Nationality of Registration",
    "Equity Ticker",
    "ISIN",
)
_ATTRIBUTE = re.compile(
    r"^"
    + _ALT
    + r"(?P<name>"
    + "|".join(re.escape(p) for p in _ATTRIBUTE_PREFIXES)
    + r"|Executive Order \d+[^:-]*[:-])"
    r"\s*(?P<value>.*)$"
)
_CONTACT = re.compile(
    r"^" + _ALT + r"(?P<kind>Website|Email Address|E-mail Address|Telephone|Phone Number|Phone|PHONE|Fax|FAX"
    r"|Digital Currency Address - [A-Z0-9]+)[:\s]\s*(?P<value>.+)$"
)
_CONTACT_KINDS = {"website": "website", "email address": "email", "e-mail address": "email", "fax": "fax"}


@cache
def _identifier_phrases() -> tuple[tuple[str, str], ...]:
    phrases: dict[str, str] = _data("ofac_identifiers.yml")["phrases"]
    return tuple(sorted(phrases.items(), key=lambda item: -len(item[0])))


def _identifier(fact: str, facts: RemarkFacts) -> bool:
    body = fact[5:] if fact.startswith("alt. ") else fact
    kind_raw: str | None = None
    kind_raw_is_generic = False
    kind = "other"
    rest = ""
    for phrase, phrase_kind in _identifier_phrases():
        if body.startswith(phrase + " ") or body.startswith(phrase + ":"):
            kind_raw, kind, rest = phrase, phrase_kind, body[len(phrase) :].lstrip(" :")
            break
    if kind_raw is None:
        generic = _GENERIC_ID.match(body)
        if not generic or not _ID_WORDS.search(generic["type"]):
            return False
        kind_raw, rest = generic["type"], body[len(generic["type"]) :].strip()
        kind_raw_is_generic = True
        kind = document_kind(kind_raw)
    expires = issued = None
    if found := _EXPIRES.search(rest):
        expires, rest = found["expires"].strip(), rest[: found.start()]
    if found := _ISSUED.search(rest):
        issued, rest = found["issued"].strip(), rest[: found.start()]
    issuing: Country | None = None
    if (found := _COUNTRY_TAIL.search(rest)) and is_known_country(found["country"]):
        issuing, rest = country(found["country"]), rest[: found.start()]
    elif (found := _COUNTRY_AFTER_COMMA.search(rest)) and is_known_country(found["country"]):
        issuing, rest = country(found["country"]), rest[: found.start()]  # "1372584, Kenya"
    number = rest.strip()
    if not re.search(r"[A-Za-z0-9]", number) or (kind_raw_is_generic and not re.search(r"\d", number)):
        return False
    facts.documents.append(
        Document(
            kind=kind,
            number=number,
            number_normalized=normalize_number(number),
            kind_raw=kind_raw,
            country=issuing,
            issue_date=issued,
            expiry_date=expires,
            note="alternative" if fact.startswith("alt. ") else None,
            origin=ORIGIN,
        )
    )
    return True


def _place(text: str) -> Place:
    parts = [p.strip() for p in text.split(",")]
    place_country = country(parts[-1]) if parts and is_known_country(parts[-1]) else None
    city = parts[0] if len(parts) > 1 or place_country is None else None
    region = ", ".join(parts[1:-1]) if len(parts) > 2 else None
    return Place(text=text, city=city, region=region or None, country=place_country, origin=ORIGIN)


Rule = tuple[re.Pattern[str], Callable[[re.Match[str], RemarkFacts], None]]

_NAME_KINDS = {"a": NameKind.ALIAS, "f": NameKind.FORMER, "n": NameKind.NEW}


def _weak_name(match: re.Match[str], facts: RemarkFacts) -> None:
    name = match["name"].strip()
    if name:
        facts.names.append(
            Name(
                full=name,
                kind=_NAME_KINDS[match["kind"]],
                quality=NameQuality.WEAK,
                script=detect_script(name),
                source_quality=f"{match['kind']}.k.a. (remarks)",
                origin=ORIGIN,
            )
        )


def _dob(match: re.Match[str], facts: RemarkFacts) -> None:
    note = "alternative" if match["alt"] else None
    facts.birth_dates.append(parse_date(match["value"], origin=ORIGIN, note=note))


def _pob(match: re.Match[str], facts: RemarkFacts) -> None:
    facts.birth_places.append(_place(match["value"].strip()))


def _nationality(match: re.Match[str], facts: RemarkFacts) -> None:
    found = country(match["value"])
    if found:
        facts.nationalities.append(found)


def _citizenship(match: re.Match[str], facts: RemarkFacts) -> None:
    found = country(match["value"])
    if found:
        facts.citizenships.append(found)


def _gender(match: re.Match[str], facts: RemarkFacts) -> None:
    facts.gender = match["value"].lower()


def _link(match: re.Match[str], facts: RemarkFacts) -> None:
    facts.links.append(Link(relation="linked_to", target_name=match["value"].strip(), origin=ORIGIN))


def _contact(match: re.Match[str], facts: RemarkFacts) -> None:
    raw_kind = match["kind"]
    if raw_kind.startswith("Digital Currency Address"):
        kind = "crypto:" + raw_kind.rsplit(" ", 1)[-1]
    else:
        kind = _CONTACT_KINDS.get(raw_kind.lower(), "phone")
    facts.contacts.append(Contact(kind=kind, value=match["value"].strip(), origin=ORIGIN))


def _attribute(match: re.Match[str], facts: RemarkFacts) -> None:
    facts.attributes.append(Attribute(name=match["name"].rstrip(" :-"), value=match["value"].strip(), origin=ORIGIN))


RULES: tuple[Rule, ...] = (
    (re.compile(r"^" + _ALT + r"(?P<kind>[afn])\.k\.a\.\s+'(?P<name>.*)'$", re.S), _weak_name),
    (re.compile(r"^" + _ALT + r"DOB\s+(?P<value>.+)$"), _dob),
    (re.compile(r"^" + _ALT + r"POB\s+(?P<value>.+)$"), _pob),
    (re.compile(r"^" + _ALT + r"nationality\s+(?P<value>.+)$"), _nationality),
    (re.compile(r"^" + _ALT + r"citizen\s+(?P<value>.+)$"), _citizenship),
    (re.compile(r"^Gender\s+(?P<value>Male|Female)$", re.I), _gender),
    (re.compile(r"^Linked To:\s*(?P<value>.+)$"), _link),
    (_CONTACT, _contact),
    (_ATTRIBUTE, _attribute),
)


def _fact_kind(fact: str) -> str:
    """A short label for an unparsed fact, for the import report."""
    body = fact[5:] if fact.startswith("alt. ") else fact
    words = re.findall(r"[A-Za-z][A-Za-z.'-]*", body)[:2]
    return " ".join(words) or "?"


def parse_remarks(remarks: str) -> RemarkFacts:
    facts = RemarkFacts()
    if not remarks.strip():
        return facts
    facts.remarks.append(remarks.strip())
    for fact in split_facts(remarks):
        for pattern, handler in RULES:
            match = pattern.match(fact)
            if match:
                handler(match, facts)
                break
        else:
            if not _identifier(fact, facts):
                facts.unparsed_kinds[_fact_kind(fact)] += 1
    return facts
