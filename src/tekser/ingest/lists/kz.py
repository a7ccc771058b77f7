"""Kazakhstan AFM lists (XML) → list entries (../shared/docs/domain-watchlists.md §6).

A file holds one of three shapes, told apart by its records (the source's root element names
are not documented, so the root is not checked):

- **category 1** (AML/CFT Law Art. 12, financing of terrorism and extremism): ``<person>`` with
  ``lname``/``fname``/``mname`` (patronymic)/``birthdate``/``iin``; ``<org>`` with ``org_name``
  and ``org_name_en`` (names separated by ``"; "``);
- **category 2** (participants in terrorist activities): persons written as ``<org>`` with
  ``org_name`` and ``org_iin`` (10 digits in the source: kept as a document, flagged);
- **WMD list** (Art. 12-1): ``<person>`` with ``num``, ``decision``, ``date`` and a Russian
  ``information`` blob cut at its markers (``Вымышленные названия:``, ``Р.И.К.:``, ``Адрес:``,
  ``Дата внесения в перечень:``, ``Прочая информация:``).

Source id (key ``kz:<id>``), stable across re-imports: the IIN (``iin``/``org_iin``, digits as
written) when present; for WMD records the ``Р.И.К.`` reference (``KPi.901``); otherwise
``c1-``/``c2-``/``wmd-`` and 12 hex digits of SHA-256 over the case-folded name (plus the
birth date for category 1 persons). Notes, corrections and ``num`` (a position in the list)
change between publications, so they are left out. A repeated id is dropped when the record
is identical, else keyed ``<id>~<8 hex of its content>``; both are reported as warnings.

Category, so deployments can exclude "extremism": WMD → proliferation; category 2 →
terrorism; category 1 → terrorism when ``note``/``correction`` mention террор-, else extremism
when they mention экстремизм/экстремистск-, else the list default. The deciding words are kept
as the attribute ``category_basis``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from datetime import date
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TypeVar

import yaml
from lxml import etree

from tekser.domain.countries import country_code
from tekser.domain.identifiers import iin_facts
from tekser.domain.watchlists import (
    Address,
    Attribute,
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
    ParsedList,
    PartRole,
    Place,
    Remark,
)
from tekser.errors import SourceError
from tekser.ingest.lists.common import category_for, clean, file_info, normalize_number, refuse_entities, xml_parser
from tekser.ingest.lists.dates import parse_date
from tekser.names.scripts import detect_script

LIST_ID = "kz"
T = TypeVar("T")
READER = "kz-afm-xml/1"
AUTHORITY = "Financial Monitoring Agency of the Republic of Kazakhstan (AFM)"
KAZAKHSTAN = Country(name="Kazakhstan", code="KZ")

_Element = etree._Element


class Shape(StrEnum):
    CATEGORY_1 = "category-1"
    CATEGORY_2 = "category-2"
    WMD = "wmd"


# shape → (id prefix, programme, legal basis)
_LISTS = {
    Shape.CATEGORY_1: ("c1", "Financing of terrorism and extremism (category 1)", "AML/CFT Law Art. 12"),
    Shape.CATEGORY_2: ("c2", "Participants in terrorist activities (category 2)", "AML/CFT Law Art. 12"),
    Shape.WMD: ("wmd", "Financing of proliferation of weapons of mass destruction", "AML/CFT Law Art. 12-1"),
}
_CAT1_PERSON_TAGS = frozenset({"fname", "mname", "lname", "birthdate", "iin"})
_POSITIONAL = (PartRole.FIRST, PartRole.SECOND, PartRole.THIRD, PartRole.FOURTH, PartRole.FIFTH, PartRole.SIXTH)
_PATRONYMIC = re.compile(r"(?:ович|евич|ич|овна|евна|ична|улы|ұлы|уулу|кызы|қызы|оглы|оглу|гызы)$", re.I)
_PATRONYMIC_WORDS = frozenset({"улы", "ұлы", "уулу", "кызы", "қызы", "оглы", "оглу", "гызы"})
_TRAILING_GROUP = re.compile(r"^(?P<main>.+?)\s*\((?P<inner>[^()]+)\)$")
_TERRORISM = re.compile(r"\w*террор\w*", re.I)
_EXTREMISM = re.compile(r"\w*экстреми[зс]\w*", re.I)
_INCLUDED = re.compile(r"включен\w*\s+от\s+(\d{1,2}\.\d{1,2}\.\d{4})", re.I)
_AMENDED = re.compile(r"(?:изменен\w*|скорректирован\w*)\s+от\s+(\d{1,2}\.\d{1,2}\.\d{4})", re.I)
_ZERO_DAY = re.compile(r"^00\.(?P<m>\d{2})\.(?P<y>\d{4})$")
# WMD information blob
_MARKER = re.compile(r"(Вымышленные названия|Р\.И\.К\.|Адрес|Дата внесения в перечень|Прочая информация)\s*:", re.I)
_ENUMERATION = re.compile(r"(?:^|\s)[а-яa-z]\)\s+", re.I)
_BORN = re.compile(r"Дата рождения\s*:\s*([^А-ЯЁA-Z]*)", re.I)
_BORN_VALUE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}|\d{4}")
_CITIZEN = re.compile(r"Гражданство\s*:\s*([^.;]+)", re.I)
_BIRTHPLACE = re.compile(r"Место рождения\s*:\s*([^.;]+)", re.I)
_PASSPORT = re.compile(r"[Пп]аспорт\w*\s*(?:№|N|No\.?)?\s*:?\s*([A-ZА-Я]{0,3}\d[0-9A-ZА-Я-]{3,})")
_REFERENCE = re.compile(r"^(?P<regime>[A-Z]{2})(?P<kind>[ie])\.\d+$")
_REGIMES = {"KP": "DPRK", "IR": "Iran"}


def _sniff_file(path: Path) -> bool:
    if not path.is_file():
        return False
    with path.open("rb") as handle:
        head = handle.read(4096)
    if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):  # a UTF-8 byte-order mark may lead
        return False
    return any(tag in head for tag in (b"<fname", b"<lname", b"<org_name", b"<org_iin", b"<information"))


def _xml_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".xml")


def sniff(path: Path) -> bool:
    """An AFM XML file, or a folder whose XML files are all AFM files (the set of AFM lists)."""
    if path.is_dir():
        files = _xml_files(path)
        return bool(files) and all(_sniff_file(p) for p in files)
    return _sniff_file(path)


# --- helpers ---------------------------------------------------------------------------------


def _content(element: _Element) -> str | None:
    return clean("".join(text for text in element.itertext() if isinstance(text, str)))


class _Record:
    """One ``<person>``/``<org>`` element, its label for origins (``person[3]``), tags read."""

    def __init__(self, element: _Element, label: str) -> None:
        self.element, self.label = element, label
        self.used: set[str] = set()

    def text(self, tag: str) -> str | None:
        self.used.add(tag)
        child = self.element.find(tag)
        return _content(child) if child is not None else None

    def at(self, tag: str) -> str:
        return f"{self.label}/{tag}"

    def fields(self) -> list[tuple[str, str]]:
        return [
            (child.tag, value) for child in self.element if isinstance(child.tag, str) and (value := _content(child))
        ]

    def extras(self) -> list[Attribute]:
        """Fields no rule read: kept as attributes, never dropped."""
        return [Attribute(tag, value, self.at(tag)) for tag, value in self.fields() if tag not in self.used]

    def fingerprint(self) -> str:
        return hashlib.sha256("\n".join(f"{t}={v}" for t, v in self.fields()).encode()).hexdigest()


def _hash_id(shape: Shape, *values: str | None) -> str:
    text = "|".join((clean(v) or "").casefold() for v in values)
    return f"{_LISTS[shape][0]}-{hashlib.sha256(text.encode()).hexdigest()[:12]}"


def _date(text: str | None, origin: str) -> FuzzyDate | None:
    """``dd.mm.yyyy`` and friends; ``00.00.1990`` is the year 1990, ``00.05.1990`` May 1990."""
    if not text:
        return None
    if match := _ZERO_DAY.match(text):
        body = match["y"] if match["m"] == "00" else f"{match['y']}-{match['m']}"
        return replace(parse_date(body, origin=origin, note="day written as 00"), text=text)
    return parse_date(text, origin=origin)


def _day(text: str | None) -> date | None:
    parsed = _date(text, "")
    return parsed.start if parsed and parsed.precision is DatePrecision.DAY else None


@cache
def _russian_countries() -> dict[str, str]:
    text = resources.files("tekser.ingest.lists").joinpath("data/kz_countries.yml").read_text(encoding="utf-8")
    return {str(name): str(code) for name, code in yaml.safe_load(text)["countries"].items()}


def _country(text: str) -> Country:
    return Country(name=text, code=_russian_countries().get(text.casefold()) or country_code(text))


def _names(text: str, origin: str, first_kind: NameKind, lang: str | None = None) -> list[Name]:
    """``A; B`` → A and B; a trailing ``(ИДУ)`` also gives the name without it and ``ИДУ``."""
    pieces = [p for piece in text.split(";") for p in [clean(_ENUMERATION.sub(" ", piece).strip(" ,"))] if p]
    names: list[Name] = []
    for index, piece in enumerate(pieces):
        kind, split_from = (first_kind if index == 0 else NameKind.ALIAS), (text if len(pieces) > 1 else None)
        names.append(Name(piece, kind, script=detect_script(piece), lang=lang, split_from=split_from, origin=origin))
        if match := _TRAILING_GROUP.match(piece):
            for variant in (match["main"], match["inner"]):
                names.append(
                    Name(variant, NameKind.ALIAS, script=detect_script(variant), split_from=piece, origin=origin)
                )
    return names


def person_parts(full: str) -> tuple[NamePart, ...]:
    """``МУСАЕВ Тимур Асланович`` → family, given, patronymic (AFM writes the surname first).

    Without a recognisable patronymic the words keep positional roles (first, second ...).
    """
    words = full.split()
    if len(words) >= 3 and words[-1].casefold() in _PATRONYMIC_WORDS:  # "Серік ұлы"
        words = [*words[:-2], f"{words[-2]} {words[-1]}"]
    if len(words) >= 3 and _PATRONYMIC.search(words[-1]):
        given = NamePart(PartRole.GIVEN, " ".join(words[1:-1]))
        return NamePart(PartRole.FAMILY, words[0]), given, NamePart(PartRole.PATRONYMIC, words[-1])
    if len(words) > len(_POSITIONAL):
        return ()
    return tuple(NamePart(role, word) for role, word in zip(_POSITIONAL, words, strict=False))


def _category(shape: Shape, record: _Record) -> tuple[str, Attribute]:
    if shape is not Shape.CATEGORY_1:
        category = "proliferation" if shape is Shape.WMD else "terrorism"
        return category, Attribute("category_basis", f"list {shape.value}", record.label)
    texts = [(tag, text) for tag in ("note", "correction") if (text := record.text(tag))]
    for category, pattern in (("terrorism", _TERRORISM), ("extremism", _EXTREMISM)):
        for tag, text in texts:
            if match := pattern.search(text):
                return category, Attribute("category_basis", f"{tag}: {match.group(0)}", record.at(tag))
    default = category_for(LIST_ID, None) or "terrorism"
    return default, Attribute("category_basis", "list default: no terrorism or extremism wording", record.label)


class _Entry:
    """Collects one entry; ``build`` adds what all shapes share (listing, remarks, extras)."""

    def __init__(self, shape: Shape, record: _Record, kind: EntityKind) -> None:
        self.shape, self.record, self.kind = shape, record, kind
        self.source_id = ""
        self.gender: str | None = None
        self.listed_on: date | None = None
        self.reference: str | None = None
        self.programme = _LISTS[shape][1]
        self.names: list[Name] = []
        self.documents: list[Document] = []
        self.birth_dates: list[FuzzyDate] = []
        self.birth_places: list[Place] = []
        self.citizenships: list[Country] = []
        self.addresses: list[Address] = []
        self.attributes: list[Attribute] = []
        self.remarks: list[Remark] = []

    def add_iin(self, tag: str) -> None:
        """The IIN as a document; its date of birth when none is given, and the gender."""
        if not (raw := self.record.text(tag)):
            return
        number, origin = "".join(raw.split()), self.record.at(tag)
        born, gender, problems = (None, None, []) if re.fullmatch(r"[0-9]{10}", number) else iin_facts(number)
        notes = [f"invalid IIN: {'; '.join(problems)}"] if problems else []
        if len(number) == 10 and not problems:
            notes.append("10 digits where an IIN has 12: kept as given, not validated")
        given = next((d for d in self.birth_dates if d.start and d.end), None)
        if born and not problems and given is None:
            self.birth_dates.append(
                FuzzyDate(born, born, DatePrecision.DAY, number[:6], note="from the IIN", origin=origin)
            )
        elif born and not problems and given and given.start and given.end and not given.start <= born <= given.end:
            notes.append(f"IIN date of birth {born} differs from birthdate {given.text}")
        self.gender = None if problems else gender  # an invalid IIN may be mistyped anywhere
        self.source_id = normalize_number(number)
        note = "; ".join(notes) or None
        self.documents.append(Document("iin", raw, self.source_id, tag, KAZAKHSTAN, note=note, origin=origin))

    def build(self) -> ListEntry:
        record = self.record
        category, basis = _category(self.shape, record)
        correction = record.text("correction") or ""
        self.remarks += [Remark(text, record.at(tag)) for tag in ("note", "correction") if (text := record.text(tag))]
        if self.listed_on is None:
            included = _INCLUDED.search(correction)
            self.listed_on = _day(record.text("added_to_list")) or (_day(included.group(1)) if included else None)
        designation = Designation(
            authority=AUTHORITY,
            programme=self.programme,
            category=category,
            listed_on=self.listed_on,
            reference=self.reference,
            legal_basis=_LISTS[self.shape][2],
            origin=basis.origin,
        )
        return ListEntry(
            key=f"{LIST_ID}:{self.source_id}",
            list_id=LIST_ID,
            source_id=self.source_id,
            kind=self.kind,
            names=tuple(self.names),
            gender=self.gender,
            birth_dates=tuple(self.birth_dates),
            birth_places=tuple(self.birth_places),
            citizenships=tuple(self.citizenships),
            documents=tuple(self.documents),
            addresses=tuple(self.addresses),
            designations=(designation,),
            attributes=(basis, *self.attributes, *record.extras()),
            remarks=tuple(self.remarks),
            last_updated=tuple(d for m in _AMENDED.finditer(correction) if (d := _day(m.group(1)))),
        )


# --- the three shapes ------------------------------------------------------------------------


def _category_1_person(record: _Record) -> _Entry:
    entry = _Entry(Shape.CATEGORY_1, record, EntityKind.PERSON)
    fields = ((PartRole.FAMILY, "lname"), (PartRole.GIVEN, "fname"), (PartRole.PATRONYMIC, "mname"))
    parts = tuple(NamePart(role, value) for role, tag in fields if (value := record.text(tag)))
    if not parts:
        raise ValueError("lname, fname and mname are all empty")
    full = " ".join(p.value for p in parts)
    entry.names.append(Name(full, parts=parts, script=detect_script(full), origin=record.at("lname+fname+mname")))
    birthdate = record.text("birthdate")
    if parsed := _date(birthdate, record.at("birthdate")):
        entry.birth_dates.append(parsed)
    entry.add_iin("iin")
    entry.source_id = entry.source_id or _hash_id(Shape.CATEGORY_1, full, birthdate)
    return entry


def _category_1_org(record: _Record) -> _Entry:
    entry = _Entry(Shape.CATEGORY_1, record, EntityKind.ORGANIZATION)
    name, english = record.text("org_name"), record.text("org_name_en")
    if name:
        entry.names += _names(name, record.at("org_name"), NameKind.PRIMARY)
    if english:
        entry.names += _names(english, record.at("org_name_en"), NameKind.ALIAS if name else NameKind.PRIMARY, "en")
    if not entry.names:
        raise ValueError("org_name and org_name_en are empty")
    entry.source_id = _hash_id(Shape.CATEGORY_1, name or english)
    return entry


def _category_2_person(record: _Record) -> _Entry:
    entry = _Entry(Shape.CATEGORY_2, record, EntityKind.PERSON)
    if not (name := record.text("org_name")):
        raise ValueError("org_name is empty")
    entry.names.append(Name(name, parts=person_parts(name), script=detect_script(name), origin=record.at("org_name")))
    entry.add_iin("org_iin")
    entry.source_id = entry.source_id or _hash_id(Shape.CATEGORY_2, name)
    return entry


def _segments(information: str) -> tuple[str, list[tuple[str, str]]]:
    """The text before the first marker and ``(marker, value)`` pairs, in order."""
    matches = list(_MARKER.finditer(information))
    head = information[: matches[0].start()] if matches else information
    pairs = []
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        value = information[match.end() : following.start() if following else None].strip(" ,;")
        if value:
            pairs.append((match.group(1), value))
    return head, pairs


def _other_information(entry: _Entry, text: str, origin: str) -> None:
    """Best-effort facts in ``Прочая информация``; the whole blob is kept as a remark anyway."""
    for found in _BORN.finditer(text):
        for value in _BORN_VALUE.findall(found.group(1)):
            if parsed := _date(value, origin):
                entry.birth_dates.append(replace(parsed, note=clean(found.group(0))))
    entry.citizenships += [_country(c) for m in _CITIZEN.finditer(text) if (c := m.group(1).strip())]
    for match in _BIRTHPLACE.finditer(text):
        place = match.group(1).strip()
        entry.birth_places.append(Place(place, country=_country(place.rsplit(",", 1)[-1].strip()), origin=origin))
    for match in _PASSPORT.finditer(text):
        number = match.group(1)
        entry.documents.append(Document("passport", number, normalize_number(number), match.group(0), origin=origin))


def _wmd(record: _Record) -> _Entry:
    if not (information := record.text("information")):
        raise ValueError("information is empty")
    head, pairs = _segments(information)
    if not (name := clean(head.split(",", 1)[0].strip(" .;"))):
        raise ValueError("information does not start with a name")
    entry = _Entry(Shape.WMD, record, EntityKind.PERSON)
    base = record.at("information")
    entry.names += _names(name, base, NameKind.PRIMARY)
    for marker, value in pairs:
        origin = f"{base}/{marker}"
        key = marker.casefold()
        if key.startswith("вымышленные"):
            entry.names += _names(value, origin, NameKind.ALIAS)
        elif key.startswith("р.и.к") and entry.reference is None:
            entry.reference = value.strip(" .")
            if reference := _REFERENCE.match(entry.reference):
                regime = _REGIMES.get(reference["regime"], reference["regime"])
                entry.programme = f"{_LISTS[Shape.WMD][1]}: {regime}"
                entry.kind = EntityKind.ORGANIZATION if reference["kind"] == "e" else EntityKind.PERSON
        elif key.startswith("адрес"):
            for part in filter(None, (clean(p) for p in value.split(";"))):
                entry.addresses.append(
                    Address(part, country=_country(part.rsplit(",", 1)[-1].strip(" .")), origin=origin)
                )
        elif key.startswith("дата внесения"):
            entry.listed_on = entry.listed_on or _day(value.strip(" ."))
        else:
            _other_information(entry, value, origin)
    entry.remarks.append(Remark(information, base))
    entry.attributes += [
        Attribute(tag, text, record.at(tag)) for tag in ("num", "date", "decision") if (text := record.text(tag))
    ]
    entry.listed_on = entry.listed_on or _day(record.text("date"))
    entry.source_id = entry.reference or _hash_id(Shape.WMD, name)
    return entry


# --- file level ------------------------------------------------------------------------------


def _parse(path: Path) -> _Element:
    source = str(path)
    if not path.is_file() or path.stat().st_size == 0:
        raise SourceError(source, "the file is empty" if path.is_file() else "not a file")
    try:
        # from bytes: parsing a path turns encoding errors into OSError
        root = etree.fromstring(path.read_bytes(), xml_parser())
    except etree.XMLSyntaxError as error:
        raise SourceError(source, f"not well-formed XML (truncated or corrupt): {error}") from None
    refuse_entities(root, source)
    return root


def _record_shape(tag: str, element: _Element) -> Shape | None:
    children = {child.tag for child in element if isinstance(child.tag, str)}
    if tag == "person":
        if "information" in children:
            return Shape.WMD
        return Shape.CATEGORY_1 if children & _CAT1_PERSON_TAGS else None
    if "org_iin" in children:
        return Shape.CATEGORY_2
    return Shape.CATEGORY_1 if "org_name_en" in children else None


def detect_shape(root: _Element, source: str) -> Shape:
    """The file's shape from its records; refuses files that mix shapes or show none."""
    seen: dict[Shape, str] = {}
    for tag in ("person", "org"):
        for index, element in enumerate(root.iter(tag), start=1):
            if (shape := _record_shape(tag, element)) is not None:
                seen.setdefault(shape, f"{tag}[{index}]")
    if len(seen) > 1:
        where = ", ".join(f"{label} looks like {shape.value}" for shape, label in seen.items())
        raise SourceError(source, f"the file mixes AFM list shapes ({where})")
    if not seen:
        if next(root.iter("org"), None) is not None:
            raise SourceError(
                source, "<org> records with neither org_iin nor org_name_en: category 1 or 2? (pass shape)"
            )
        raise SourceError(source, f"unknown shape: no AFM <person>/<org> records under <{root.tag}>")
    return next(iter(seen))


