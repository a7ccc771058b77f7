"""List entries → FollowTheMoney entity JSON lines, for OpenSanctions tooling and yente clients.

Each entry becomes its target entity (Person, Organization, Vessel or Airplane; the schema an
FtM import stated is kept) plus helper entities: a Sanction per designation and a Passport or
Identification per identity document. Ids are deterministic: ``tekser-<list>-<source id>`` for
the target, a hash of the target id and the helper's content for helpers. Values follow FtM
conventions: lists of strings, lower-case ISO alpha-2 countries, ISO date prefixes. What FtM
cannot carry as a typed value (wide date ranges, text-only dates, unknown countries) is kept as
text in ``notes``. Links are not exported: their targets may not be in the same export.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from typing import Any, TextIO

from tekser.domain.countries import country_code
from tekser.domain.watchlists import (
    Country,
    DatePrecision,
    Designation,
    Document,
    EntityKind,
    FuzzyDate,
    ListEntry,
    Name,
    NameKind,
    NameQuality,
    PartRole,
)
from tekser.ingest.lists.dates import parse_date
from tekser.ingest.lists.ftm import IDENTIFIERS

_SCHEMAS = {
    EntityKind.PERSON: "Person",
    EntityKind.ORGANIZATION: "Organization",
    EntityKind.VESSEL: "Vessel",
    EntityKind.AIRCRAFT: "Airplane",
}
_ORGANIZATIONS = frozenset({"Organization", "Company", "LegalEntity", "PublicBody"})
_LEGAL = _ORGANIZATIONS | {"Person"}
# Properties tekser writes that exist on some target schemas only; the rest are on every Thing.
_ONLY: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        ("firstName", "secondName", "middleName", "fatherName", "motherName", "lastName", "nameSuffix"),
        frozenset({"Person"}),
    ),
    **dict.fromkeys(
        ("title", "position", "gender", "birthDate", "birthPlace", "birthCountry", "nationality", "citizenship"),
        frozenset({"Person"}),
    ),
    **dict.fromkeys(("passportNumber", "socialSecurityNumber"), frozenset({"Person"})),
    **dict.fromkeys(
        ("email", "phone", "website", "idNumber", "taxNumber", "innCode", "vatCode", "ogrnCode", "swiftBic"),
        _LEGAL,
    ),
    **dict.fromkeys(("leiCode", "abbreviation"), _LEGAL),
    "imoNumber": frozenset({"Vessel", "Organization", "Company", "PublicBody"}),
    **dict.fromkeys(("mmsi", "flag", "callSign"), frozenset({"Vessel"})),
}
_PART_PROPS = {
    PartRole.GIVEN: "firstName",
    PartRole.SECOND: "secondName",
    PartRole.MIDDLE: "middleName",
    PartRole.PATRONYMIC: "fatherName",
    PartRole.MATRONYMIC: "motherName",
    PartRole.FAMILY: "lastName",
    PartRole.SUFFIX: "nameSuffix",
    PartRole.TITLE: "title",
}
# Identifier properties a document read from FtM came from (Document.kind_raw).
_IDENTIFIER_PROPS = frozenset(IDENTIFIERS)
_KIND_PROPS = {
    "passport": "passportNumber",
    "diplomatic_passport": "passportNumber",
    "service_passport": "passportNumber",
    "tax_id": "taxNumber",
    "registration": "registrationNumber",
    "imo": "imoNumber",
    "mmsi": "mmsi",
    "ssn": "socialSecurityNumber",
}
_CONTACT_PROPS = {"email": "email", "phone": "phone", "fax": "phone", "website": "website", "url": "website"}
# Vessel facts other readers keep as attributes (OFAC sdn.csv columns).
_VESSEL_ATTRIBUTES = {"Vess_flag": "flag", "Call_Sign": "callSign", "Vess_type": "type"}
# Shapes FtM accepts for these types; other values go to notes rather than be dropped by FtM.
_FORMATS = {
    "phone": re.compile(r"^\+[\d\s().-]{6,}$"),
    "email": re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
    "website": re.compile(r"^(?:https?://)?[\w-]+(?:\.[\w-]+)+(?:[/?#]\S*)?$"),
    "imoNumber": re.compile(r"^IMO\d{7}$"),
    "socialSecurityNumber": re.compile(r"^\d{3}-?\d{2}-?\d{4}$"),  # FtM checks the US shape
}
_ID_NOISE = re.compile(r"[^0-9A-Za-z.-]+")
_UN_REFERENCE = re.compile(r"^[A-Z]{2}[ie]\.\d+$")
_MAX_RANGE_YEARS = 5


class _Props:
    """FtM properties being built: ordered, without duplicates or empty values."""

    def __init__(self, schema: str) -> None:
        self.schema = schema
        self.values: dict[str, list[str]] = {}

    def allows(self, prop: str) -> bool:
        return self.schema in _ONLY.get(prop, frozenset({self.schema}))

    def add(self, prop: str, value: str | None) -> bool:
        """Add a value; False when the schema has no such property or FtM would refuse the value."""
        text = " ".join(value.split()) if value else ""
        shape = _FORMATS.get(prop)
        if not self.allows(prop) or (text and shape is not None and not shape.match(text)):
            return False
        if text and text not in self.values.setdefault(prop, []):
            self.values[prop].append(text)
        return True


def _slug(text: str) -> str:
    """A valid FtM id fragment; a hash suffix keeps altered fragments unique."""
    slug = _ID_NOISE.sub("-", text).strip(".-")[:100].strip(".-")
    if slug == text and slug:
        return slug
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
    return f"{slug}-{digest}" if slug else digest


def entity_id(entry: ListEntry) -> str:
    return f"tekser-{_slug(entry.list_id)}-{_slug(entry.source_id)}"


def _helper_id(target_id: str, schema: str, *parts: str | None) -> str:
    digest = hashlib.sha1("\x1f".join([target_id, schema, *(p or "" for p in parts)]).encode("utf-8"))
    return f"tekser-{schema.lower()}-{digest.hexdigest()[:32]}"


def _code(place: Country | None) -> str | None:
    return place.code.lower() if place is not None and place.code else None


def _schema(entry: ListEntry) -> str:
    stated = next((a.value for a in entry.attributes if a.name == "schema" and a.origin == "schema"), None)
    if entry.kind is EntityKind.ORGANIZATION and stated in _ORGANIZATIONS:
        return stated
    return _SCHEMAS[entry.kind]


def _name_prop(name: Name, schema: str) -> str:
    if name.kind is NameKind.PRIMARY:
        return "name"
    if name.kind is NameKind.FORMER:
        return "previousName"
    if name.quality is NameQuality.WEAK:
        return "weakAlias"
    if name.source_quality == "abbreviation" and schema in _LEGAL:
        return "abbreviation"
    return "alias"


def _names(entry: ListEntry, props: _Props) -> None:
    for name in entry.names:
        props.add(_name_prop(name, props.schema), name.full)
        # Positional parts (UN FIRST_NAME ... FOURTH_NAME) say nothing of given or family name.
        if all(part.role in _PART_PROPS for part in name.parts):
            for part in name.parts:
                props.add(_PART_PROPS[part.role], part.value)


def _date_values(birth: FuzzyDate) -> list[str]:
    """ISO prefixes at the date's precision; a range becomes its years when there are few of them."""
    start, end = birth.start, birth.end
    if start is None or end is None:
        return []
    if start == end:
        return [start.isoformat()]
    if birth.precision is DatePrecision.MONTH:
        return [start.isoformat()[:7]]
    if birth.precision is DatePrecision.YEAR or start.year == end.year:
        return [f"{start.year:04d}"]
    if end.year - start.year < _MAX_RANGE_YEARS:
        return [f"{year:04d}" for year in range(start.year, end.year + 1)]
    return []


