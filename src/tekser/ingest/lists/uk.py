"""UK Sanctions List (FCDO), the single official UK list since 28 Jan 2026 → list entries.

XML: root ``Designations``, one ``Designation`` per entry keyed by ``UniqueID``: ``Names/Name``
(``Name1``–``Name6`` in list order, ``NameType``, ``AliasStrength``), ``NonLatinNames``, DOBs such as
``dd/mm/1976`` or ``00/00/1970`` (partial: never 1 January), documents, addresses, contacts, ship
details (IMO); leaves not read into typed fields are kept as attributes. The CSV form (one row per
name) is regrouped by ``Unique ID`` into the same shape. ConList and unknown shapes are refused.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from lxml import etree

from tekser.domain.countries import country
from tekser.domain.watchlists import (
    Address,
    Attribute,
    Contact,
    Designation,
    Document,
    EntityKind,
    FuzzyDate,
    Link,
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
from tekser.ingest.lists.common import category_for, clean, file_info, normalize_number, refuse_entities, xml_parser
from tekser.ingest.lists.dates import parse_date
from tekser.names.scripts import detect_script

LIST_ID = "uk"
READER = "uk-fcdo-xml/1"
CSV_READER = "uk-fcdo-csv/1"
AUTHORITY = "UK FCDO"

_Element = etree._Element
_KINDS = {"individual": EntityKind.PERSON, "entity": EntityKind.ORGANIZATION, "ship": EntityKind.VESSEL}
_ROLES = (PartRole.FIRST, PartRole.SECOND, PartRole.THIRD, PartRole.FOURTH, PartRole.FIFTH, PartRole.SIXTH)
_UK_DATE = re.compile(r"^(?P<d>\d{1,2}|dd|-+)/(?P<m>\d{1,2}|mm|-+)/(?P<y>\d{4})$", re.IGNORECASE)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_OLD_ROOTS = {"ArrayOfFinancialSanctionsTarget": "the OFSI Consolidated List (ConList), closed on 28 Jan 2026"}
_LABELS = {
    "UNReferenceNumber": "un_reference",
    "OFSIGroupID": "ofsi_group_id",
    "DesignationSource": "designation_source",
}
_LINKS = {"Subsidiary": "subsidiary", "ParentCompany": "parent_company"}
_LINKS |= {"CurrentOwnerOperator": "owner_operator", "PreviousOwnerOperator": "previous_owner_operator"}
# Number leaf → (document kind, sibling leaf with its additional information)
_DOCUMENTS: dict[str, tuple[str, str | None]] = {
    "PassportNumber": ("passport", "PassportAdditionalInformation"),
    "NationalIdentifierNumber": ("national_id", "NationalIdentifierAdditionalInformation"),
    "BusinessRegistrationNumber": ("registration", None),
    "IMONumber": ("imo", None),
}


@cache
def _lookups() -> dict[str, Any]:
    text = resources.files("tekser.ingest.lists").joinpath("data/uk_fcdo.yml").read_text(encoding="utf-8")
    loaded: dict[str, Any] = yaml.safe_load(text)
    loaded["known"] = frozenset(loaded["known_elements"])
    loaded["typed"] = loaded["known"] | frozenset(loaded["typed_leaves"])
    return loaded


def _head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")


def sniff(path: Path) -> bool:
    """True for the FCDO XML (root ``Designations``) or CSV (a ``Unique ID`` column)."""
    if not path.is_file():
        return False
    head = _head(path)
    return b"<Designations" in head or (not head.startswith(b"<") and b"Unique ID" in head and b"Name 6" in head)


def _origin(element: _Element, default: str) -> str:
    """The source field: the CSV cell when the element was rebuilt from a CSV row."""
    return element.get("src") or default


def _text(element: _Element | None, path: str) -> str | None:
    return clean(element.findtext(path)) if element is not None else None


def uk_date(raw: str, origin: str = "") -> FuzzyDate:
    """``dd/mm/yyyy`` with ``dd``/``mm``/``00`` placeholders → a day, month or whole-year interval."""
    text = " ".join(raw.split())
    match = _UK_DATE.match(text)
    if not match:
        return parse_date(text, origin=origin)
    day, month = (int(v) if v.isdigit() and int(v) else None for v in (match["d"], match["m"]))
    iso = match["y"] + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if month and day else "")
    return replace(parse_date(iso, origin=origin), text=text)


class _Designation:
    """Reads one <Designation>. Leaves are indexed once by tag: the format nests them variously."""

    def __init__(self, element: _Element) -> None:
        self.el = element
        # A tree rooted at the Designation: paths relative to it, without scanning its many siblings.
        self.tree = etree.ElementTree(element)
        self.base = len(f"/{element.tag}/")
        self.leaves: dict[str, list[tuple[str, _Element, str]]] = {}
        for node in element.iter():
            if node is not element and isinstance(node.tag, str) and len(node) == 0 and (text := clean(node.text)):
                self.leaves.setdefault(node.tag, []).append((text, node, self.path(node)))
        self.attributes: list[Attribute] = []
        self.warnings: list[str] = []

    def path(self, node: _Element) -> str:
        """XPath of ``node`` below the Designation (``Names/Name[2]``), or the CSV cell it came from."""
        return _origin(node, self.tree.getpath(node)[self.base :])

    def values(self, *tags: str) -> list[tuple[str, str]]:
        return [(text, origin) for tag in tags for text, _, origin in self.leaves.get(tag, [])]

    def build(self) -> ListEntry:
        uid = _text(self.el, "UniqueID")
        if not uid:
            raise ValueError("UniqueID is empty")
        kind_text = (_text(self.el, "IndividualEntityShip") or "").lower()
        if kind_text not in _KINDS:
            raise ValueError(f"IndividualEntityShip {kind_text!r} is not Individual, Entity or Ship")
        names = self.names() + self.non_latin_names()
        if not names:
            raise ValueError("Names/Name holds no name (Name1..Name6 all empty)")
        for tag, label in _LABELS.items():
            self.attributes += [Attribute(label, t, o) for t, o in self.values(tag)]
        for text, origin in self.values("SanctionsImposed"):
            self.attributes += [Attribute("sanctions_imposed", v.strip(), origin) for v in text.split("|") if v.strip()]
        for tag in (t for t in self.leaves if t not in _lookups()["typed"]):  # ship flag, entity type ...
            self.attributes += [Attribute(tag, t, o) for t, o in self.values(tag)]
        self.warnings += [f"unknown <{c.tag}> in Designation: format change?" for c in self.el if _unknown(c)]
        return ListEntry(
            key=f"{LIST_ID}:{uid}",
            list_id=LIST_ID,
            source_id=uid,
            kind=_KINDS[kind_text],
            names=tuple(names),
            gender=next((t.lower() for t, _ in self.values("Gender")), None),
            birth_dates=tuple(uk_date(t, o) for t, o in self.values("DOB")),
            birth_places=tuple(self.birth_places()),
            nationalities=tuple(c for t, _ in self.values("Nationality") if (c := country(t))),
            documents=tuple(self.documents()),
            addresses=tuple(self.addresses()),
            designations=tuple(self.designations(uid)),
            titles=tuple(dict.fromkeys(t for t, _ in self.values("Title"))),
            positions=tuple(t for t, _ in self.values("Position")),
            contacts=tuple(self.contacts()),
            links=tuple(Link(relation, t, origin=o) for tag, relation in _LINKS.items() for t, o in self.values(tag)),
            attributes=tuple(self.attributes),
            remarks=tuple(Remark(t, o) for t, o in self.values("OtherInformation", "UKStatementofReasons")),
            last_updated=tuple(d for t, _ in self.values("LastUpdated") if (d := uk_date(t).start)),
        )

    def names(self) -> list[Name]:
        names = []
        for node in self.el.findall("Names/Name"):
            parts = tuple(NamePart(role, v) for n, role in enumerate(_ROLES, 1) if (v := _text(node, f"Name{n}")))
            full = " ".join(p.value for p in parts) or _text(node, "Name")
            name_type, strength = _text(node, "NameType") or "", _text(node, "AliasStrength")
            if not full:
                continue
            if name_type.lower() not in ("primary name", "primary name variation", "alias"):
                self.warnings.append(f"{self.path(node)}: unknown NameType {name_type!r}, read as an alias")
            names.append(
                Name(
                    full=full,
                    kind=NameKind.PRIMARY if name_type.lower() == "primary name" else NameKind.ALIAS,
                    quality=NameQuality.WEAK if strength and "low" in strength.lower() else NameQuality.STRONG,
                    parts=parts,
                    script=detect_script(full),
                    source_quality="; ".join(v for v in (name_type, strength) if v) or None,
                    origin=self.path(node),
                )
            )
        return names

    def non_latin_names(self) -> list[Name]:
        """Names in their original script, whether or not wrapped in <NonLatinName>."""
        names = []
        for full, node, origin in self.leaves.get("NameNonLatinScript", []):
            holder = node.getparent()
            language, script_type = _text(holder, "NonLatinScriptLanguage"), _text(holder, "NonLatinScriptType")
            note = "; ".join(f"{k} {v}" for k, v in (("language", language), ("script", script_type)) if v)
            lang = _lookups()["languages"].get(language or "")
            names.append(
                Name(
                    full,
                    NameKind.ALIAS,
                    script=detect_script(full),
                    lang=lang,
                    original_script=True,
                    note=note or None,
                    origin=origin,
                )
            )
        return names

    def birth_places(self) -> list[Place]:
        places = []
        for node in self.el.iterfind("IndividualDetails/Individual/BirthDetails/Location"):
            town, land = _text(node, "TownOfBirth"), _text(node, "CountryOfBirth")
            if town or land:
                text = ", ".join(v for v in (town, land) if v)
                places.append(Place(text=text, city=town, country=country(land), origin=self.path(node)))
        return places

    def documents(self) -> list[Document]:
        docs: list[Document] = []
        for tag, (kind, info_tag) in _DOCUMENTS.items():
            for number, node, origin in self.leaves.get(tag, []):
                info = _text(node.getparent(), info_tag) if info_tag else None
                if not any((d.kind, d.number, d.note) == (kind, number, info) for d in docs):  # repeated rows
                    docs.append(Document(kind, number, normalize_number(number), tag, note=info, origin=origin))
        return docs

    def addresses(self) -> list[Address]:
        found = []
        for node in self.el.iterfind("Addresses/Address"):
            lines = [_text(node, f"AddressLine{n}") for n in range(1, 7)]
            postal, land = _text(node, "AddressPostalCode"), _text(node, "AddressCountry")
            if text := ", ".join(v for v in (*lines, postal, land) if v):
                street = ", ".join(v for v in lines[:3] if v) or None
                found.append(
                    Address(
                        text=text, street=street, city=lines[5] or lines[3], region=lines[4], postal_code=postal,
                        country=country(land), origin=self.path(node),
                    )
                )  # fmt: skip
        return found

    def contacts(self) -> list[Contact]:
        found = [Contact("phone", t, o) for t, o in self.values("PhoneNumber")]
        found += [Contact("website", t, o) for t, o in self.values("Website")]
        for text, origin in self.values("EmailAddress"):
            found += [Contact("email", v, origin) for v in re.split(r"[;,\s]+", text) if "@" in v]
        return found

    def designations(self, uid: str) -> list[Designation]:
        listed = next((d for t, _ in self.values("DateDesignated") if (d := uk_date(t).start)), None)
        found = []
        for regime, origin in self.values("RegimeName"):
            hints = [hint for word, hint in _lookups()["regime_hints"] if word in regime.lower()]
            category = category_for(LIST_ID, " ".join([regime, *hints]))
            found.append(Designation(AUTHORITY, regime, category, listed, uid, regime, origin))
        if not found:
            self.warnings.append(f"{uid}: no RegimeName")
            found.append(Designation(AUTHORITY, None, category_for(LIST_ID, None), listed, uid, origin="UniqueID"))
        return found


def _unknown(child: _Element) -> bool:
    """A top-level Designation child this reader does not know: kept, but a sign of format change."""
    return isinstance(child.tag, str) and child.tag not in _lookups()["known"]


def _parse_xml(path: Path) -> _Element:
    source = str(path)
    try:
        # From bytes: parsing from a file name turns encoding errors into OSError, not XMLSyntaxError.
        root = etree.fromstring(path.read_bytes(), xml_parser())
    except etree.LxmlError as error:
        raise SourceError(source, f"not well-formed XML (truncated or corrupt): {error}") from None
    refuse_entities(root, source)
    tag = etree.QName(root).localname
    if tag in _OLD_ROOTS:
        raise SourceError(source, f"root <{tag}> is {_OLD_ROOTS[tag]}, not the FCDO UK Sanctions List")
    if tag != "Designations" or etree.QName(root).namespace:
        raise SourceError(source, f"root element is <{root.tag}>, expected <Designations> (unknown UK list format)")
    if root.find("Designation") is None:
        raise SourceError(source, "no <Designation> under <Designations>: empty list or unknown format version")
    return root


def read(path: Path) -> ParsedList:
    """Read the FCDO UK Sanctions List, XML or CSV; refuse it (SourceError) when it is neither."""
    source = str(path)
    if path.stat().st_size == 0:
        raise SourceError(source, "the file is empty")
    is_xml = _head(path).startswith(b"<")
    root = _parse_xml(path) if is_xml else _csv_to_xml(path)
    entries: list[ListEntry] = []
    warnings: list[str] = []
    unparsed: dict[str, int] = {}
    seen: set[str] = set()
    for index, element in enumerate(root.findall("Designation"), start=1):
        where = _origin(element, f"Designation[{index}] (line {element.sourceline})")
        builder = _Designation(element)
        try:
            entry = builder.build()
        except ValueError as error:
            raise SourceError(source, f"{where}: {error}") from None
        if entry.key in seen:
            raise SourceError(source, f"{where}: UniqueID {entry.source_id} appears twice")
        seen.add(entry.key)
        entries.append(entry)
        warnings += builder.warnings
        for child in filter(_unknown, element):
            unparsed[str(child.tag)] = unparsed.get(str(child.tag), 0) + 1
    generated = _text(root, "DateGenerated")
    published = uk_date(generated).start if generated else None
    return ParsedList(
        list_id=LIST_ID,
        reader=READER if is_xml else CSV_READER,
        entries=entries,
        files=[file_info(path)],
        # The list states a day only; midnight UTC keeps the value comparable.
        published_at=datetime(published.year, published.month, published.day, tzinfo=UTC) if published else None,
        warnings=list(dict.fromkeys(warnings)),
        unparsed=unparsed,
    )


# --- CSV form -----------------------------------------------------------------------------------


def _csv_rows(path: Path) -> tuple[list[tuple[int, dict[str, str]]], str | None]:
    """Rows with their line numbers, after an optional metadata line; refuses unknown headers."""
    source = str(path)
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    lines = text.splitlines(keepends=True)
    skip = 0 if lines and "Unique ID" in lines[0] else 1  # "Report Date: ..." line first
    reader = csv.DictReader(io.StringIO("".join(lines[skip:]), newline=""), strict=True)
    required = _lookups()["csv"]["required"]
    try:
        header = reader.fieldnames or []
        if missing := [c for c in required if c not in header]:
            raise SourceError(source, f"unknown UK CSV format version: columns {missing} missing from the header")
        rows = []
        for row in reader:
            if None in row or None in row.values():  # a short or long row
                raise SourceError(
                    source, f"line {reader.line_num + skip}: wrong number of columns (truncated or corrupt)"
                )
            rows.append((reader.line_num + skip, {k: v for k, v in row.items() if k}))
    except csv.Error as error:
        raise SourceError(source, f"line {reader.line_num + skip}: {error} (truncated or corrupt)") from None
    metadata = clean(lines[0]) if skip and lines else None
    return rows, metadata


def _xml_safe(value: str) -> str:
    """Cell text without the control characters XML cannot carry (a corrupt CSV may hold them)."""
    return _NOT_XML.sub("\ufffd", value.strip())


def _container(parent: _Element, path: str) -> _Element:
    """Find or create the single container element at ``path``."""
    for tag in [t for t in path.split("/") if t]:
        found = parent.find(tag)
        parent = found if found is not None else etree.SubElement(parent, tag)
    return parent


def _csv_to_xml(path: Path) -> _Element:
    """Regroup CSV rows by Unique ID into <Designation> elements; ``src`` keeps the CSV cell."""
    rows, metadata = _csv_rows(path)
    spec = _lookups()["csv"]
    # (element path, {column: child tag, or None when the element itself holds the value})
    targets = [(path, {column: None}) for column, path in spec["singles"].items()] + list(spec["groups"].items())
    known = {column for _, columns in targets for column in columns}
    root = etree.Element("Designations")
    if metadata and (found := re.search(r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}", metadata)):
        etree.SubElement(root, "DateGenerated").text = found.group(0)
    designations: dict[str, _Element] = {}
    added: set[tuple[str, str, tuple[str, ...]]] = set()  # rows repeat a designation's values: keep each once
    for line, row in rows:
        if not (uid := row.get("Unique ID", "").strip()):
            raise SourceError(str(path), f"line {line}: column 'Unique ID' is empty")
        if uid not in designations:
            designations[uid] = etree.SubElement(root, "Designation", src=f"line {line}")
        # an unknown column is kept under a tag of its own, and reported as unparsed
        extra = [("Csv" + re.sub(r"[^A-Za-z0-9]+", "", c.title()), {c: None}) for c in row if c not in known]
        for target, columns in targets + extra:
            values = tuple(_xml_safe(row.get(c) or "") for c in columns)
            if not any(values) or (uid, target, values) in added:
                continue
            added.add((uid, target, values))
            parent, _, tag = target.rpartition("/")
            node = etree.SubElement(_container(designations[uid], parent), tag, src=f"line {line}")
            for (column, child), value in zip(columns.items(), values, strict=True):
                leaf = node if child is None else etree.SubElement(node, child) if value else None
                if leaf is not None:
                    leaf.text, leaf.attrib["src"] = value, _xml_safe(f"line {line}/{column}")
    return root
