"""List entries → FollowTheMoney entity JSON lines, for OpenSanctions tooling and yente clients.

Entities are built with the ``followthemoney`` library (model, entity proxies, its own value
cleaning), so what is written is what FtM itself would store. Each entry becomes its target
entity (Person, Organization, Vessel or Airplane; the schema an FtM import stated is kept) plus
helper entities: a Sanction per designation, a Passport or Identification per identity document.

Ids are deterministic: ``tekser-<list>-<source id>`` for the target and a hash of the target id
and the helper's content for helpers. Entries read from FtM keep the ids they came with (target,
Sanction, Passport, Identification, Address and relationship entities), their datasets and
referents, so export → import → export gives the same entities.

A value FtM's cleaning refuses for its property (an identifier holding a sentence, an address
longer than FtM allows, a phone number without a country) is kept as text in ``notes`` and
counted in :class:`ExportStats`; so are what FtM cannot type (wide date ranges, text-only dates,
unknown countries). Topics are written only where the source implies them: ``sanction`` for an
entry listed under a designation, ``crime.terror`` for a designation whose programme or legal
basis names terrorism (SDGT, ISIL/Al-Qaida, "Counter-Terrorism ..."); an FtM import keeps exactly
the topics it had.
Relationships (Ownership, Family ...) read from FtM are written back with their ids; a party that
is not itself a target gets a non-target entity with its name. Links of other lists name no
entity (OFAC "Linked To:" is text) and are not exported.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

from followthemoney import model
from followthemoney.proxy import EntityProxy
from followthemoney.types import registry

from tekser.domain.countries import country_code
from tekser.domain.watchlists import (
    Address,
    Country,
    DatePrecision,
    Designation,
    Document,
    EntityKind,
    FuzzyDate,
    Link,
    ListEntry,
    Name,
    NameKind,
    NameQuality,
    PartRole,
)
from tekser.ingest.lists.dates import parse_date
from tekser.ingest.lists.ftm import IDENTIFIERS, LINKS, TARGET_KINDS, helper_document_kind

_SCHEMAS = {
    EntityKind.PERSON: "Person",
    EntityKind.ORGANIZATION: "Organization",
    EntityKind.VESSEL: "Vessel",
    EntityKind.AIRCRAFT: "Airplane",
}
_ORGANIZATIONS = frozenset({"Organization", "Company", "LegalEntity", "PublicBody"})
_LEGAL = _ORGANIZATIONS | {"Person"}
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
# Top-level fields of an FtM entity the reader keeps as attributes (last_seen changes every run: not kept).
_CONTEXT_FIELDS = ("first_seen", "last_change")
_ID_NOISE = re.compile(r"[^0-9A-Za-z.-]+")
_UN_REFERENCE = re.compile(r"^[A-Z]{2}[ie]\.\d+$")
_MAX_RANGE_YEARS = 5
# Programme codes whose name is terrorism: OFAC SDGT/SDT/FTO, the EU's ISIL/Al-Qaida and CP 931 lists.
_TERROR_PROGRAMMES = frozenset({"SDGT", "SDT", "FTO", "TAQA", "TERR"})
_TERROR_WORDS = re.compile(r"terror|террор|\bisil\b|da.esh|al-qa.?ida", re.IGNORECASE)


@dataclass
class ExportStats:
    """What the export wrote, and the values FtM refused for their property (kept in notes instead)."""

    entities: int = 0
    refused: Counter[str] = field(default_factory=Counter)  # property → values FtM refused for it

    def warnings(self) -> list[str]:
        found = sorted(self.refused.items())
        return [f"{count} {prop} values refused by FtM's cleaning (kept in notes)" for prop, count in found]


class _Props:
    """One FtM entity being built on a followthemoney proxy: values go through FtM's own cleaning."""

    def __init__(self, schema: str, ident: str, stats: ExportStats | None = None) -> None:
        self.proxy: EntityProxy = model.make_entity(schema)
        self.proxy.id = ident
        self.schema = schema
        self.stats = stats

    def allows(self, prop: str) -> bool:
        found = self.proxy.schema.properties.get(prop)
        return found is not None and not found.stub

    def add(self, prop: str, value: str | None) -> bool:
        """Add a value as FtM cleans it; False when the schema has no such property or FtM refuses the value."""
        if not self.allows(prop):
            return False
        text = " ".join(value.split()) if value else ""
        if not text:
            return True
        found = self.proxy.schema.properties[prop]
        cleaned = found.type.clean_text(text, format=found.format, proxy=self.proxy)
        # FtM's validation also refuses values longer than the type's maximum (identifiers, addresses).
        if not cleaned or len(cleaned) > found.type.max_length:
            if self.stats is not None:
                self.stats.refused[prop] += 1
            return False
        return self.proxy.unsafe_add(found, cleaned, cleaned=True) is not None

    def values(self, prop: str) -> list[str]:
        return self.proxy.get(prop, quiet=True)