def _birth(entry: ListEntry, props: _Props, notes: list[str]) -> None:
    for birth in entry.birth_dates:
        values = _date_values(birth)
        if not values or birth.approximate or not props.allows("birthDate"):
            notes.append(f"Date of birth: {birth.text}" + (" (approximate)" if birth.approximate else ""))
        for value in values:
            props.add("birthDate", value)
    for place in entry.birth_places:
        code = _code(place.country)
        only_country = place.country is not None and place.text in (place.country.name, place.country.code)
        if not (only_country and code) and not props.add("birthPlace", place.text):
            notes.append(f"Place of birth: {place.text}")
        props.add("birthCountry", code)


def _countries(entry: ListEntry, props: _Props, notes: list[str]) -> None:
    for prop, label, countries in (
        ("nationality", "Nationality", entry.nationalities),
        ("citizenship", "Citizenship", entry.citizenships),
    ):
        for found in countries:
            code = _code(found)
            if code is None:
                notes.append(f"{label}: {found.name}")
            elif not props.add(prop, code):
                props.add("country", code)


def _document_value(prop: str, number: str) -> str:
    return f"IMO{number}" if prop == "imoNumber" and number.isdigit() else number


def _iso_day(text: str | None) -> str | None:
    if not text:
        return None
    parsed = parse_date(text)
    return parsed.start.isoformat() if parsed.precision is DatePrecision.DAY and parsed.start else None


def _document(
    entry: ListEntry, target_id: str, doc: Document, props: _Props, notes: list[str]
) -> dict[str, Any] | None:
    """Put a document on the target and, for persons and organisations, into its own entity."""
    if doc.kind_raw in _IDENTIFIER_PROPS and props.add(doc.kind_raw, _document_value(doc.kind_raw, doc.number)):
        return None  # an FtM identifier property: it goes back where it came from
    prop = _KIND_PROPS.get(doc.kind, "idNumber")
    on_target = props.add(prop, _document_value(prop, doc.number))
    if props.schema not in _LEGAL:
        if not on_target:
            notes.append(f"{doc.kind_raw or doc.kind}: {doc.number}")
        return None
    schema = "Passport" if "passport" in doc.kind and props.schema == "Person" else "Identification"
    helper = _Props(schema)
    helper.add("holder", target_id)
    helper.add("number", doc.number)
    helper.add("type", doc.kind_raw or doc.kind.replace("_", " "))
    helper.add("country", _code(doc.country))
    helper.add("authority", doc.issued_by)
    helper.add("startDate", _iso_day(doc.issue_date))
    helper.add("endDate", _iso_day(doc.expiry_date))
    helper.add("summary", doc.note)
    _helper_extras(entry, doc.origin, helper)
    key = (doc.kind, doc.number_normalized, _code(doc.country))
    return _entity(_helper_id(target_id, schema, *key), helper, entry.list_id, doc.number)


