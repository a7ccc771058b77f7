"""EU consolidated financial sanctions list (FSF XML, ``xmlFullSanctionsList_1_1``) → list entries.

Root ``export`` (namespace ``http://eu.europa.ec/fpi/fsd/export``) holding ``sanctionEntity``
records whose facts sit in attributes: ``nameAlias`` (``strong="false"`` = weak alias,
``nameLanguage`` = the language of that form, often Cyrillic or Arabic script), partial birth
dates (``year`` only, ``monthOfYear`` + ``year``, ``yearRangeFrom``/``yearRangeTo``, ``circa``),
several birth dates, ``citizenship``, ``identification``, ``address`` with ``contactInfo``,
``regulation`` (programme) and ``remark``. ``countryIso2Code="00"`` / ``UNKNOWN`` means no country.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from lxml import etree

from tekser.domain.countries import country, country_code
from tekser.domain.watchlists import (
    Address,
    Attribute,
    Contact,
    Country,
    DatePrecision,
    Designation,
    Document,
    EntityKind,
    FuzzyDate,
    ListEntry,
    Name,
    NameKind,
    NamePart,
    NameQuality,
    ParsedList,
    PartRole,
    Place,
    Remark,
)
from tekser.errors import SourceError
from tekser.ingest.lists.common import (
    category_for,
    clean,
    document_kind,
    file_info,
    normalize_number,
    refuse_entities,
    xml_parser,
)
from tekser.ingest.lists.dates import parse_date, parse_iso_date, year_range
from tekser.names.scripts import detect_script

LIST_ID = "eu"
READER = "eu-fsf-xml/1"
AUTHORITY = "European Union"
NAMESPACE = "http://eu.europa.ec/fpi/fsd/export"

_Element = etree._Element
_KINDS = {"person": EntityKind.PERSON, "enterprise": EntityKind.ORGANIZATION}
_GENDERS = {"M": "male", "F": "female"}
_ENUMERATION = re.compile(r"\(\s*[a-z]\s*\)\s*")  # "(a) Mullah, (b) Maulavi"
# Known children of sanctionEntity; anything else is counted as unparsed (format drift).
_KNOWN_CHILDREN = {"remark", "regulation", "subjectType", "nameAlias", "citizenship", "birthdate"}
_KNOWN_CHILDREN |= {"identification", "address"}
_PARTS = (("firstName", PartRole.GIVEN), ("middleName", PartRole.MIDDLE), ("lastName", PartRole.FAMILY))
_ID_FLAGS = ("knownExpired", "knownFalse", "reportedLost", "revokedByIssuer")


@cache
def _lookups() -> dict[str, Any]:
    text = resources.files("tekser.ingest.lists").joinpath("data/eu_fsf.yml").read_text(encoding="utf-8")
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


def sniff(path: Path) -> bool:
    """True for an XML file whose root is the FSF ``export`` element."""
    if not path.is_file():
        return False
    with path.open("rb") as handle:
        head = handle.read(4096)
    return b"<export" in head and (NAMESPACE.encode() in head or b"<sanctionEntity" in head)


def _attr(element: _Element, name: str) -> str | None:
    return clean(element.get(name))


def _true(element: _Element, name: str) -> bool:
    return (element.get(name) or "").strip().lower() == "true"


def _int(text: str | None, low: int, high: int) -> int | None:
    """A number within bounds; anything else (empty, mangled, out of range) is None."""
    if text is None or not (text.strip().isascii() and text.strip().isdigit()):
        return None
    value = int(text)
    return value if low <= value <= high else None


def _split_enumeration(text: str | None) -> list[str]:
    if not text:
        return []
    return [part.strip(" ,;") for part in _ENUMERATION.split(text) if part.strip(" ,;")]


def _country(element: _Element) -> Country | None:
    """``countryDescription`` as given, coded by name or else by a valid ``countryIso2Code``."""
    description = _attr(element, "countryDescription")
    iso = (_attr(element, "countryIso2Code") or "").upper()
    if description == "UNKNOWN":
        description = None
    iso_code = country_code(iso) if iso and iso != "00" else None
    if description is None and iso_code is None:
        return None
    found = country(description) if description else None
    code = found.code if found is not None and found.code else iso_code
    return Country(name=description or iso, code=code)


class _Record:
    """Reads one sanctionEntity; ``prefix`` qualifies child tags with the file's namespace."""

    def __init__(self, element: _Element, namespace: str) -> None:
        self.element = element
        self.prefix = f"{{{namespace}}}" if namespace else ""
        self.remarks: list[Remark] = []
        self.attributes: list[Attribute] = []
        self.contacts: list[Contact] = []

    def children(self, tag: str) -> list[tuple[str, _Element]]:
        """Children with a given tag and their origin, ``tag[n]`` counted from 1."""
        found = self.element.findall(self.prefix + tag)
        return [(f"{tag}[{index}]", child) for index, child in enumerate(found, start=1)]

    def keep_remarks(self, element: _Element, origin: str) -> list[str]:
        texts = [text for node in element.findall(self.prefix + "remark") if (text := clean(node.text))]
        self.remarks.extend(Remark(text, f"{origin}/remark") for text in texts)
        return texts

    def build(self) -> ListEntry:
        logical_id = _attr(self.element, "logicalId")
        if not logical_id:
            raise ValueError("@logicalId is empty")
        kind = self.kind()
        names, gender, titles, positions = self.names(kind)
        if not names:
            raise ValueError("no nameAlias carries a name (@wholeName, @firstName, @lastName all empty)")
        self.keep_remarks(self.element, "sanctionEntity")
        for name in ("euReferenceNumber", "designationDetails", "designationDate"):
            if value := _attr(self.element, name):
                self.attributes.append(Attribute(name, value, f"@{name}"))
        if un_reference := _attr(self.element, "unitedNationId"):
            self.attributes.append(Attribute("un_reference", un_reference, "@unitedNationId"))
        birth_dates, birth_places = self.births()
        addresses = self.addresses()  # also collects contactInfo into self.contacts
        return ListEntry(
            key=f"{LIST_ID}:{logical_id}",
            list_id=LIST_ID,
            source_id=logical_id,
            kind=kind,
            names=tuple(names),
            gender=gender,
            birth_dates=tuple(birth_dates),
            birth_places=tuple(birth_places),
            citizenships=tuple(c for o, node in self.children("citizenship") if (c := self.citizenship(node, o))),
            documents=tuple(doc for origin, node in self.children("identification") for doc in self.docs(node, origin)),
            addresses=tuple(addresses),
            designations=tuple(self.designations()),
            titles=tuple(titles),
            positions=tuple(positions),
            contacts=tuple(self.contacts),
            attributes=tuple(self.attributes),
            remarks=tuple(self.remarks),
        )

    def kind(self) -> EntityKind:
        subject = self.element.find(self.prefix + "subjectType")
        code = (subject.get("code") or "").strip().lower() if subject is not None else ""
        if code not in _KINDS:
            raise ValueError(f"subjectType/@code {code!r} is neither person nor enterprise")
        return _KINDS[code]

    def names(self, kind: EntityKind) -> tuple[list[Name], str | None, list[str], list[str]]:
        names: list[Name] = []
        gender: str | None = None
        titles: list[str] = []
        positions: list[str] = []
        for origin, node in self.children("nameAlias"):
            remarks = self.keep_remarks(node, origin)
            if name := self.name(node, origin, remarks):
                names.append(name)
            gender = gender or _GENDERS.get((node.get("gender") or "").strip().upper())
            titles += [t for t in _split_enumeration(_attr(node, "title")) if t not in titles]
            functions = _split_enumeration(_attr(node, "function"))
            if kind is EntityKind.PERSON:
                positions += [f for f in functions if f not in positions]
            else:  # an organisation's "function" describes its activity
                self.attributes.extend(Attribute("function", f, f"{origin}/@function") for f in functions)
        return _promote_primary(names), gender, titles, positions

    def name(self, node: _Element, origin: str, remarks: list[str]) -> Name | None:
        parts = tuple(NamePart(role, value) for attr, role in _PARTS if (value := _attr(node, attr)))
        whole = _attr(node, "wholeName")
        full = whole or " ".join(p.value for p in parts)
        if not full:
            return None
        strong = (node.get("strong") or "true").strip().lower()
        weak = strong == "false" or any("low quality" in r.lower() for r in remarks)
        language = (_attr(node, "nameLanguage") or "").lower() or None
        script = detect_script(full)
        return Name(
            full=full,
            kind=NameKind.ALIAS,
            quality=NameQuality.WEAK if weak else NameQuality.STRONG,
            parts=parts,
            script=script,
            lang=language,
            # A form in a non-Latin script (Cyrillic, Arabic ...) is matched as written, not transliterated.
            original_script=script not in (None, "Latn"),
            source_quality=f"strong={strong}",
            note="; ".join(remarks) or None,
            origin=f"{origin}/@wholeName" if whole else f"{origin}/@firstName..@lastName",
        )

    def births(self) -> tuple[list[FuzzyDate], list[Place]]:
        dates: list[FuzzyDate] = []
        places: list[Place] = []
        for origin, node in self.children("birthdate"):
            remarks = self.keep_remarks(node, origin)
            if parsed := _birth_date(node, origin, "; ".join(remarks) or None):
                dates.append(parsed)
            if place := _place(node, origin):
                places.append(place)
        return dates, places

    def citizenship(self, node: _Element, origin: str) -> Country | None:
        self.keep_remarks(node, origin)
        return _country(node)

    def docs(self, node: _Element, origin: str) -> list[Document]:
        number, latin = _attr(node, "number"), _attr(node, "latinNumber")
        remarks = self.keep_remarks(node, origin)
        if not number and not latin:
            return []
        code = _attr(node, "identificationTypeCode")
        description = _attr(node, "identificationTypeDescription")
        kind = _lookups()["identification_types"].get(code or "") or document_kind(description or code)
        if kind == "passport" and _true(node, "diplomatic"):
            kind = "diplomatic_passport"
        flags = [flag for flag in _ID_FLAGS if _true(node, flag)]
        holder = _attr(node, "nameOnDocument")
        notes = [*remarks, *flags, *([f"name on document: {holder}"] if holder else [])]
        base = Document(
            kind, "", "", ": ".join(v for v in (code, description) if v) or None, _country(node),
            issue_date=_attr(node, "issueDate"), issued_by=_attr(node, "issuedBy"), note="; ".join(notes) or None,
        )  # fmt: skip
        # number first; latinNumber too when it differs (a transliterated number)
        numbers = {value: field for field, value in (("latinNumber", latin), ("number", number)) if value}
        return [
            replace(base, number=value, number_normalized=normalize_number(value), origin=f"{origin}/@{field}")
            for value, field in reversed(numbers.items())
        ]

    def addresses(self) -> list[Address]:
        found = []
        for origin, node in self.children("address"):
            remarks = self.keep_remarks(node, origin)
            for index, info in enumerate(node.findall(self.prefix + "contactInfo"), start=1):
                key, value = (_attr(info, "key") or "contact").lower(), _attr(info, "value") or ""
                items = [v.strip() for v in re.split(r"[;,]", value) if v.strip()]
                self.contacts += [Contact(key, v, f"{origin}/contactInfo[{index}]") for v in items]
            street, city = _attr(node, "street"), _attr(node, "city")
            region, postal = _attr(node, "region"), _attr(node, "zipCode")
            place, po_box = _attr(node, "place"), _attr(node, "poBox")
            where = _country(node)
            pieces = (street, f"PO Box {po_box}" if po_box else None, place, city, region, postal)
            text = ", ".join(v for v in (*pieces, where.name if where else None) if v)
            if text:
                note = "; ".join([*remarks, *(["as at listing time"] if _true(node, "asAtListingTime") else [])])
                found.append(
                    Address(
                        text=text, street=street, city=city or place, region=region, postal_code=postal,
                        country=where, note=note or None, origin=origin,
                    )
                )  # fmt: skip
        return found

    def designations(self) -> list[Designation]:
        designated = parse_iso_date(_attr(self.element, "designationDate"))
        reference = _attr(self.element, "euReferenceNumber")
        programmes: dict[str, str] = _lookups()["programmes"]
        found = []
        for origin, node in self.children("regulation"):
            code = _attr(node, "programme")
            hint = f"{code} {programmes.get(code, '')}" if code else None
            url = clean(node.findtext(self.prefix + "publicationUrl"))
            if url:
                self.attributes.append(Attribute("regulation_url", url, f"{origin}/publicationUrl"))
            for name in ("regulationType", "publicationDate", "entryIntoForceDate"):
                if value := _attr(node, name):
                    self.attributes.append(Attribute(f"regulation_{name}", value, f"{origin}/@{name}"))
            # Listed on: the entry's own designation date, else when this regulation took effect.
            listed = designated or parse_iso_date(_attr(node, "entryIntoForceDate"))
            basis = _attr(node, "numberTitle")
            found.append(Designation(AUTHORITY, code, category_for(LIST_ID, hint), listed, reference, basis, origin))
        if not found:  # listed without a regulation element: keep the designation itself
            category = category_for(LIST_ID, None)
            found.append(Designation(AUTHORITY, None, category, designated, reference, origin="sanctionEntity"))
        return found