def _slug(text: str) -> str:
    """A valid FtM id fragment; a hash suffix keeps altered fragments unique."""
    slug = _ID_NOISE.sub("-", text).strip(".-")[:100].strip(".-")
    if slug == text and slug:
        return slug
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
    return f"{slug}-{digest}" if slug else digest


def _from_ftm(entry: ListEntry) -> bool:
    return any(a.name == "schema" and a.origin == "schema" for a in entry.attributes)


def _kept_id(origin: str, schemas: Iterable[str]) -> tuple[str, str] | None:
    """(schema, id) of the FtM entity a value was read from (origin ``<Schema>:<id>``), when its id is valid."""
    schema, sep, rest = origin.partition(":")
    ident = rest.split("/", 1)[0]
    if sep and schema in schemas and registry.entity.validate(ident):
        return schema, ident
    return None


def entity_id(entry: ListEntry) -> str:
    """The target's id: the FtM id an entry read from FtM came with, else ``tekser-<list>-<source id>``."""
    if _from_ftm(entry) and registry.entity.validate(entry.source_id):
        return entry.source_id
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


def _names(entry: ListEntry, props: _Props, notes: list[str]) -> None:
    for name in entry.names:
        composed = name.note == "composed from name parts"  # made by the FtM reader: its parts say it
        if not composed and not props.add(_name_prop(name, props.schema), name.full):
            notes.append(f"Name: {name.full}")
        # FtM cannot say which name a part belongs to, and a reader gives them all to the primary
        # name: parts of aliases are left out. Positional parts (UN FIRST_NAME ...) say no role.
        if (name.kind is NameKind.PRIMARY or composed) and all(part.role in _PART_PROPS for part in name.parts):
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
    entry: ListEntry, target_id: str, doc: Document, props: _Props, notes: list[str], made: Container[str]
) -> dict[str, Any] | None:
    """Put a document on the target and, for persons and organisations, into its own entity."""
    kept = _kept_id(doc.origin, ("Passport", "Identification"))
    value = _document_value(doc.kind_raw or "", doc.number)
    if kept is None and doc.kind_raw in _IDENTIFIER_PROPS and props.allows(doc.kind_raw):
        # An FtM identifier property goes back where it came from, with no entity of its own.
        if not props.add(doc.kind_raw, value):
            notes.append(f"{doc.kind_raw}: {doc.number}")
        return None
    if kept is not None:
        schema, ident = kept
    else:
        schema = "Passport" if "passport" in doc.kind and props.schema == "Person" else "Identification"
        ident = _helper_id(target_id, schema, doc.kind, doc.number_normalized, _code(doc.country))
    if ident in made:
        return None  # the same document written another way ("96 05 123456", "9605 123456"): once is enough
    kind_words = doc.kind_raw or doc.kind.replace("_", " ")
    # The target's property is the one an import reads back from the helper entity, so that the
    # next export writes the same; without a helper (vessels, aircraft) the entry's own kind decides.
    kind = helper_document_kind(schema, kind_words) if props.schema in _LEGAL else doc.kind
    prop = _KIND_PROPS.get(kind, "idNumber")
    on_target = props.add(prop, _document_value(prop, doc.number))
    if props.schema not in _LEGAL:
        if not on_target:
            notes.append(f"{doc.kind_raw or doc.kind}: {doc.number}")
        return None
    helper = _Props(schema, ident, props.stats)
    if not helper.add("number", doc.number):
        # Not an identifier FtM accepts (a sentence, a number with its issue dates ...): the text is kept.
        if not on_target:
            notes.append(f"{doc.kind_raw or doc.kind}: {doc.number}")
        return None
    helper.add("holder", target_id)
    helper.add("type", kind_words)
    helper.add("country", _code(doc.country))
    helper.add("authority", doc.issued_by)
    helper.add("startDate", _iso_day(doc.issue_date))
    helper.add("endDate", _iso_day(doc.expiry_date))
    helper.add("summary", doc.note)
    _helper_extras(entry, doc.origin, helper)
    return _entity(helper, _datasets(entry), doc.number)


