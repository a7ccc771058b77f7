"""UN Security Council Consolidated List (XML, ``sc-sanctions.xsd``) → list entries.

Every data trap of domain-watchlists.md §2 is handled here: placeholder aliases, packed
alias variants, original-script names in ``NAME_ORIGINAL_SCRIPT`` and in alias notes,
year-only/approximate/between/note-only/Hijri dates of birth, empty documents, document
types in several languages, trailing spaces in reference numbers, zone offsets on listing
dates and line breaks inside values.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from lxml import etree

from tekser.domain.countries import country
from tekser.domain.watchlists import (
    Address,
    Attribute,
    Country,
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
    name_variants,
    normalize_number,
    refuse_entities,
    xml_parser,
)
from tekser.ingest.lists.dates import parse_date, parse_iso_date, year_range
from tekser.names.scripts import detect_script

LIST_ID = "un"
READER = "un-xml/1"
AUTHORITY = "UN Security Council"

_Element = etree._Element
_POSITIONS = (
    ("FIRST_NAME", PartRole.FIRST),
    ("SECOND_NAME", PartRole.SECOND),
    ("THIRD_NAME", PartRole.THIRD),
    ("FOURTH_NAME", PartRole.FOURTH),
)
_IN_SCRIPT = re.compile(r"(?:in|original script)\s*(?:\w+\s*)?:\s*(?P<name>[^;,()]+)", re.IGNORECASE)
_NOTE_PASSPORT = re.compile(
    r"passport\s+(?:no\.?|number)\s*(?P<number>[A-Z0-9][A-Z0-9 -]{3,})(?:,\s*expires?\s+(?P<expiry>[^()]+?))?"
    r"\s*(?:\((?P<country>[A-Za-z ]+)\))?\s*$",
    re.IGNORECASE | re.MULTILINE,
)


def sniff(path: Path) -> bool:
    """True for a file whose root element is CONSOLIDATED_LIST."""
    if not path.is_file():
        return False
    with path.open("rb") as handle:
        head = handle.read(4096)
    return b"<CONSOLIDATED_LIST" in head


def _text(element: _Element, tag: str) -> str | None:
    for child in element:  # direct children only; faster than find() on these small records
        if child.tag == tag:
            return clean(child.text)
    return None


def _nationality(text: str) -> Country | None:
    # the UN writes "na" (not available) where it knows no nationality: kept as text, not Namibia
    return Country(name=text, code=None) if text.casefold() == "na" else country(text)


def _values(element: _Element, tag: str) -> list[str]:
    values = []
    for value in element.findall(f"{tag}/VALUE"):
        text = clean(value.text)
        if text:
            values.append(text)
    return values


def _has_content(element: _Element) -> bool:
    return any(clean(child.text) for child in element)


class _EntryBuilder:
    """Collects the parts of one INDIVIDUAL or ENTITY record."""

    def __init__(self, record: _Element, kind: EntityKind) -> None:
        self.record = record
        self.kind = kind
        self.prefix = "INDIVIDUAL" if kind is EntityKind.PERSON else "ENTITY"
        self.names: list[Name] = []
        self.birth_dates: list[FuzzyDate] = []
        self.birth_places: list[Place] = []
        self.documents: list[Document] = []
        self.remarks: list[Remark] = []

    def build(self) -> ListEntry:
        record = self.record
        reference = _text(record, "REFERENCE_NUMBER")
        if not reference:
            raise ValueError("REFERENCE_NUMBER is empty")
        listed_on = parse_iso_date(_text(record, "LISTED_ON"))
        programme = _text(record, "UN_LIST_TYPE")
        self._primary_names()
        self._aliases()
        if self.kind is EntityKind.PERSON:
            self._birth_dates(listed_on)
            self._birth_places()
            self._documents()
        comments = _text(record, "COMMENTS1")
        if comments:
            self.remarks.append(Remark(comments, "COMMENTS1"))
        gender = _text(record, "GENDER")
        attributes = [
            Attribute(tag, value, tag)
            for tag in ("DATAID", "VERSIONNUM", "SORT_KEY", "SORT_KEY_LAST_MOD")
            if (value := _text(record, tag))
        ]
        attributes += [Attribute("LIST_TYPE", value, "LIST_TYPE/VALUE") for value in _values(record, "LIST_TYPE")]
        return ListEntry(
            key=f"{LIST_ID}:{reference}",
            list_id=LIST_ID,
            source_id=reference,
            kind=self.kind,
            names=tuple(self.names),
            gender=gender.lower() if gender else None,
            birth_dates=tuple(self.birth_dates),
            birth_places=tuple(self.birth_places),
            nationalities=tuple(c for v in _values(record, "NATIONALITY") if (c := _nationality(v))),
            documents=tuple(self.documents),
            addresses=tuple(self._addresses()),
            designations=(
                Designation(
                    authority=AUTHORITY,
                    programme=programme,
                    category=category_for(LIST_ID, programme),
                    listed_on=listed_on,
                    reference=reference,
                    origin="UN_LIST_TYPE",
                ),
            ),
            titles=tuple(_values(record, "TITLE")),
            positions=tuple(_values(record, "DESIGNATION")),
            attributes=tuple(attributes),
            remarks=tuple(self.remarks),
            last_updated=tuple(d for v in _values(record, "LAST_DAY_UPDATED") if (d := parse_iso_date(v))),
        )

    def _add_name(
        self,
        full: str,
        origin: str,
        *,
        kind: NameKind = NameKind.PRIMARY,
        quality: NameQuality = NameQuality.STRONG,
        source_quality: str | None = None,
        original_script: bool = False,
        note: str | None = None,
    ) -> None:
        """Add the name as given and, when it packs several variants, each variant."""
        variants, notes = name_variants(full)
        all_notes = "; ".join(n for n in [note, *notes] if n) or None
        self.names.append(
            Name(
                full=full,
                kind=kind,
                quality=quality,
                script=detect_script(full),
                original_script=original_script,
                source_quality=source_quality,
                note=all_notes,
                origin=origin,
            )
        )
        for variant, variant_original in variants:
            self.names.append(
                Name(
                    full=variant,
                    kind=kind,
                    quality=quality,
                    script=detect_script(variant),
                    original_script=variant_original or original_script,
                    source_quality=source_quality,
                    split_from=full,
                    origin=origin,
                )
            )

    def _primary_names(self) -> None:
        parts = tuple(NamePart(role, value) for tag, role in _POSITIONS if (value := _text(self.record, tag)))
        if not parts:
            raise ValueError("FIRST_NAME is empty")
        if self.kind is EntityKind.PERSON:
            self.names.append(
                Name(
                    full=" ".join(p.value for p in parts),
                    parts=parts,
                    script=detect_script(parts[0].value),
                    origin="FIRST_NAME..FOURTH_NAME",
                )
            )
        else:
            self._add_name(parts[0].value, "FIRST_NAME")
        original = _text(self.record, "NAME_ORIGINAL_SCRIPT")
        if original:
            self._add_name(original, "NAME_ORIGINAL_SCRIPT", original_script=True)

    def _aliases(self) -> None:
        for index, alias in enumerate(self.record.findall(f"{self.prefix}_ALIAS"), start=1):
            origin = f"{self.prefix}_ALIAS[{index}]"
            name = _text(alias, "ALIAS_NAME")
            quality = _text(alias, "QUALITY")
            note = _text(alias, "NOTE")
            if name:
                kind = NameKind.ALIAS
                if quality == "f.k.a." or (note and re.search(r"(formerly|previously) listed as", note, re.I)):
                    kind = NameKind.FORMER
                self._add_name(
                    name,
                    f"{origin}/ALIAS_NAME",
                    kind=kind,
                    quality=NameQuality.WEAK if quality == "Low" else NameQuality.STRONG,
                    source_quality=quality,
                    note=note,
                )
            if note:
                self._names_in_note(note, f"{origin}/NOTE", quality)
                self._documents_in_note(note, f"{origin}/NOTE")
            dob = _text(alias, "DATE_OF_BIRTH")
            if dob:
                self.birth_dates.append(parse_date(dob, origin=f"{origin}/DATE_OF_BIRTH"))
            city, country_name = _text(alias, "CITY_OF_BIRTH"), _text(alias, "COUNTRY_OF_BIRTH")
            if city or country_name:
                text = ", ".join(v for v in (city, country_name) if v)
                self.birth_places.append(
                    Place(text=text, city=city, country=country(country_name), origin=f"{origin}/PLACE_OF_BIRTH")
                )

    def _names_in_note(self, note: str, origin: str, quality: str | None) -> None:
        """``In Arabic: سيف العدل`` and similar: a name in its original script inside a note."""
        for match in _IN_SCRIPT.finditer(note):
            candidate = match["name"].strip()
            if candidate and detect_script(candidate) not in (None, "Latn"):
                self.names.append(
                    Name(
                        full=candidate,
                        kind=NameKind.ALIAS,
                        quality=NameQuality.WEAK if quality == "Low" else NameQuality.STRONG,
                        script=detect_script(candidate),
                        original_script=True,
                        source_quality=quality,
                        note=note,
                        origin=origin,
                    )
                )

    def _documents_in_note(self, note: str, origin: str) -> None:
        for match in _NOTE_PASSPORT.finditer(note):
            number = match["number"].strip()
            self.documents.append(
                Document(
                    kind="passport",
                    number=number,
                    number_normalized=normalize_number(number),
                    kind_raw="Passport",
                    country=country(match["country"]),
                    expiry_date=clean(match["expiry"]),
                    note=note,
                    origin=origin,
                )
            )

    def _birth_dates(self, listed_on: object) -> None:
        reference = listed_on if listed_on is not None else None
        for index, element in enumerate(self.record.findall("INDIVIDUAL_DATE_OF_BIRTH"), start=1):
            origin = f"INDIVIDUAL_DATE_OF_BIRTH[{index}]"
            kind = _text(element, "TYPE_OF_DATE")
            note = _text(element, "NOTE")
            approximate = kind == "APPROXIMATELY" or bool(note and note.lower().startswith("approx"))
            day, year = _text(element, "DATE"), _text(element, "YEAR")
            first, last = _text(element, "FROM_YEAR"), _text(element, "TO_YEAR")
            if day:
                parsed = parse_date(day, origin=origin, note=note, approximate=approximate)
            elif year and note and parse_date(f"{note} {year}").start is not None:
                parsed = parse_date(f"{note} {year}", origin=origin, note=note, approximate=approximate)
            elif year:
                parsed = parse_date(year, origin=origin, note=note, approximate=approximate)
            elif first and last and first.isdigit() and last.isdigit():
                parsed = year_range(
                    int(first),
                    int(last),
                    text=f"{first}-{last}",
                    origin=origin,
                    approximate=approximate,
                    note=note,
                )
            elif note:
                parsed = parse_date(note, origin=origin, approximate=approximate, reference=reference)  # type: ignore[arg-type]
            else:
                continue  # <TYPE_OF_DATE/> alone: no data
            self.birth_dates.append(parsed)

    def _birth_places(self) -> None:
        for index, element in enumerate(self.record.findall("INDIVIDUAL_PLACE_OF_BIRTH"), start=1):
            if not _has_content(element):
                continue
            city, region = _text(element, "CITY"), _text(element, "STATE_PROVINCE")
            street, country_name = _text(element, "STREET"), _text(element, "COUNTRY")
            note = _text(element, "NOTE")
            text = ", ".join(v for v in (street, city, region, country_name) if v) or (note or "")
            self.birth_places.append(
                Place(
                    text=text,
                    city=city,
                    region=region,
                    country=country(country_name),
                    street=street,
                    note=note,
                    origin=f"INDIVIDUAL_PLACE_OF_BIRTH[{index}]",
                )
            )

    def _documents(self) -> None:
        for index, element in enumerate(self.record.findall("INDIVIDUAL_DOCUMENT"), start=1):
            if not _has_content(element):
                continue
            origin = f"INDIVIDUAL_DOCUMENT[{index}]"
            kind_main, kind_extra = _text(element, "TYPE_OF_DOCUMENT"), _text(element, "TYPE_OF_DOCUMENT2")
            note = _text(element, "NOTE")
            number = _text(element, "NUMBER")
            if not number:
                # "Afghan national identification card (tazkira) number 545167": number inside the type
                found = re.search(r"(?:number|no\.?)\s*:?\s*([A-Z0-9][A-Z0-9 -]*\d)\s*$", kind_extra or "", re.I)
                number = found.group(1) if found else ""
            kind_raw = "; ".join(v for v in (kind_main, kind_extra) if v) or None
            issuing = _text(element, "ISSUING_COUNTRY") or _text(element, "COUNTRY_OF_ISSUE")
            city_of_issue = _text(element, "CITY_OF_ISSUE")
            self.documents.append(
                Document(
                    kind=document_kind(kind_main or kind_extra),
                    number=number,
                    number_normalized=normalize_number(number),
                    kind_raw=kind_raw,
                    country=country(issuing),
                    issue_date=_text(element, "DATE_OF_ISSUE"),
                    issued_by=city_of_issue,
                    note=note,
                    origin=origin,
                )
            )

    def _addresses(self) -> list[Address]:
        addresses = []
        for index, element in enumerate(self.record.findall(f"{self.prefix}_ADDRESS"), start=1):
            if not _has_content(element):
                continue
            street, city = _text(element, "STREET"), _text(element, "CITY")
            region, postal = _text(element, "STATE_PROVINCE"), _text(element, "ZIP_CODE")
            country_name, note = _text(element, "COUNTRY"), _text(element, "NOTE")
            text = ", ".join(v for v in (street, city, region, postal, country_name) if v) or (note or "")
            addresses.append(
                Address(
                    text=text,
                    street=street,
                    city=city,
                    region=region,
                    postal_code=postal,
                    country=country(country_name),
                    note=note,
                    origin=f"{self.prefix}_ADDRESS[{index}]",
                )
            )
        return addresses


def read(path: Path) -> ParsedList:
    """Read a UN consolidated list XML file; refuse it (SourceError) when it is not one."""
    source = str(path)
    if path.stat().st_size == 0:
        raise SourceError(source, "the file is empty")
    try:
        root = etree.fromstring(path.read_bytes(), xml_parser())
    except (etree.XMLSyntaxError, ValueError) as error:
        raise SourceError(source, f"not well-formed XML (truncated or corrupt): {error}") from None
    refuse_entities(root, source)
    if root.tag != "CONSOLIDATED_LIST":
        raise SourceError(source, f"root element is <{root.tag}>, expected <CONSOLIDATED_LIST>")
    individuals, entities = root.find("INDIVIDUALS"), root.find("ENTITIES")
    if individuals is None or entities is None:
        raise SourceError(source, "missing <INDIVIDUALS> or <ENTITIES>: the file is incomplete")
    entries: list[ListEntry] = []
    seen: dict[str, int] = {}
    for kind, records in ((EntityKind.PERSON, individuals), (EntityKind.ORGANIZATION, entities)):
        tag = "INDIVIDUAL" if kind is EntityKind.PERSON else "ENTITY"
        for index, record in enumerate(records.findall(tag), start=1):
            try:
                entry = _EntryBuilder(record, kind).build()
            except ValueError as error:
                raise SourceError(source, f"{tag}[{index}] (line {record.sourceline}): {error}") from None
            if entry.key in seen:
                raise SourceError(source, f"{tag}[{index}]: reference {entry.source_id} appears twice")
            seen[entry.key] = index
            entries.append(entry)
    generated = root.get("dateGenerated")
    published = None
    if generated:
        try:
            published = datetime.fromisoformat(generated.replace("Z", "+00:00"))
        except ValueError:
            published = None
    return ParsedList(
        list_id=LIST_ID,
        reader=READER,
        entries=entries,
        files=[file_info(path)],
        published_at=published,
    )
