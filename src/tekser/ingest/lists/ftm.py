"""FollowTheMoney entity JSON lines (OpenSanctions exports) → list entries.

One entity per line: ``{"id", "schema", "properties": {prop: [str, ...]}, "datasets", "target", ...}``.
Entities of the target schemas (Person, Organization, Company, LegalEntity, PublicBody, Vessel,
Airplane) become entries keyed ``<list>:<entity id>``; helper entities are joined onto them by
reference: Sanction → designations, Passport/Identification → documents, Address → addresses,
Ownership/Family/Associate/UnknownLink/Directorship → links. Property values keep their origin
as a JSON path with 0-based indices (``properties.alias[1]``); joined values cite the helper
(``Sanction:<id>/program``). Properties tekser has no field for become attributes, so nothing
stated is lost. Entities flagged ``"target": false`` (relatives, owners) name link targets only.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tekser.domain.countries import country
from tekser.domain.watchlists import (
    Address,
    Attribute,
    Contact,
    Designation,
    Document,
    EntityKind,
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
from tekser.ingest.lists.common import category_for, clean, document_kind, file_info, normalize_number
from tekser.ingest.lists.dates import parse_date, parse_iso_date
from tekser.names.scripts import detect_script

LIST_ID = "ftm"
READER = "ftm-jsonl/1"

_ORG = EntityKind.ORGANIZATION
TARGET_KINDS = {"Person": EntityKind.PERSON, "Vessel": EntityKind.VESSEL, "Airplane": EntityKind.AIRCRAFT}
TARGET_KINDS |= dict.fromkeys(("Organization", "Company", "LegalEntity", "PublicBody"), _ORG)
# Relationship schema: (side A, side B, A's relation to B, B's relation to A, property detailing it).
LINKS = {
    "Ownership": ("owner", "asset", "owner of", "owned by", "role"),
    "Directorship": ("director", "organization", "director of", "directed by", "role"),
    "Family": ("person", "relative", "relative", "relative of", "relationship"),
    "Associate": ("person", "associate", "associate", "associate of", "relationship"),
    "UnknownLink": ("subject", "object", "linked to", "linked from", "role"),
}
DOCUMENT_SCHEMAS = ("Passport", "Identification")
HELPERS = frozenset({"Sanction", "Address", *DOCUMENT_SCHEMAS, *LINKS})

_STRONG, _WEAK = NameQuality.STRONG, NameQuality.WEAK
_NAMES = {"name": (NameKind.PRIMARY, _STRONG), "alias": (NameKind.ALIAS, _STRONG), "weakAlias": (NameKind.ALIAS, _WEAK)}
_NAMES |= {"abbreviation": (NameKind.ALIAS, _STRONG), "previousName": (NameKind.FORMER, _STRONG)}
_PARTS = {"firstName": PartRole.GIVEN, "secondName": PartRole.SECOND, "middleName": PartRole.MIDDLE}
_PARTS |= {"fatherName": PartRole.PATRONYMIC, "motherName": PartRole.MATRONYMIC}
_PARTS |= {"lastName": PartRole.FAMILY, "nameSuffix": PartRole.SUFFIX}
_PART_ORDER = tuple(_PARTS.values())
# Identifier properties of the target → tekser document kinds.
IDENTIFIERS = {"passportNumber": "passport", "idNumber": "national_id", "socialSecurityNumber": "ssn"}
IDENTIFIERS |= dict.fromkeys(("taxNumber", "innCode", "vatCode"), "tax_id")
IDENTIFIERS |= dict.fromkeys(("registrationNumber", "ogrnCode", "swiftBic", "leiCode"), "registration")
IDENTIFIERS |= {"imoNumber": "imo", "mmsi": "mmsi"}
_CONTACTS = {"email": "email", "phone": "phone", "website": "website"}
_TOPIC_CATEGORIES = (("crime.terror", "terrorism"), ("sanction", "sanctions"))
_SNIFF_LIMIT = 4 << 20


@dataclass(frozen=True, slots=True)
class _Entity:
    id: str
    line: int
    schema: str
    props: dict[str, list[str]]
    datasets: tuple[str, ...]
    target: bool
    caption: str | None
    meta: tuple[tuple[str, str], ...]  # referents and stable top-level fields, as (name, value)

    def first(self, prop: str) -> str | None:
        return next((v for raw in self.props.get(prop, ()) if (v := clean(raw))), None)


def helper_document_kind(schema: str, type_raw: str | None) -> str:
    """The document kind a Passport or Identification entity stands for, from its ``type`` words."""
    kind = document_kind(type_raw)
    if kind == "other" and (schema == "Passport" or not type_raw):
        kind = "passport" if schema == "Passport" else "national_id"
    return kind


def sniff(path: Path) -> bool:
    """A .json/.jsonl file whose first non-empty line is an object with schema and properties."""
    if not path.is_file() or not path.name.lower().endswith((".json", ".jsonl")):
        return False
    try:
        with path.open("rb") as handle:
            line = handle.readline(_SNIFF_LIMIT)
            while line and not line.strip():
                line = handle.readline(_SNIFF_LIMIT)
        data = json.loads(line)
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(data, dict) and "schema" in data and isinstance(data.get("properties"), dict)


def _string_list(value: object, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{what} is not a list of strings")
    return value


def _parse(raw: bytes, line: int) -> _Entity | None:
    """One line → an entity; None for a schema tekser does not use. ValueError says what is wrong."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValueError("not valid UTF-8") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"not valid JSON ({error.msg}, column {error.colno}): truncated or corrupt") from None
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    entity_id, schema, target = data.get("id"), data.get("schema"), data.get("target", True)
    if not isinstance(entity_id, str) or not entity_id.strip():
        raise ValueError("the entity has no id")
    if not isinstance(schema, str) or not schema:
        raise ValueError(f"entity {entity_id}: no schema")
    if not isinstance(target, bool):
        raise ValueError(f"entity {entity_id}: target is not true or false")
    if schema not in TARGET_KINDS and schema not in HELPERS:
        if target and "target" in data:
            raise ValueError(f"entity {entity_id}: unknown schema {schema!r} for a target")
        return None
    props = data.get("properties")
    if not isinstance(props, dict):
        raise ValueError(f"entity {entity_id}: properties is not an object")
    for prop, values in props.items():
        _string_list(values, f"entity {entity_id}: properties.{prop}")
    caption = data.get("caption")
    meta = [("referent", r) for r in _string_list(data.get("referents", []), "referents")]
    # last_seen changes with every export run: keeping it would make every version look new.
    for field_name in ("caption", "first_seen", "last_change"):
        value = data.get(field_name)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"entity {entity_id}: {field_name} is not a string")
        if value and field_name != "caption":
            meta.append((field_name, value))
    datasets = tuple(_string_list(data.get("datasets", []), f"entity {entity_id}: datasets"))
    caption = clean(caption) if isinstance(caption, str) else None
    return _Entity(entity_id.strip(), line, schema, props, datasets, target, caption, tuple(meta))