_BUILDERS = {
    ("person", Shape.CATEGORY_1): _category_1_person,
    ("org", Shape.CATEGORY_1): _category_1_org,
    ("org", Shape.CATEGORY_2): _category_2_person,
    ("person", Shape.WMD): _wmd,
}


def read(path: Path, shape: Shape | str | None = None) -> ParsedList:
    """Read one AFM XML file, or a folder holding the set (category 1, category 2, WMD) as one list.

    In a folder, a person listed in several files (same IIN) becomes one entry that carries
    every designation. ``shape`` overrides detection for a single file.
    """
    if path.is_dir():
        return _read_set(path)
    return _read_file(path, shape)


def _union(first: tuple[T, ...], second: tuple[T, ...]) -> tuple[T, ...]:
    return first + tuple(value for value in second if value not in first)


def _merge(first: ListEntry, second: ListEntry) -> ListEntry:
    return replace(
        first,
        names=_union(first.names, second.names),
        birth_dates=_union(first.birth_dates, second.birth_dates),
        birth_places=_union(first.birth_places, second.birth_places),
        nationalities=_union(first.nationalities, second.nationalities),
        citizenships=_union(first.citizenships, second.citizenships),
        documents=_union(first.documents, second.documents),
        addresses=_union(first.addresses, second.addresses),
        designations=_union(first.designations, second.designations),
        attributes=_union(first.attributes, second.attributes),
        remarks=_union(first.remarks, second.remarks),
        last_updated=_union(first.last_updated, second.last_updated),
    )