def _promote_primary(names: list[Name]) -> list[Name]:
    """FSF has no primary flag: the first strong name without a language is the entry's name."""
    if not names:
        return names
    candidates = [i for i, n in enumerate(names) if n.quality is NameQuality.STRONG and not n.lang]
    index = candidates[0] if candidates else 0
    return [replace(n, kind=NameKind.PRIMARY) if i == index else n for i, n in enumerate(names)]


def _birth_date(node: _Element, origin: str, note: str | None) -> FuzzyDate | None:
    """``birthdate`` when given, else the partial ``year``/``monthOfYear``/``dayOfMonth``, else a year range."""
    approximate = _true(node, "circa")
    calendar = (_attr(node, "calendarType") or "gregorian").lower()
    year = _int(node.get("year"), 1000, 2999)
    month = _int(node.get("monthOfYear"), 1, 12)
    day = _int(node.get("dayOfMonth"), 1, 31)
    first, last = _int(node.get("yearRangeFrom"), 1000, 2999), _int(node.get("yearRangeTo"), 1000, 2999)
    full = _attr(node, "birthdate")
    parsed: FuzzyDate | None = None
    if full:
        parsed = parse_date(full, origin=f"{origin}/@birthdate", note=note, approximate=approximate)
    elif year:
        text = "-".join(f"{v:02d}" for v in (year, month, day if month else None) if v)
        parsed = parse_date(text, origin=f"{origin}/@year", note=note, approximate=approximate)
    elif first and last:
        text = f"{first}-{last}"
        parsed = year_range(
            first, last, text=text, origin=f"{origin}/@yearRangeFrom", approximate=approximate, note=note
        )
    elif day or month:  # "12 May", year unknown: evidence only
        text = " ".join(f"{k} {v}" for k, v in (("day", day), ("month", month)) if v)
        parsed = FuzzyDate(None, None, DatePrecision.TEXT, text, approximate, note=note, origin=origin)
    if parsed is not None and calendar != "gregorian":
        parsed = replace(parsed, calendar=calendar)
    return parsed