def _load(path: Path) -> tuple[list[_Entity], Counter[str]]:
    """Every usable entity of the file, in file order; refuses the file at the first bad line."""
    source = str(path)
    entities: list[_Entity] = []
    skipped: Counter[str] = Counter()
    first_line: dict[str, int] = {}
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                entity = _parse(raw, number)
            except ValueError as error:
                raise SourceError(source, f"line {number}: {error}") from None
            if entity is None:
                skipped["unsupported schema"] += 1
                continue
            if entity.id in first_line:
                raise SourceError(
                    source, f"line {number}: id {entity.id} appears twice (first on line {first_line[entity.id]})"
                )
            first_line[entity.id] = number
            entities.append(entity)
    if not entities and not skipped:
        raise SourceError(source, "the file is empty")
    return entities, skipped


def _caption(entity: _Entity) -> str:
    return entity.caption or entity.first("name") or entity.id


def _name(full: str, origin: str, **fields: Any) -> Name:
    """A name with its script; any script but Latin is the name in its original script."""
    script = detect_script(full)
    return Name(full=full, script=script, original_script=script not in (None, "Latn"), origin=origin, **fields)


def _tokens(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))


class _Builder:
    """Collects the facts of one target entity and of the helpers that refer to it."""

    def __init__(self, entity: _Entity, list_id: str, captions: dict[str, str]) -> None:
        self.entity, self.list_id, self.captions = entity, list_id, captions
        self.names: list[Name] = []
        self.parts: list[tuple[PartRole, str, str]] = []
        self.facts: dict[str, list[Any]] = {}
        self.gender: str | None = None
        self.topics = set(entity.props.get("topics", ()))
        self.handlers: dict[str, Callable[[str, str, str], None]] = {
            **dict.fromkeys(_NAMES, self._name),
            **dict.fromkeys(_PARTS, self._part),
            **dict.fromkeys(IDENTIFIERS, self._identifier),
            **dict.fromkeys(_CONTACTS, self._contact),
            "birthDate": self._birth_date,
            "birthPlace": lambda _, v, o: self._add("birth_places", Place(text=v, origin=o)),
            "birthCountry": lambda _, v, o: self._add("birth_places", Place(text=v, country=country(v), origin=o)),
            "nationality": lambda _, v, o: self._add("nationalities", country(v)),
            "citizenship": lambda _, v, o: self._add("citizenships", country(v)),
            "gender": self._gender,
            "title": lambda _, v, o: self._add("titles", v),
            "position": lambda _, v, o: self._add("positions", v),
            "notes": lambda _, v, o: self._add("remarks", Remark(v, o)),
            "address": lambda _, v, o: self._add("addresses", Address(text=v, origin=o)),
            "modifiedAt": self._modified,
        }

    def _add(self, field_name: str, value: object) -> None:
        if value is not None:
            self.facts.setdefault(field_name, []).append(value)

    def _attribute(self, name: str, value: str, origin: str) -> None:
        self._add("attributes", Attribute(name=name, value=value, origin=origin))

    def _name(self, prop: str, value: str, origin: str) -> None:
        kind, quality = _NAMES[prop]
        self.names.append(_name(value, origin, kind=kind, quality=quality, source_quality=prop))

    def _part(self, prop: str, value: str, origin: str) -> None:
        self.parts.append((_PARTS[prop], value, origin))

    def _birth_date(self, prop: str, value: str, origin: str) -> None:
        self._add("birth_dates", parse_date(value.split("T", 1)[0], origin=origin))

    def _gender(self, prop: str, value: str, origin: str) -> None:
        if value.lower() in ("male", "female") and self.gender is None:
            self.gender = value.lower()
        else:
            self._attribute(prop, value, origin)

    def _identifier(self, prop: str, value: str, origin: str) -> None:
        kind = IDENTIFIERS[prop]
        self._add("documents", Document(kind, value, normalize_number(value), kind_raw=prop, origin=origin))

    def _contact(self, prop: str, value: str, origin: str) -> None:
        self._add("contacts", Contact(kind=_CONTACTS[prop], value=value, origin=origin))

    def _modified(self, prop: str, value: str, origin: str) -> None:
        day = parse_iso_date(value)
        if day is None:
            self._attribute(prop, value, origin)
        else:
            self._add("last_updated", day)

    def properties(self) -> None:
        # Names first, primary name first, whatever the key order of the file (exports often sort keys).
        ranks = {prop: rank for rank, prop in enumerate(_NAMES)}
        for prop, values in sorted(self.entity.props.items(), key=lambda item: ranks.get(item[0], len(ranks))):
            handler = self.handlers.get(prop)
            for index, raw in enumerate(values):
                value = clean(raw)
                if value is None or prop == "addressEntity":
                    continue  # addressEntity is a reference, joined by the reader
                origin = f"properties.{prop}[{index}]"
                if handler is None:
                    self._attribute(prop, value, origin)
                else:
                    handler(prop, value, origin)
        for name, value in self.entity.meta:
            self._attribute(name, value, name)
        for dataset in self.entity.datasets:
            self._attribute("dataset", dataset, "datasets")
        self._attribute("schema", self.entity.schema, "schema")

    def attach_parts(self) -> None:
        """Give each primary name the parts it contains; compose a name from parts no name holds."""
        used: set[int] = set()
        for position, name in enumerate(self.names):
            if name.kind is not NameKind.PRIMARY:
                continue
            tokens = _tokens(name.full)
            own = [i for i, (_, value, _) in enumerate(self.parts) if _tokens(value) and _tokens(value) <= tokens]
            if own:
                parts = tuple(NamePart(self.parts[i][0], self.parts[i][1]) for i in own)
                self.names[position] = replace(name, parts=parts)
                used.update(own)
        if len(used) == len(self.parts):
            return
        first: dict[PartRole, tuple[str, str]] = {}
        for role, value, origin in self.parts:
            first.setdefault(role, (value, origin))
        parts = tuple(NamePart(role, first[role][0]) for role in _PART_ORDER if role in first)
        full = " ".join(part.value for part in parts)
        if full.casefold() in {n.full.casefold() for n in self.names}:
            return
        origin = "+".join(first[part.role][1] for part in parts)
        self.names.append(_name(full, origin, parts=parts, note="composed from name parts"))

    def sanction(self, helper: _Entity) -> None:
        origin = f"Sanction:{helper.id}"
        programme = helper.first("program") or helper.first("programId")
        authority = helper.first("authority") or helper.first("publisher")
        reasons = [v for raw in helper.props.get("reason", ()) if (v := clean(raw))]
        authority = authority or next(iter(helper.datasets), self.list_id)
        listed_on = parse_iso_date(helper.first("listingDate") or helper.first("startDate"))
        reference = helper.first("unscId") or helper.first("authorityId") or helper.first("programId")
        category, legal_basis = self._category(programme), reasons[0] if reasons else None
        self._add(
            "designations", Designation(authority, programme, category, listed_on, reference, legal_basis, origin)
        )
        for extra in reasons[1:]:
            self._add("remarks", Remark(extra, f"{origin}/reason"))
        used = {"entity", "authority", "program", "programId", "unscId", "authorityId", "listingDate", "reason"}
        self._extras(helper, used)

    def _category(self, programme: str | None) -> str | None:
        found = category_for(self.list_id, programme)
        return found or next((c for topic, c in _TOPIC_CATEGORIES if topic in self.topics), None)

    def document(self, helper: _Entity) -> None:
        origin = f"{helper.schema}:{helper.id}"
        type_raw = helper.first("type")
        kind = helper_document_kind(helper.schema, type_raw)
        numbers = [v for p in ("number", "passportNumber") for raw in helper.props.get(p, ()) if (v := clean(raw))]
        where, issuer = country(helper.first("country")), helper.first("authority")
        for number in dict.fromkeys(numbers):
            dates = helper.first("startDate"), helper.first("endDate")
            note = helper.first("summary") or helper.first("description")
            found = Document(kind, number, normalize_number(number), type_raw, where, *dates, issuer, note, origin)
            self._add("documents", found)
        used = {"holder", "number", "passportNumber", "type", "country", "startDate", "endDate", "authority"}
        self._extras(helper, used | {"summary", "description"})

    def address(self, helper: _Entity) -> None:
        first = helper.first
        street, city = first("street"), first("city")
        region, postal = first("region") or first("state"), first("postalCode")
        where = country(first("country"))
        parts = (street, city, region, postal, where.name if where else None)
        text = first("full") or ", ".join(v for v in parts if v) or helper.caption
        if text:
            self._add(
                "addresses",
                Address(text, street, city, region, postal, where, first("remarks"), f"Address:{helper.id}"),
            )

    def join_addresses(self, entities: dict[str, _Entity]) -> int:
        """Join the Address entities named by ``addressEntity``; return how many are missing."""
        missing = 0
        for index, ref in enumerate(self.entity.props.get("addressEntity", ())):
            found = entities.get(ref)
            if found is not None and found.schema == "Address":
                self.address(found)
            else:
                self._attribute("addressEntity", ref, f"properties.addressEntity[{index}]")
                missing += 1
        return missing

    def link(self, helper: _Entity) -> None:
        side_a, side_b, relation_a, relation_b, detail_prop = LINKS[helper.schema]
        detail = helper.first(detail_prop)
        for own, other, relation in ((side_a, side_b, relation_a), (side_b, side_a, relation_b)):
            if self.entity.id not in helper.props.get(own, ()):
                continue
            relation = f"{relation} ({detail})" if detail else relation
            for other_id in helper.props.get(other, ()):
                name, key = self.captions.get(other_id, other_id), f"{self.list_id}:{other_id}"
                self._add("links", Link(relation, name, key, f"{helper.schema}:{helper.id}"))
        self._extras(helper, {side_a, side_b, detail_prop})

    def _extras(self, helper: _Entity, used: set[str]) -> None:
        """Helper properties with no field of their own, kept as attributes ``<Schema>.<prop>``."""
        for prop, values in helper.props.items():
            if prop not in used:
                for value in filter(None, map(clean, values)):
                    self._attribute(f"{helper.schema}.{prop}", value, f"{helper.schema}:{helper.id}/{prop}")

    def build(self) -> ListEntry:
        entity, facts = self.entity, self.facts
        self.attach_parts()
        if not self.names and entity.caption:
            self._name("name", entity.caption, "caption")
        if not self.names:
            raise ValueError(f"line {entity.line}: entity {entity.id} has no name")
        fields: dict[str, Any] = {name: tuple(values) for name, values in facts.items()}
        fields["documents"] = _unique_documents(facts.get("documents", []))
        fields["addresses"] = _unique_addresses(facts.get("addresses", []))
        return ListEntry(
            key=f"{self.list_id}:{entity.id}",
            list_id=self.list_id,
            source_id=entity.id,
            kind=TARGET_KINDS[entity.schema],
            names=tuple(self.names),
            gender=self.gender,
            **fields,
        )