def _sanction(entry: ListEntry, target_id: str, designation: Designation, stats: ExportStats | None) -> dict[str, Any]:
    reference = designation.reference
    kept = _kept_id(designation.origin, ("Sanction",))
    if kept is not None:
        ident = kept[1]
    else:
        parts = (designation.authority, designation.programme, reference, str(designation.listed_on))
        ident = _helper_id(target_id, "Sanction", *parts)
    props = _Props("Sanction", ident, stats)
    props.add("entity", target_id)
    props.add("authority", designation.authority)
    props.add("program", designation.programme)
    if designation.listed_on is not None:
        props.add("listingDate", designation.listed_on.isoformat())
    un = reference is not None and _UN_REFERENCE.match(reference) is not None
    props.add("unscId" if un else "authorityId", reference)
    props.add("reason", designation.legal_basis)
    _helper_extras(entry, designation.origin, props)
    return _entity(props, _datasets(entry), designation.programme)


def _address(entry: ListEntry, target: _Props, address: Address, notes: list[str]) -> dict[str, Any] | None:
    """An address read from an FtM Address entity goes back into it; others are the ``address`` property."""
    kept = _kept_id(address.origin, ("Address",))
    if kept is None:
        if not target.add("address", address.text):
            notes.append(f"Address: {address.text}")  # longer than FtM allows: often several addresses in one
        return None
    helper = _Props("Address", kept[1], target.stats)
    if not helper.add("full", address.text):
        notes.append(f"Address: {address.text}")
    helper.add("street", address.street)
    helper.add("city", address.city)
    helper.add("region", address.region)
    helper.add("postalCode", address.postal_code)
    helper.add("country", _code(address.country))
    helper.add("remarks", address.note)
    target.add("addressEntity", kept[1])
    return _entity(helper, _datasets(entry), address.text)


def _link(entry: ListEntry, target_id: str, link: Link) -> tuple[dict[str, Any], tuple[str, str, str]] | None:
    """A relationship read from FtM, and the (id, schema, name) of its other party."""
    kept = _kept_id(link.origin, LINKS)
    prefix = f"{entry.list_id}:"
    if kept is None or link.target_key is None or not link.target_key.startswith(prefix):
        return None
    schema, ident = kept
    side_a, side_b, relation_a, relation_b, detail_prop = LINKS[schema]
    other_id = link.target_key.removeprefix(prefix)
    for own, other, relation in ((side_a, side_b, relation_a), (side_b, side_a, relation_b)):
        if link.relation == relation or link.relation.startswith(f"{relation} ("):
            detail = link.relation.removeprefix(relation).strip()[1:-1] or None
            props = _Props(schema, ident)
            props.add(own, target_id)
            props.add(other, other_id)
            props.add(detail_prop, detail)
            _helper_extras(entry, link.origin, props)
            if not props.values(other):
                return None
            party = props.proxy.schema.properties[other].range
            party_schema = party.name if party is not None and party.name in TARGET_KINDS else "LegalEntity"
            if party is not None and party.name == "Asset":
                party_schema = "Company"  # an owned asset that is a legal entity
            return _entity(props, _datasets(entry), schema), (other_id, party_schema, link.target_name)
    return None