def _place(node: _Element, origin: str) -> Place | None:
    city, place, region = _attr(node, "city"), _attr(node, "place"), _attr(node, "region")
    where = _country(node)
    text = ", ".join(v for v in (city, place, region, where.name if where else None) if v)
    if not text:
        return None
    return Place(text=text, city=city, region=region or place, country=where, origin=origin)


def _parse(path: Path) -> _Element:
    source = str(path)
    if path.stat().st_size == 0:
        raise SourceError(source, "the file is empty")
    try:
        # From bytes: parsing from a file name turns encoding errors into OSError, not XMLSyntaxError.
        root = etree.fromstring(path.read_bytes(), xml_parser())
    except etree.LxmlError as error:
        raise SourceError(source, f"not well-formed XML (truncated or corrupt): {error}") from None
    refuse_entities(root, source)
    qname = etree.QName(root)
    if qname.localname != "export":
        raise SourceError(source, f"root element is <{qname.localname}>, expected <export> (EU FSF XML)")
    if qname.namespace not in (NAMESPACE, None):
        raise SourceError(source, f"unknown FSF format: namespace {qname.namespace!r}, expected {NAMESPACE!r}")
    return root


def read(path: Path) -> ParsedList:
    """Read an EU FSF XML file; refuse it (SourceError) when it is not one."""
    source = str(path)
    root = _parse(path)
    namespace = etree.QName(root).namespace or ""
    entries: list[ListEntry] = []
    seen: set[str] = set()
    unparsed: dict[str, int] = {}
    records = root.findall(f"{{{namespace}}}sanctionEntity" if namespace else "sanctionEntity")
    for index, element in enumerate(records, start=1):
        where = f"sanctionEntity[{index}] (line {element.sourceline})"
        try:
            entry = _Record(element, namespace).build()
        except ValueError as error:
            raise SourceError(source, f"{where}: {error}") from None
        if entry.key in seen:
            raise SourceError(source, f"{where}: @logicalId {entry.source_id} appears twice")
        seen.add(entry.key)
        entries.append(entry)
        for child in element:
            if isinstance(child.tag, str) and (tag := etree.QName(child).localname) not in _KNOWN_CHILDREN:
                unparsed[tag] = unparsed.get(tag, 0) + 1
    warnings = [
        f"<{tag}> under sanctionEntity not read ({count}x): FSF format change?" for tag, count in unparsed.items()
    ]
    return ParsedList(
        list_id=LIST_ID,
        reader=READER,
        entries=entries,
        files=[file_info(path)],
        published_at=_published(root.get("generationDate") or ""),
        warnings=warnings,
        unparsed=unparsed,
    )


def _published(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:  # also for an absent generationDate
        return None