def _unique_documents(documents: list[Document]) -> tuple[Document, ...]:
    """Drop a ``passportNumber``-style property when a Passport/Identification entity states it too."""
    joined = {d.number_normalized for d in documents if not d.origin.startswith("properties.")}
    return tuple(d for d in documents if not d.origin.startswith("properties.") or d.number_normalized not in joined)


def _unique_addresses(addresses: list[Address]) -> tuple[Address, ...]:
    """Drop a plain ``address`` string when an Address entity has the same text (OpenSanctions repeats it)."""
    joined = {a.text.casefold() for a in addresses if not a.origin.startswith("properties.")}
    return tuple(a for a in addresses if not a.origin.startswith("properties.") or a.text.casefold() not in joined)


def _join(builders: dict[str, _Builder], helpers: list[_Entity], entities: dict[str, _Entity]) -> Counter[str]:
    """Attach every helper to the targets it refers to; count what refers to nothing usable."""
    unjoined: Counter[str] = Counter()
    for helper in helpers:
        if helper.schema == "Address":
            continue  # joined from the target's addressEntity below
        props: tuple[str, ...] = ("entity",) if helper.schema == "Sanction" else ("holder",)
        if helper.schema in LINKS:
            props = LINKS[helper.schema][:2]
        targets = [builders[i] for p in props for i in dict.fromkeys(helper.props.get(p, ())) if i in builders]
        if not targets:
            unjoined[f"{helper.schema} entities refer to no target entity"] += 1
        for builder in targets:
            if helper.schema == "Sanction":
                builder.sanction(helper)
            elif helper.schema in LINKS:
                builder.link(helper)
            else:
                builder.document(helper)
    for builder in builders.values():
        unjoined["addressEntity references find no Address entity"] += builder.join_addresses(entities)
    return +unjoined