def _read_set(folder: Path) -> ParsedList:
    files = _xml_files(folder)
    if not files:
        raise SourceError(str(folder), "no AFM XML file in the folder")
    merged: dict[str, ListEntry] = {}
    result = ParsedList(LIST_ID, READER, [])
    for file in files:
        part = _read_file(file, None)
        result.files.extend(part.files)
        result.warnings.extend(f"{file.name}: {warning}" for warning in part.warnings)
        for entry in part.entries:
            if entry.key in merged:
                merged[entry.key] = _merge(merged[entry.key], entry)
                result.warnings.append(f"{file.name}: {entry.key} is also in an earlier file; merged")
            else:
                merged[entry.key] = entry
    result.entries = list(merged.values())
    return result


def _read_file(path: Path, shape: Shape | str | None) -> ParsedList:
    source = str(path)
    root = _parse(path)
    chosen = Shape(shape) if shape else detect_shape(root, source)
    entries: dict[str, ListEntry] = {}
    prints: dict[str, str] = {}
    warnings: list[str] = []
    for tag in ("person", "org"):
        elements = list(root.iter(tag))
        if (builder := _BUILDERS.get((tag, chosen))) is None:
            if elements:
                warnings.append(f"{len(elements)} <{tag}> records ignored: not part of a {chosen.value} list")
            continue
        for index, element in enumerate(elements, start=1):
            record = _Record(element, f"{tag}[{index}]")
            try:
                entry = builder(record).build()
            except ValueError as error:
                raise SourceError(source, f"{record.label} (line {element.sourceline}): {error}") from None
            fingerprint = record.fingerprint()
            if entry.key in entries:
                if prints[entry.key] == fingerprint:
                    warnings.append(f"{record.label}: exact duplicate of id {entry.source_id}, dropped")
                    continue
                source_id = f"{entry.source_id}~{fingerprint[:8]}"
                warnings.append(f"{record.label}: id {entry.source_id} used twice, keyed {source_id}")
                entry = replace(entry, source_id=source_id, key=f"{LIST_ID}:{source_id}")
            entries[entry.key], prints[entry.key] = entry, fingerprint
    short = sum(1 for e in entries.values() for d in e.documents if d.note and "10 digits" in d.note)
    if short:
        warnings.append(f"{short} IIN values have 10 digits instead of 12: kept, flagged in the document note")
    return ParsedList(LIST_ID, READER, list(entries.values()), files=[file_info(path)], warnings=warnings)