def _sanction(entry: ListEntry, target_id: str, designation: Designation) -> dict[str, Any]:
    props = _Props("Sanction")
    props.add("entity", target_id)
    props.add("authority", designation.authority)
    props.add("program", designation.programme)
    if designation.listed_on is not None:
        props.add("listingDate", designation.listed_on.isoformat())
    reference = designation.reference
    un = reference is not None and _UN_REFERENCE.match(reference) is not None
    props.add("unscId" if un else "authorityId", reference)
    props.add("reason", designation.legal_basis)
    _helper_extras(entry, designation.origin, props)
    parts = (designation.authority, designation.programme, reference, str(designation.listed_on))
    return _entity(_helper_id(target_id, "Sanction", *parts), props, entry.list_id, designation.programme)


def _helper_extras(entry: ListEntry, origin: str, props: _Props) -> None:
    """Helper properties an FtM import kept as ``<Schema>.<prop>`` attributes go back on the helper."""
    prefix = f"{props.schema}."
    for attribute in entry.attributes:
        if attribute.name.startswith(prefix) and attribute.origin.startswith(f"{origin}/"):
            props.add(attribute.name.removeprefix(prefix), attribute.value)


def _entity(ident: str, props: _Props, dataset: str, caption: str | None, target: bool = False) -> dict[str, Any]:
    return {
        "id": ident,
        "schema": props.schema,
        "caption": caption or props.schema,
        "properties": props.values,
        "datasets": [dataset],
        "referents": [],
        "target": target,
    }


def _facts(entry: ListEntry, props: _Props, notes: list[str]) -> None:
    """Everything else of the target: gender, titles, contacts, addresses, remarks, attributes."""
    if entry.gender:
        props.add("gender", entry.gender)
    for label, prop, values in (("Title", "title", entry.titles), ("Position", "position", entry.positions)):
        notes.extend(f"{label}: {value}" for value in values if not props.add(prop, value))
    for contact in entry.contacts:
        contact_prop = _CONTACT_PROPS.get(contact.kind)
        if contact_prop is None or not props.add(contact_prop, contact.value):
            notes.append(f"{contact.kind}: {contact.value}")
    for address in entry.addresses:
        props.add("address", address.text)
    notes[:0] = [remark.text for remark in entry.remarks]
    for day in sorted(set(entry.last_updated)):
        props.add("modifiedAt", day.isoformat())
    from_ftm = any(a.name == "schema" and a.origin == "schema" and a.value == props.schema for a in entry.attributes)
    for attribute in entry.attributes:
        name = attribute.name
        if from_ftm and attribute.origin.startswith(f"properties.{name}[") and name != "addressEntity":
            props.add(name, attribute.value)  # read from this same schema: valid here too
        elif name in _VESSEL_ATTRIBUTES:
            value = attribute.value
            if name == "Vess_flag":  # a country name in OFAC's file
                value = (country_code(value) or "").lower()
            props.add(_VESSEL_ATTRIBUTES[name], value)
    props.add("topics", "sanction")


def entry_to_ftm(entry: ListEntry) -> list[dict[str, Any]]:
    """The target entity of an entry followed by its Sanction, Passport and Identification entities."""
    target_id = entity_id(entry)
    props = _Props(_schema(entry))
    notes: list[str] = []
    _names(entry, props)
    _birth(entry, props, notes)
    _countries(entry, props, notes)
    _facts(entry, props, notes)
    helpers: dict[str, dict[str, Any]] = {}
    for doc in entry.documents:
        if not doc.number:
            continue
        made = _document(entry, target_id, doc, props, notes)
        if made is not None:
            helpers.setdefault(str(made["id"]), made)
    for designation in entry.designations:
        made = _sanction(entry, target_id, designation)
        helpers.setdefault(str(made["id"]), made)
    for note in notes:
        props.add("notes", note)
    target = _entity(target_id, props, entry.list_id, entry.caption, target=True)
    if any(a.origin == "schema" for a in entry.attributes):  # read from FtM: keep the ids it gave
        target["referents"] = [entry.source_id, *(a.value for a in entry.attributes if a.origin == "referent")]
    return [target, *helpers.values()]


def write_ftm(entries: Iterable[ListEntry], out: TextIO) -> int:
    """Write the entities of every entry as JSON lines; return how many lines were written."""
    count = 0
    for entry in entries:
        for entity in entry_to_ftm(entry):
            out.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    return count