def read(path: Path, list_id: str | None = None) -> ParsedList:
    """Read an FtM entity JSON lines file; refuse it (SourceError) at the first bad line."""
    list_id = list_id or LIST_ID
    source = str(path)
    entities, skipped = _load(path)
    by_id = {entity.id: entity for entity in entities}
    captions = {entity.id: _caption(entity) for entity in entities}
    builders: dict[str, _Builder] = {}
    for entity in entities:
        if entity.schema in TARGET_KINDS and entity.target:
            builders[entity.id] = _Builder(entity, list_id, captions)
        elif entity.schema in TARGET_KINDS:
            skipped[f"non-target {entity.schema}"] += 1
    if not builders:
        raise SourceError(source, "no target entity (Person, Organization, Vessel ...) in the file")
    for builder in builders.values():
        builder.properties()
    unjoined = _join(builders, [e for e in entities if e.schema in HELPERS], by_id)
    entries: list[ListEntry] = []
    for builder in builders.values():
        try:
            entries.append(builder.build())
        except ValueError as error:
            raise SourceError(source, str(error)) from None
    warnings = [f"{count} {what} entities skipped" for what, count in sorted(skipped.items())]
    warnings += [f"{count} {what}" for what, count in sorted(unjoined.items())]
    return ParsedList(list_id=list_id, reader=READER, entries=entries, files=[file_info(path)], warnings=warnings)
