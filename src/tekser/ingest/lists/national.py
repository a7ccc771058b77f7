"""National and internal lists (refused entry, internal watchlists): CSV or JSON → list entries.

The format is documented in ``docs/formats/national-list.md``: UTF-8 CSV with a header row,
JSON Lines, or a JSON array of objects, one record per person, organisation, vessel or
aircraft. Keys are ``<list>:<id>``; the list id comes from the caller or the ``list`` field.

Validation is field by field and collects every error of the file before refusing it with one
:class:`InvalidInput` whose :class:`FieldError` items name the file, the row (CSV, header =
row 1), line (JSON Lines) or item (JSON array), the record's id and the field. A file that
cannot be read at all (empty, not UTF-8, broken JSON array) is a :class:`SourceError`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tekser.domain.countries import country_code, is_known_country
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
    NameQuality,
    ParsedList,
    PartRole,
    Place,
    Remark,
)
from tekser.errors import FieldError, InvalidInput, SourceError
from tekser.ingest.lists.common import clean, document_kind, file_info, normalize_number
from tekser.ingest.lists.dates import parse_date
from tekser.names.scripts import detect_script

LIST_ID: str | None = None
READER = "national/1"

FIELDS = (
    "list", "id", "schema", "name", "given_name", "family_name", "patronymic", "aliases", "weak_aliases",
    "original_script_names", "birth_date", "birth_place", "nationality", "gender", "documents", "address",
    "programme", "category", "legal_basis", "authority", "listed_on", "review_date", "expires_on", "remarks",
)  # fmt: skip
PERSON_ONLY = ("given_name", "family_name", "patronymic", "birth_date", "birth_place", "gender")
SCHEMAS = {kind.value: kind for kind in EntityKind}
CATEGORIES = frozenset(
    {"terrorism", "extremism", "proliferation", "sanctions", "narcotics", "organised-crime", "cyber",
     "human-rights", "immigration", "public-order", "crime", "other"}
)  # fmt: skip
DOCUMENT_KINDS = frozenset(
    {"passport", "diplomatic_passport", "service_passport", "national_id", "iin", "tax_id", "residence_permit",
     "visa", "driving_licence", "birth_certificate", "military_id", "seaman_book", "registration", "imo", "other"}
)  # fmt: skip
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PARTIAL = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_SEPARATOR = re.compile(r"(?<!\\);")
_PLACE = re.compile(r" (?:row|line|item) (\d+)")
_NAME_PARTS = (("family_name", PartRole.FAMILY), ("given_name", PartRole.GIVEN), ("patronymic", PartRole.PATRONYMIC))


def sniff(path: Path) -> bool:
    """A CSV whose header names ``id`` and a name column, or JSON whose first record has them."""
    if not path.is_file():
        return False
    with path.open("rb") as handle:
        head = handle.read(4096).decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n")
    if head.startswith(("[", "{")):
        return '"id"' in head and any(f'"{n}"' in head for n in ("name", "family_name", "given_name"))
    columns = {c.strip().strip('"') for c in head.split("\n", 1)[0].split(",")}
    return "id" in columns and bool(columns & {"name", "family_name", "given_name"})


@dataclass(slots=True)
class _Raw:
    """One record before validation: where it is (``row 7``) and its values as written."""

    label: str
    values: dict[str, object]
    csv: bool


# --- loading ---------------------------------------------------------------------------------


def _text(path: Path) -> str:
    source = str(path)
    if not path.is_file() or path.stat().st_size == 0:
        raise SourceError(source, "the file is empty" if path.is_file() else "not a file")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceError(source, f"not UTF-8 text (byte {error.start})") from None
    if not text.strip():
        raise SourceError(source, "the file is empty")
    return text


def _csv_records(text: str, path: Path, errors: list[FieldError]) -> list[_Raw]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error as error:
        raise SourceError(str(path), f"not well-formed CSV near line {reader.line_num}: {error}") from None
    file = path.name
    header = [column.strip() for column in rows[0]]
    for index, column in enumerate(header):
        if column not in FIELDS:
            errors.append(FieldError(f"{file} header", column or f"column {index + 1}", "unknown column", column))
        elif header.index(column) != index:
            errors.append(FieldError(f"{file} header", column, "column appears twice"))
    records = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank row
        if len(row) > len(header):
            errors.append(
                FieldError(f"{file} row {number}", "(row)", f"{len(row)} cells, the header has {len(header)}")
            )
            continue
        values: dict[str, object] = {k: v for k, v in zip(header, row, strict=False) if k in FIELDS and v.strip()}
        records.append(_Raw(f"row {number}", values, csv=True))
    return records


def _json_records(text: str, path: Path, errors: list[FieldError]) -> list[_Raw]:
    items: list[tuple[str, object]] = []
    file = path.name
    if text.lstrip().startswith("["):
        try:
            loaded = json.loads(text)
        except (ValueError, RecursionError) as error:
            raise SourceError(str(path), f"not well-formed JSON: {error}") from None
        if not isinstance(loaded, list):
            raise SourceError(str(path), "a JSON file holds an array of records or one record per line")
        items = [(f"item {index}", item) for index, item in enumerate(loaded, start=1)]
    else:
        for number, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                try:
                    items.append((f"line {number}", json.loads(line)))
                except (ValueError, RecursionError) as error:
                    errors.append(FieldError(f"{file} line {number}", "(line)", f"not valid JSON: {error}"))
    records = []
    for label, item in items:
        if isinstance(item, dict):
            records.append(_Raw(label, {str(k): v for k, v in item.items() if v is not None}, csv=False))
        else:
            errors.append(FieldError(f"{file} {label}", "(record)", "a record must be a JSON object"))
    return records


# --- one record --------------------------------------------------------------------------------


class _Check:
    """Validates and converts the fields of one record, collecting its errors."""

    def __init__(self, file: str, raw: _Raw, errors: list[FieldError]) -> None:
        self.raw, self.errors = raw, errors
        ident = raw.values.get("id")
        self.record = f"{file} {raw.label}" + (
            f" (id {ident.strip()})" if isinstance(ident, str) and ident.strip() else ""
        )
        self.start = len(errors)
        self.bad: set[str] = set()  # fields with a wrong JSON type, already reported
        for key in raw.values:
            if key not in FIELDS and not raw.csv:
                self.fail(key, "unknown field")

    @property
    def ok(self) -> bool:
        return len(self.errors) == self.start

    def fail(self, field: str, message: str, value: object = None) -> None:
        shown = value if value is None or isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        self.errors.append(FieldError(self.record, field, message, shown))

    def at(self, field: str, index: int | None = None) -> str:
        return f"{self.raw.label}/{field}" + (f"[{index}]" if index is not None else "")

    def one(self, field: str) -> str | None:
        value = self.raw.values.get(field)
        if value is None or isinstance(value, str):
            return clean(value)
        self.bad.add(field)
        self.fail(field, "must be a string", value)
        return None

    def many(self, field: str) -> list[object]:
        """Values of a multi-valued field: ``;``-separated in CSV (``\\;`` escapes), an array in JSON."""
        value = self.raw.values.get(field)
        if value is None:
            return []
        if isinstance(value, str):
            items = [v.replace("\\;", ";") for v in _SEPARATOR.split(value)] if self.raw.csv else [value]
            return [text for item in items if (text := clean(item))]
        if isinstance(value, list):
            items = [clean(v) if isinstance(v, str) else v for v in value]
            return [v for v in items if v is not None]
        self.fail(field, "must be a string or an array", value)
        return []

    def strings(self, field: str) -> list[tuple[int, str]]:
        found = []
        for index, item in enumerate(self.many(field), start=1):
            if isinstance(item, str):
                found.append((index, item))
            else:
                self.fail(field, f"value {index} must be a string", item)
        return found

    def country(self, field: str, text: str) -> Country | None:
        code = country_code(text)
        if code is None and not is_known_country(text):
            self.fail(field, "unknown country (use an ISO 3166 code or English name)", text)
            return None
        return Country(name=text, code=code)

    def day(self, field: str) -> date | None:
        text = self.one(field)
        if text is None:
            return None
        try:
            if _DAY.match(text):
                return date.fromisoformat(text)
        except ValueError:
            pass
        self.fail(field, "not a date: write YYYY-MM-DD", text)
        return None


def _fuzzy(text: str, origin: str) -> FuzzyDate | str:
    """``1985-03-02``, ``1985-03``, ``1985``, ``1960..1965``, ``~1970``; a message when invalid."""
    approximate = text.startswith("~")
    first, separator, last = text.removeprefix("~").partition("..")
    bounds = []
    for part in (first, last) if separator else (first,):
        parsed = parse_date(part.strip()) if _PARTIAL.match(part.strip()) else None
        if parsed is None or parsed.start is None or parsed.end is None:
            return "not a date: write YYYY, YYYY-MM, YYYY-MM-DD, a range YYYY..YYYY or ~YYYY"
        bounds.append((parsed.start, parsed.end, parsed.precision))
    if bounds[0][0] > bounds[-1][1]:
        return "the range starts after it ends"
    precision = DatePrecision.RANGE if separator else bounds[0][2]
    return FuzzyDate(bounds[0][0], bounds[-1][1], precision, text, approximate=approximate, origin=origin)


def _trailing_country(text: str) -> Country | None:
    """``Almaty, Kazakhstan`` → Kazakhstan (KZ) when the last part is a known country."""
    last = text.rsplit(",", 1)[-1].strip()
    code = country_code(last)
    return Country(name=last, code=code) if code else None


def _names(check: _Check) -> list[Name]:
    name, origin = check.one("name"), check.at("name")
    parts = tuple(NamePart(role, value) for field, role in _NAME_PARTS if (value := check.one(field)))
    if name is None and parts:
        # family name first, as in a passport's machine-readable zone
        name, origin = " ".join(p.value for p in parts), check.at("family_name+given_name+patronymic")
    if name is None:
        if not check.bad & {"name", "family_name", "given_name", "patronymic"}:
            check.fail("name", "required: give name, or family_name and given_name")
        return []
    names = [Name(name, parts=parts, script=detect_script(name), origin=origin)]
    for field, kind_, quality, original in (
        ("aliases", NameKind.ALIAS, NameQuality.STRONG, False),
        ("weak_aliases", NameKind.ALIAS, NameQuality.WEAK, False),
        ("original_script_names", NameKind.PRIMARY, NameQuality.STRONG, True),
    ):
        for index, text in check.strings(field):
            script = detect_script(text)
            names.append(
                Name(text, kind_, quality, script=script, original_script=original, origin=check.at(field, index))
            )
    return names


def _document(check: _Check, index: int, item: object) -> Document | None:
    if isinstance(item, str):
        pieces = [p.strip() for p in item.split(":")]
        if len(pieces) not in (2, 3):
            check.fail("documents", "write type:number or type:number:country", item)
            return None
        fields: dict[str, object] = dict(zip(("type", "number", "country"), pieces, strict=False))
    elif isinstance(item, dict):
        fields = item
        if unknown := set(fields) - {"type", "number", "country", "note"}:
            check.fail("documents", f"unknown document keys: {', '.join(sorted(unknown))}", item)
    else:
        check.fail("documents", "a document is a string or an object", item)
        return None
    kind_raw, number, issuer, note = (fields.get(k) for k in ("type", "number", "country", "note"))
    if not (isinstance(kind_raw, str) and kind_raw and isinstance(number, str) and number):
        check.fail("documents", "a document needs a type and a number", item)
        return None
    issuing = check.country("documents", issuer) if isinstance(issuer, str) and issuer else None
    slug = kind_raw.strip().lower().replace(" ", "_")
    kind = slug if slug in DOCUMENT_KINDS else document_kind(kind_raw)
    text_note = note if isinstance(note, str) else None
    if kind == "iin" and (problems := iin_facts(normalize_number(number))[2]):
        # kept, like the AFM reader does: a wrong IIN is still evidence
        text_note = "; ".join(filter(None, [text_note, f"invalid IIN: {'; '.join(problems)}"]))
    return Document(
        kind, number, normalize_number(number), kind_raw, issuing, note=text_note, origin=check.at("documents", index)
    )


def _entry(check: _Check, list_id: str, seen: dict[str, str]) -> ListEntry | None:
    """Validate one record; its entry, or None when any field is wrong (errors collected)."""
    source_id = check.one("id")
    if source_id is None:
        if "id" not in check.bad:
            check.fail("id", "required")
    elif not _ID.match(source_id):
        check.fail("id", "letters, digits and . _ : / - only, at most 100 characters", source_id)
    elif source_id in seen:
        check.fail("id", f"duplicate id, first used in {seen[source_id]}", source_id)
    else:
        seen[source_id] = check.raw.label
    schema = (check.one("schema") or "person").lower()
    kind = SCHEMAS.get(schema, EntityKind.PERSON)
    if schema not in SCHEMAS:
        check.fail("schema", f"unknown schema: use {', '.join(SCHEMAS)}", schema)
    elif kind is not EntityKind.PERSON:
        for field in PERSON_ONLY:
            if check.raw.values.get(field):
                check.fail(field, f"only for schema person, not {schema}")
    names = _names(check)
    gender = check.one("gender")
    if gender is not None and gender.lower() not in ("male", "female"):
        check.fail("gender", "male or female", gender)
    births: list[FuzzyDate] = []
    for index, text in check.strings("birth_date"):
        parsed = _fuzzy(text, check.at("birth_date", index))
        if isinstance(parsed, FuzzyDate):
            births.append(parsed)
        else:
            check.fail("birth_date", parsed, text)
    nationalities = [c for _, text in check.strings("nationality") if (c := check.country("nationality", text))]
    documents = [d for i, item in enumerate(check.many("documents"), start=1) if (d := _document(check, i, item))]
    places = [
        Place(t, country=_trailing_country(t), origin=check.at("birth_place", i))
        for i, t in check.strings("birth_place")
    ]
    addresses = [
        Address(t, country=_trailing_country(t), origin=check.at("address", i)) for i, t in check.strings("address")
    ]
    category = check.one("category")
    if category is not None and category not in CATEGORIES:
        check.fail("category", f"unknown category: use {', '.join(sorted(CATEGORIES))}", category)
    listed_on, review, expires = check.day("listed_on"), check.day("review_date"), check.day("expires_on")
    if listed_on and expires and expires < listed_on:
        check.fail("expires_on", f"before listed_on {listed_on}", str(expires))
    texts = {f: check.one(f) for f in ("programme", "legal_basis", "authority", "remarks")}
    if not check.ok or source_id is None:
        return None
    designation = Designation(
        authority=texts["authority"] or list_id,
        programme=texts["programme"],
        category=category,
        listed_on=listed_on,
        reference=source_id,
        legal_basis=texts["legal_basis"],
        origin=check.raw.label,
    )
    dates = (("review_date", review), ("expires_on", expires))
    return ListEntry(
        key=f"{list_id}:{source_id}",
        list_id=list_id,
        source_id=source_id,
        kind=kind,
        names=tuple(names),
        gender=gender.lower() if gender else None,
        birth_dates=tuple(births),
        birth_places=tuple(places),
        nationalities=tuple(nationalities),
        documents=tuple(documents),
        addresses=tuple(addresses),
        designations=(designation,),
        attributes=tuple(Attribute(name, value.isoformat(), check.at(name)) for name, value in dates if value),
        remarks=(Remark(texts["remarks"], check.at("remarks")),) if texts["remarks"] else (),
    )


# --- file level ------------------------------------------------------------------------------


def _list_id(raws: list[_Raw], requested: str | None, file: str, errors: list[FieldError]) -> str | None:
    """The list id from the caller or the ``list`` field; rows that disagree are errors."""
    if requested is not None and not _SLUG.match(requested):
        errors.append(FieldError(file, "list", "a list id is a lowercase slug (a-z, 0-9, _ and -)", requested))
        return None
    chosen, first = requested, "the command line"
    for raw in raws:
        value = raw.values.get("list")
        text = clean(value) if isinstance(value, str) else None
        record = f"{file} {raw.label}"
        if value is not None and not isinstance(value, str):
            errors.append(FieldError(record, "list", "must be a string", json.dumps(value)))
        elif text is not None and not _SLUG.match(text):
            errors.append(FieldError(record, "list", "a list id is a lowercase slug (a-z, 0-9, _ and -)", text))
        elif text is not None and chosen is None:
            chosen, first = text, raw.label
        elif text is not None and text != chosen:
            errors.append(FieldError(record, "list", f"differs from {chosen!r} given in {first}", text))
    if chosen is None:
        errors.append(FieldError(file, "list", "no list id: give a list column or pass the list id"))
    return chosen


def _position(error: FieldError) -> int:
    found = _PLACE.search(error.record)
    return int(found.group(1)) if found else 0


def read(path: Path, list_id: str | None = None) -> ParsedList:
    """Read a national list file; InvalidInput with every field error when any record is wrong."""
    text = _text(path)
    file = path.name
    errors: list[FieldError] = []
    is_json = text.lstrip().startswith(("[", "{"))
    raws = _json_records(text, path, errors) if is_json else _csv_records(text, path, errors)
    if not raws and not errors:
        raise SourceError(str(path), "no records: refusing an empty list")
    chosen = _list_id(raws, list_id, file, errors)
    seen: dict[str, str] = {}
    entries = [entry for raw in raws if (entry := _entry(_Check(file, raw, errors), chosen or "", seen))]
    if errors or chosen is None:
        errors.sort(key=_position)  # file order; stable, so a record's fields keep theirs
        count = f"{len(errors)} error" + ("s" if len(errors) > 1 else "")
        raise InvalidInput(f"{file}: {count}, nothing loaded", errors=errors)
    warnings = [
        f"{entry.key}: expired on {attribute.value}"
        for entry in entries
        for attribute in entry.attributes
        if attribute.name == "expires_on" and attribute.value < date.today().isoformat()
    ]
    return ParsedList(list_id=chosen, reader=READER, entries=entries, files=[file_info(path)], warnings=warnings)