def _helper_extras(entry: ListEntry, origin: str, props: _Props) -> None:
    """Helper properties an FtM import kept as ``<Schema>.<prop>`` attributes go back on the helper."""
    prefix = f"{props.schema}."
    for attribute in entry.attributes:
        if attribute.name.startswith(prefix) and attribute.origin.startswith(f"{origin}/"):
            props.add(attribute.name.removeprefix(prefix), attribute.value)


def _datasets(entry: ListEntry) -> list[str]:
    stated = [a.value for a in entry.attributes if a.name == "dataset" and a.origin == "datasets"]
    return list(dict.fromkeys(stated)) if stated else [entry.list_id]


def _entity(props: _Props, datasets: list[str], caption: str | None, target: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = props.proxy.to_dict()
    caption = " ".join(caption.split()) if caption else None  # as a reader cleans it
    data |= {"caption": caption or props.schema, "datasets": datasets, "referents": [], "target": target}
    return data


def _says_terrorism(designation: Designation) -> bool:
    """The designation itself names terrorism (its programme or legal basis), not only a category mapping:
    the Taliban, Afghanistan or FSE-SY programmes are filed under terrorism by categories.yml, but say
    nothing of it."""
    if designation.category != "terrorism":
        return False  # KZ's "terrorism and extremism" programme: an extremism entry is no terrorist
    stated = f"{designation.programme or ''} {designation.legal_basis or ''}"
    return designation.programme in _TERROR_PROGRAMMES or _TERROR_WORDS.search(stated) is not None


def _topics(entry: ListEntry, props: _Props) -> None:
    """Topics the source implies: listed under a designation is a sanction; terrorism only when it says so."""
    if _from_ftm(entry):
        return  # an FtM import keeps the topics it stated, with its other properties
    if entry.designations:
        props.add("topics", "sanction")
    if any(_says_terrorism(d) for d in entry.designations):
        props.add("topics", "crime.terror")


def _facts(entry: ListEntry, props: _Props, notes: list[str]) -> None:
    """Everything else of the target: gender, titles, remarks, attributes, topics."""
    if entry.gender:
        props.add("gender", entry.gender)
    for label, prop, values in (("Title", "title", entry.titles), ("Position", "position", entry.positions)):
        notes.extend(f"{label}: {value}" for value in values if not props.add(prop, value))
    notes[:0] = [remark.text for remark in entry.remarks]
    for day in sorted(set(entry.last_updated)):
        props.add("modifiedAt", day.isoformat())
    from_ftm = any(a.name == "schema" and a.origin == "schema" and a.value == props.schema for a in entry.attributes)
    for attribute in entry.attributes:
        name = attribute.name
        if from_ftm and attribute.origin.startswith(f"properties.{name}[") and name != "addressEntity":
            if not props.add(name, attribute.value):  # read from this same schema, but FtM refuses the value
                notes.append(f"{name}: {attribute.value}")
        elif name in _VESSEL_ATTRIBUTES:
            value = attribute.value
            if name == "Vess_flag":  # a country name in OFAC's file
                value = (country_code(value) or "").lower()
            props.add(_VESSEL_ATTRIBUTES[name], value)
    _topics(entry, props)


def _contacts(entry: ListEntry, props: _Props, notes: list[str]) -> None:
    """After the countries: FtM reads a phone number without a country code by the entity's countries."""
    for contact in entry.contacts:
        contact_prop = _CONTACT_PROPS.get(contact.kind)
        if contact_prop is None or not props.add(contact_prop, contact.value):
            notes.append(f"{contact.kind}: {contact.value}")


def _entities(entry: ListEntry, stats: ExportStats | None) -> tuple[list[dict[str, Any]], list[tuple[str, str, str]]]:
    target_id = entity_id(entry)
    props = _Props(_schema(entry), target_id, stats)
    notes: list[str] = []
    _names(entry, props, notes)
    _birth(entry, props, notes)
    _countries(entry, props, notes)
    _facts(entry, props, notes)
    _contacts(entry, props, notes)
    helpers: dict[str, dict[str, Any]] = {}
    for address in entry.addresses:
        made = _address(entry, props, address, notes)
        if made is not None:
            helpers.setdefault(str(made["id"]), made)
    for doc in entry.documents:
        if not doc.number:
            continue
        made = _document(entry, target_id, doc, props, notes, helpers)
        if made is not None:
            helpers.setdefault(str(made["id"]), made)
    for designation in entry.designations:
        made = _sanction(entry, target_id, designation, stats)
        helpers.setdefault(str(made["id"]), made)
    parties: list[tuple[str, str, str]] = []
    for link in entry.links:
        found = _link(entry, target_id, link)
        if found is not None:
            helpers.setdefault(str(found[0]["id"]), found[0])
            parties.append(found[1])
    for note in notes:
        props.add("notes", note)
    target = _entity(props, _datasets(entry), entry.caption, target=True)
    if _from_ftm(entry):  # read from FtM: keep the ids it merged and its first-seen dates
        target["referents"] = [a.value for a in entry.attributes if a.origin == "referent"]
        target |= {a.name: a.value for a in entry.attributes if a.name in _CONTEXT_FIELDS and a.origin == a.name}
    return [target, *helpers.values()], parties


def entry_to_ftm(entry: ListEntry, stats: ExportStats | None = None) -> list[dict[str, Any]]:
    """The target entity of an entry followed by its Address, Passport, Identification, Sanction and
    relationship entities."""
    return _entities(entry, stats)[0]


def _party(ident: str, schema: str, name: str, dataset: list[str]) -> dict[str, Any]:
    """A relationship's party that is not a target itself: its name, so that links keep it."""
    props = _Props(schema, ident)
    props.add("name", name)
    return _entity(props, dataset, name)


def _merge(into: dict[str, Any], other: dict[str, Any]) -> None:
    """One entity stated by several entries (a Sanction or Address shared by two targets): all its values."""
    for prop, values in other["properties"].items():
        kept = into["properties"].setdefault(prop, [])
        kept.extend(v for v in values if v not in kept)


def export_ftm(entries: Iterable[ListEntry], out: TextIO) -> ExportStats:
    """Write the entities of every entry as JSON lines, each entity once; parties of relationships that
    are not targets come last."""
    stats = ExportStats()
    # Kept until the end: an entity read from FtM may be shared by targets anywhere in the list.
    entities: dict[str, dict[str, Any]] = {}
    parties: dict[str, tuple[str, str, list[str]]] = {}
    for entry in entries:
        made, linked = _entities(entry, stats)
        for entity in made:
            if entity["id"] in entities:
                _merge(entities[entity["id"]], entity)
            else:
                entities[entity["id"]] = entity
        for ident, schema, name in linked:
            parties.setdefault(ident, (schema, name, made[0]["datasets"]))
    for ident, (schema, name, datasets) in parties.items():
        entities.setdefault(ident, _party(ident, schema, name, datasets))
    for entity in entities.values():
        out.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
    stats.entities = len(entities)
    return stats


def write_ftm(entries: Iterable[ListEntry], out: TextIO) -> int:
    """Write the entities of every entry as JSON lines; return how many lines were written."""
    return export_ftm(entries, out).entities
