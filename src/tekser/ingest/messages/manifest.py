"""tekser's own manifest (``manifest/1``) for carriers that send no EDIFACT: rail, sea, road, charter air.

The format is documented in ``docs/formats/manifest.md``. Three forms, one traveller per record:

- CSV (UTF-8, header row): the journey columns repeated on every row, then the traveller columns;
- a JSON object ``{"journey": {...}, "travellers": [{...}, ...]}`` (one journey);
- JSON Lines: one flat object per line with the journey and the traveller fields (like a CSV row).

Rows that describe different journeys become several legs; the travellers are grouped by journey
(journeys in order of first appearance, travellers in file order within each).

Unlike the EDIFACT parsers, which read what airlines send as leniently as they can, this reader is
strict: the format is ours and the sender can fix the file. Every field is validated, every
problem is collected, and one :class:`~tekser.errors.MessageError` lists them all (``segment`` is
the row/line/traveller number of the first problem, ``element`` its field; ``errors`` holds one
:class:`~tekser.errors.FieldError` per problem). Facts that are valid but worth telling (an
expired document, the same traveller twice on one journey) are :class:`Finding` objects.

The format has no free-text field and refuses unknown columns, so no sensitive free text (health,
religion, meals) can reach the model through it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from tekser.domain.countries import country_code
from tekser.domain.travel import (
    Contact,
    Finding,
    Leg,
    MessageKind,
    TravelDocument,
    Traveller,
    TravellerRole,
    TravelMessage,
)
from tekser.errors import FieldError, MessageError, excerpt, quoted
from tekser.ingest.messages.sensitive import SensitiveFilter
from tekser.ingest.messages.values import MAX_FINDINGS, PLACEHOLDERS
from tekser.ingest.messages.values import seat as air_seat

__all__ = ["FIELDS", "FORMAT", "JOURNEY_FIELDS", "TRAVELLER_FIELDS", "looks_like_manifest", "parse_manifest"]

FORMAT = "manifest/1"
JOURNEY_FIELDS = (
    "carrier", "service", "mode", "departure_place", "departure_time", "arrival_place", "arrival_time",
)  # fmt: skip
TRAVELLER_FIELDS = (
    "role", "surname", "given_names", "gender", "birth_date", "nationality", "document_type", "document_number",
    "document_country", "document_expiry", "booking_reference", "seat", "email", "phone",
)  # fmt: skip
FIELDS = JOURNEY_FIELDS + TRAVELLER_FIELDS
REQUIRED_JOURNEY = ("carrier", "service", "mode", "departure_place", "departure_time", "arrival_place")
MODES = ("air", "rail", "sea", "road")
ROLES = {role.value: role for role in TravellerRole}
GENDERS = frozenset({"M", "F", "U", "X"})
COUNTRY_FIELDS = frozenset({"nationality", "document_country"})
# ICAO Doc 9303 codes that are not ISO 3166 countries; D and RKS are written as their ISO codes.
SPECIAL_COUNTRIES = {"D": "DE", "RKS": "XK", "XK": "XK"} | {
    code: code for code in ("XXA", "XXB", "XXC", "XXX", "UNO", "UNA", "UNK", "XOM", "XPO", "XES", "XCC", "EUE")
}
MAX_SHOWN = 20  # problems spelled out in the error text; ``errors`` holds them all
EARLIEST_BIRTH = date(1900, 1, 1)
CLOCK_SKEW = timedelta(hours=26)  # the widest gap between two local times: UTC-12 to UTC+14

_HEAD = 4096
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)(Z|[+-]\d{2}:?\d{2})?")
_CODE = re.compile(r"[A-Z0-9][A-Z0-9 &./'-]{0,34}")
_SERVICE = re.compile(r"[A-Z0-9][A-Z0-9 /.-]{0,19}")
_AIRPORT = re.compile(r"[A-Z]{3,4}")
_DOCUMENT_TYPE = re.compile(r"[A-Z][A-Z0-9]{0,2}")
_DOCUMENT_NUMBER = re.compile(r"[A-Z0-9][A-Z0-9 -]{0,24}")
_BOOKING = re.compile(r"[A-Z0-9][A-Z0-9/-]{0,19}")
_SEAT = re.compile(r"[A-Z0-9][A-Z0-9 /.-]{0,15}")
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s.]+(?:\.[^@\s.]+)+")
_PHONE = re.compile(r"\+?[0-9][0-9 ().-]*[0-9]")
_NON_DIGITS = re.compile(r"\D")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_COUNTRY = re.compile(r"[A-Z]{2,3}")


def looks_like_manifest(data: bytes | str) -> bool:
    """A CSV whose header names ``surname`` and ``service``, or JSON with ``travellers``/``journey``.

    Looks at the first 4 KiB only, so it costs nothing on a big EDIFACT push.
    """
    head = data[:_HEAD]
    text = head.decode("utf-8", errors="ignore") if isinstance(head, bytes) else head
    text = text.lstrip("\ufeff \t\r\n")
    if text.startswith(("{", "[")):
        return '"travellers"' in text or '"journey"' in text or ('"surname"' in text and '"service"' in text)
    first = text.split("\n", 1)[0]
    columns = {cell.strip().strip('"').strip().lower() for cell in re.split(r"[,;\t]", first)}
    return {"surname", "service"} <= columns


# --- problems -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Problem:
    position: int | None  # row (CSV, header = 1), line (JSON Lines), traveller (JSON object); None: file/journey
    tag: str  # row, line, traveller, journey, header, file
    record: str  # "row 7", "journey", "file"
    field: str
    text: str
    value: str | None = None

    def __str__(self) -> str:
        return f"{self.record}, field {self.field}: {self.text}"


class _Problems:
    def __init__(self) -> None:
        self.items: list[_Problem] = []
        self.absent: set[str] = set()  # required CSV columns the header lacks: reported once, not per row

    def add(self, record: _Record | None, field: str, text: str, value: object = None) -> None:
        shown = value if value is None or isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        shown = excerpt(shown) if shown is not None else None
        if record is None:
            self.items.append(_Problem(None, "file", "file", field, text, shown))
        else:
            self.items.append(_Problem(record.position, record.tag, record.label, field, text, shown))

    def raise_if_any(self, name: str) -> None:
        if not self.items:
            return
        # file order (file-level problems first); stable, so a record keeps its field order
        problems = sorted(self.items, key=lambda p: p.position or 0)
        count = f"{len(problems)} problem" + ("s" if len(problems) > 1 else "")
        shown = "; ".join(str(p) for p in problems[:MAX_SHOWN])
        more = f" (and {len(problems) - MAX_SHOWN} more)" if len(problems) > MAX_SHOWN else ""
        first = problems[0]
        error = MessageError(
            f"manifest refused, {count}: {shown}{more}",
            message=name,
            segment=first.position,
            tag=first.tag,
            element=first.field,
        )
        error.errors = [FieldError(p.record, p.field, p.text, p.value) for p in problems]
        raise error


def _refuse(name: str, text: str) -> MessageError:
    """The error for a file that cannot be read at all (nothing to check field by field)."""
    error = MessageError(f"manifest refused: {text}", message=name, tag="file", element="(file)")
    error.errors = [FieldError("file", "(file)", text)]
    return error


# --- records --------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Record:
    """One place of the file with fields: a CSV row, a JSON line, a traveller or the journey object."""

    tag: str
    position: int | None
    values: dict[str, object]
    usable: bool = True  # False: the JSON "journey" is missing or not an object (already reported)

    @property
    def label(self) -> str:
        if self.tag == "header":
            return f"header (row {self.position})"
        return f"{self.tag} {self.position}" if self.position is not None else self.tag

    def at(self, field: str) -> str:
        return f"{self.label}/{field}"


@dataclass(slots=True)
class _Raw:
    """A traveller record and the record that carries its journey (itself, or the JSON ``journey``)."""

    traveller: _Record
    journey: _Record


def _decode(data: bytes | str, name: str) -> str:
    if isinstance(data, str):
        text = data
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise _refuse(name, f"not UTF-8 text (byte {error.start})") from None
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise _refuse(name, "the manifest is empty")
    return text


def _delimiter(header: str) -> str:
    """Comma, or the semicolon or tab a spreadsheet exported, whichever the header line uses most."""
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _csv_records(text: str, name: str, problems: _Problems) -> list[_Raw]:
    delimiter = _delimiter(text.lstrip().split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error as error:
        raise _refuse(name, f"not well-formed CSV near line {reader.line_num}: {error}") from None
    start = next(index for index, row in enumerate(rows) if any(cell.strip() for cell in row))
    header_record = _Record("header", start + 1, {})
    header = [cell.strip().lower() for cell in rows[start]]
    for index, column in enumerate(header):
        if column not in FIELDS:
            problems.add(header_record, column or f"column {index + 1}", "unknown column", rows[start][index])
        elif header.index(column) != index:
            problems.add(header_record, column, "column appears twice")
    for column in (*REQUIRED_JOURNEY, "surname"):
        if column not in header:
            problems.add(header_record, column, "required column missing")
            problems.absent.add(column)
    columns = [
        (index, column) for index, column in enumerate(header) if column in FIELDS and header.index(column) == index
    ]
    records = []
    for index in range(start + 1, len(rows)):
        row, number = rows[index], index + 1  # spreadsheet row: the header is row 1
        if not any(cell.strip() for cell in row):
            continue  # blank row
        record = _Record("row", number, {})
        if len(row) > len(header):
            problems.add(record, "(row)", f"{len(row)} cells, the header has {len(header)}")
            continue
        record.values = {column: row[index] for index, column in columns if index < len(row)}
        records.append(_Raw(record, record))
    return records


def _json_object(text: str, name: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise _refuse(name, f"not well-formed JSON at line {error.lineno}, column {error.colno}: {error.msg}") from None
    except (ValueError, RecursionError) as error:
        raise _refuse(name, f"not well-formed JSON: {error}") from None


def _first_line_object(text: str) -> tuple[dict[str, object] | None, bool]:
    """The first non-blank line as a JSON object when it is one on its own, and whether it is all there is."""
    stripped = text.strip()
    first, _, rest = stripped.partition("\n")
    try:
        loaded = json.loads(first)
    except (ValueError, RecursionError):
        return None, False
    return (loaded, not rest.strip()) if isinstance(loaded, dict) else (None, False)


def _unknown_keys(record: _Record, allowed: Iterable[str], problems: _Problems, hint: str = "") -> None:
    known = set(allowed)
    for key in record.values:
        if key not in known:
            problems.add(record, key or '""', f"unknown field{hint}")


def _json_records(text: str, name: str, problems: _Problems) -> list[_Raw]:
    first, alone = _first_line_object(text)
    if first is not None and not ({"journey", "travellers"} & set(first)):
        return _json_lines(text, problems)
    loaded = first if first is not None and alone else _json_object(text, name)
    if not isinstance(loaded, dict):
        raise _refuse(name, "a JSON manifest is one object with journey and travellers, or one object per line")
    top = _Record("manifest", None, {str(k): v for k, v in loaded.items()})
    _unknown_keys(top, ("journey", "travellers"), problems)
    journey_value = loaded.get("journey")
    journey = _Record("journey", None, {})
    if not isinstance(journey_value, dict):
        problems.add(None, "journey", "required: an object with the journey fields", journey_value)
        journey.usable = False
    else:
        journey.values = {str(k): v for k, v in journey_value.items() if v is not None}
        _unknown_keys(journey, JOURNEY_FIELDS, problems)
    travellers_value = loaded.get("travellers")
    if not isinstance(travellers_value, list):
        problems.add(None, "travellers", "required: an array of traveller objects", travellers_value)
        return []
    records = []
    for index, item in enumerate(travellers_value, start=1):
        record = _Record("traveller", index, {})
        if not isinstance(item, dict):
            problems.add(record, "(traveller)", "a traveller must be a JSON object", item)
            continue
        record.values = {str(k): v for k, v in item.items() if v is not None}
        _unknown_keys(record, TRAVELLER_FIELDS, problems, ' (journey fields belong in "journey")')
        records.append(_Raw(record, journey))
    return records


def _json_lines(text: str, problems: _Problems) -> list[_Raw]:
    records = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        record = _Record("line", number, {})
        try:
            item = json.loads(line)
        except (ValueError, RecursionError) as error:
            problems.add(record, "(line)", f"not valid JSON: {error}")
            continue
        if not isinstance(item, dict):
            problems.add(record, "(line)", "a line must be a JSON object", item)
            continue
        record.values = {str(k): v for k, v in item.items() if v is not None}
        _unknown_keys(record, FIELDS, problems)
        records.append(_Raw(record, record))
    return records


# --- field checks ---------------------------------------------------------------------------------


class _Fields:
    """Reads the fields of one record, reporting every wrong value."""

    def __init__(self, record: _Record, problems: _Problems) -> None:
        self.record = record
        self.problems = problems
        self.failed = False

    def fail(self, field: str, text: str, value: object = None) -> None:
        """Report a problem; the value defaults to the field's value as written."""
        self.failed = True
        self.problems.add(self.record, field, text, self.record.values.get(field) if value is None else value)

    def text(self, field: str, *, required: bool = False) -> str | None:
        """The field stripped; None when absent, empty or a placeholder (``UNKNOWN``, ``-``).

        Country fields take no placeholders: ``NA`` is Namibia there, ``XXX`` an ICAO code.
        """
        value = self.record.values.get(field)
        if value is None:
            if required and field in self.problems.absent:
                self.failed = True
            elif required:
                self.fail(field, "required")
            return None
        if not isinstance(value, str):
            self.fail(field, "must be a string", value)
            return None
        text = " ".join(value.split())
        if not text or (field not in COUNTRY_FIELDS and text.upper() in PLACEHOLDERS):
            if required:
                self.fail(field, f"required ({quoted(value)} is no value)" if text else "required")
            return None
        if _CONTROL.search(text):
            self.fail(field, f"{quoted(text)} contains control characters")
            return None
        return text

    def pattern(self, field: str, pattern: re.Pattern[str], what: str, *, required: bool = False) -> str | None:
        text = self.text(field, required=required)
        if text is None:
            return None
        upper = text.upper()
        if not pattern.fullmatch(upper):
            self.fail(field, f"{quoted(text)} is not {what}")
            return None
        return upper

    def day(self, field: str, *, required: bool = False) -> date | None:
        text = self.text(field, required=required)
        if text is None:
            return None
        try:
            if _DAY.fullmatch(text):
                return date.fromisoformat(text)
        except ValueError:
            pass
        self.fail(field, f"{quoted(text)} is not a date (write YYYY-MM-DD)")
        return None

    def moment(self, field: str, *, required: bool = False) -> datetime | None:
        """ISO 8601 date and time; the offset, when given, is kept (aware datetime)."""
        text = self.text(field, required=required)
        if text is None:
            return None
        match = _TIME.fullmatch(text)
        if match:
            day, clock, offset = match.groups()
            if offset and offset != "Z" and ":" not in offset:
                offset = f"{offset[:3]}:{offset[3:]}"
            try:
                return datetime.fromisoformat(f"{day}T{clock}{'+00:00' if offset == 'Z' else offset or ''}")
            except ValueError:
                pass
        self.fail(field, f"{quoted(text)} is not a date and time (write YYYY-MM-DDTHH:MM, optionally with an offset)")
        return None

    def country(self, field: str) -> str | None:
        text = self.text(field)
        if text is None:
            return None
        code = _country(text.upper())
        if code is None:
            self.fail(field, f"{quoted(text)} is not an ISO 3166-1 alpha-2 or alpha-3 country code")
            return None
        return code

    def name(self, field: str, *, required: bool = False) -> str | None:
        text = self.text(field, required=required)
        if text is None:
            return None
        if len(text) > 100:
            self.fail(field, f"{quoted(text[:20])}... is longer than 100 characters")
        elif any(c.isdigit() for c in text):
            self.fail(field, f"{quoted(text)} contains digits")
        elif not any(c.isalpha() for c in text):
            self.fail(field, f"{quoted(text)} has no letters")
        else:
            return text
        return None


@lru_cache(maxsize=1024)
def _country(upper: str) -> str | None:
    """ISO alpha-2 for an alpha-2 or alpha-3 code (or an ICAO special code), None when unknown."""
    return SPECIAL_COUNTRIES.get(upper) or (country_code(upper) if _COUNTRY.fullmatch(upper) else None)


# --- journeys -------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Journey:
    leg: Leg
    mode: str
    reference: str  # Traveller.references ("journey", ...)
    departure_day: date | None
    travellers: list[Traveller] = field(default_factory=list)
    seen: dict[tuple[object, ...], str] = field(default_factory=dict)  # identity → first record


def _place(fields: _Fields, name: str, mode: str | None) -> str | None:
    text = fields.text(name, required=True)
    if text is None:
        return None
    upper = text.upper()
    if mode == "air" and not _AIRPORT.fullmatch(upper):
        fields.fail(name, f"{quoted(text)} is not an airport code (IATA, 3 letters, or ICAO, 4 letters)")
        return None
    if len(upper) > 64 or not any(c.isalnum() for c in upper):
        fields.fail(name, f"{quoted(text)} is not a place (a code or a name of at most 64 characters)")
        return None
    return upper


def _read_journey(record: _Record, problems: _Problems) -> _Journey | None:
    if not record.usable:
        return None
    fields = _Fields(record, problems)
    carrier = fields.pattern("carrier", _CODE, "a carrier code or name (letters, digits, at most 35)", required=True)
    service = fields.pattern("service", _SERVICE, "a service number (letters, digits, at most 20)", required=True)
    mode_text = fields.text("mode", required=True)
    mode = mode_text.lower() if mode_text else None
    if mode_text is not None and mode not in MODES:
        fields.fail("mode", f"{quoted(mode_text)} is not one of {', '.join(MODES)}")
        mode = None
    departure_place = _place(fields, "departure_place", mode)
    departure = fields.moment("departure_time", required=True)
    arrival_place = _place(fields, "arrival_place", mode)
    arrival = fields.moment("arrival_time")
    if departure is not None and arrival is not None:
        if departure.tzinfo is not None and arrival.tzinfo is not None:
            early = arrival < departure
        else:  # local times: only an arrival earlier than any time-zone difference explains is wrong
            early = arrival.replace(tzinfo=None) < departure.replace(tzinfo=None) - CLOCK_SKEW
        if early:
            fields.fail("arrival_time", f"{arrival.isoformat()} is before the departure {departure.isoformat()}")
    if departure_place is not None and departure_place == arrival_place:
        fields.fail("arrival_place", f"{quoted(arrival_place)} is also the departure place")
    if (
        fields.failed
        or carrier is None
        or service is None
        or mode is None
        or departure_place is None
        or departure is None
        or arrival_place is None
    ):
        return None
    local_departure = departure.replace(tzinfo=None)
    reference = f"{mode} {carrier} {service} {departure_place} {local_departure:%Y-%m-%dT%H:%M} to {arrival_place}"
    leg = Leg(
        carrier=carrier,
        flight_number=service,
        departure_airport=departure_place,
        arrival_airport=arrival_place,
        departure=local_departure,
        arrival=arrival.replace(tzinfo=None) if arrival else None,
        origin=record.label,
    )
    return _Journey(leg, mode, reference, local_departure.date())


def _journey_key(record: _Record) -> tuple[object, ...]:
    """The journey as written (trimmed, case-folded): rows that agree on it share one leg."""
    key = []
    for name in JOURNEY_FIELDS:
        value = record.values.get(name)
        key.append(" ".join(value.split()).upper() if isinstance(value, str) else json.dumps(value))
    return tuple(key)


# --- travellers -----------------------------------------------------------------------------------


def _phone(fields: _Fields) -> str | None:
    text = fields.text("phone")
    if text is None:
        return None
    digits = _NON_DIGITS.sub("", text)
    if not _PHONE.fullmatch(text) or not 5 <= len(digits) <= 20:
        fields.fail("phone", f"{quoted(text)} is not a telephone number (digits, spaces, + ( ) - .)")
        return None
    return ("+" if text.startswith("+") else "") + digits


def _read_traveller(record: _Record, journey: _Journey | None, problems: _Problems) -> Traveller | None:
    fields = _Fields(record, problems)
    role_text = fields.text("role")
    role = ROLES.get(role_text.lower().replace(" ", "_")) if role_text else TravellerRole.PASSENGER
    if role is None:
        fields.fail("role", f"{quoted(role_text)} is not one of {', '.join(ROLES)}")
    surname = fields.name("surname", required=True)
    given = fields.name("given_names")
    gender = fields.text("gender")
    if gender is not None and gender.upper() not in GENDERS:
        fields.fail("gender", f"{quoted(gender)} is not M, F, U or X")
    birth = fields.day("birth_date")
    departure_day = journey.departure_day if journey else None
    if birth is not None and birth < EARLIEST_BIRTH:
        fields.fail("birth_date", f"{quoted(birth.isoformat())} is before 1900")
    elif birth is not None and departure_day is not None and birth > departure_day:
        fields.fail("birth_date", f"{quoted(birth.isoformat())} is after the departure ({departure_day.isoformat()})")
    nationality = fields.country("nationality")
    kind = fields.pattern("document_type", _DOCUMENT_TYPE, "a document type code (P, I, V, AC ...)")
    number = fields.pattern("document_number", _DOCUMENT_NUMBER, "a document number (letters, digits, at most 25)")
    issuer = fields.country("document_country")
    expiry = fields.day("document_expiry")
    has_number = number is not None or "document_number" in _given(record)
    if not has_number and any(f in _given(record) for f in ("document_type", "document_country", "document_expiry")):
        fields.fail("document_number", "required when document_type, document_country or document_expiry is given")
    elif has_number and kind is None and "document_type" not in _given(record):
        fields.fail("document_type", "required when document_number is given")
    booking = fields.pattern("booking_reference", _BOOKING, "a booking reference (letters, digits, / and -)")
    seat_text = fields.pattern("seat", _SEAT, "a seat, berth or cabin (letters, digits, at most 16)")
    email = fields.text("email")
    if email is not None and (len(email) > 254 or not _EMAIL.fullmatch(email)):
        fields.fail("email", f"{quoted(email)} is not an e-mail address")
        email = None
    phone = _phone(fields)
    if fields.failed or journey is None or surname is None or role is None:
        return None
    seat = (air_seat(seat_text) or seat_text) if journey.mode == "air" and seat_text else seat_text
    documents: tuple[TravelDocument, ...] = ()
    if number is not None and kind is not None:
        documents = (
            TravelDocument(
                kind=kind,
                number=number,
                issuing_country=issuer,
                nationality=nationality,
                expiry=expiry,
                origin=record.at("document_number"),
            ),
        )
    pairs = (("email", email.lower() if email else None), ("phone", phone))
    contacts = tuple(Contact(kind_, value, record.at(kind_)) for kind_, value in pairs if value)
    return Traveller(
        role=role,
        surname=surname,
        given_names=given,
        gender=gender.upper() if gender else None,
        birth_date=birth,
        nationality=nationality,
        documents=documents,
        contacts=contacts,
        seats=(seat,) if seat else (),
        embarkation=journey.leg.departure_airport,
        debarkation=journey.leg.arrival_airport,
        pnr_locator=booking,
        origin=record.label,
        references=(("journey", journey.reference),),
    )


def _given(record: _Record) -> set[str]:
    """Fields with a value: not empty, not a placeholder (``-``, ``UNKNOWN``); a wrong JSON type counts."""
    return {k for k, v in record.values.items() if not (isinstance(v, str) and _no_value(k, v))}


def _no_value(field: str, value: str) -> bool:
    text = " ".join(value.split()).upper()
    return not text or (field not in COUNTRY_FIELDS and text in PLACEHOLDERS)


def _findings(journey: _Journey, traveller: Traveller, record: _Record) -> Iterator[Finding]:
    day = journey.departure_day
    for document in traveller.documents:
        if document.expiry is not None and day is not None and document.expiry < day:
            yield Finding(
                record.position,
                record.tag,
                "document_expiry",
                f"document expired on {document.expiry.isoformat()}, before the departure on {day.isoformat()}",
            )
    number = traveller.documents[0].number if traveller.documents else None
    identity = (traveller.surname.upper() if traveller.surname else None, traveller.birth_date, number)
    if traveller.birth_date is None and number is None:
        return  # a name alone does not make two rows the same person
    first = journey.seen.get(identity)
    if first is not None:
        yield Finding(record.position, record.tag, None, f"same traveller as {first} on the same journey")
    else:
        journey.seen[identity] = record.label


# --- the manifest ---------------------------------------------------------------------------------


def parse_manifest(
    data: bytes | str, *, name: str = "manifest", sensitive: SensitiveFilter | None = None
) -> TravelMessage:
    """A :class:`TravelMessage` (kind MANIFEST) from a CSV, JSON or JSON Lines manifest.

    Raises :class:`MessageError` listing every problem of the file. ``sensitive`` is accepted for
    symmetry with the EDIFACT parsers: the format has no free text to filter.
    """
    del sensitive  # no free-text field: nothing can hit the deny-list
    text = _decode(data, name)
    problems = _Problems()
    is_json = text.lstrip().startswith(("{", "["))
    raws = _json_records(text, name, problems) if is_json else _csv_records(text, name, problems)
    if not raws and not problems.items:
        problems.add(None, "travellers", "no travellers: the manifest lists nobody")
    journeys: dict[tuple[object, ...], _Journey | None] = {}
    findings: list[Finding] = []
    for raw in raws:
        key = _journey_key(raw.journey)
        if key not in journeys:  # each journey is checked (and its problems reported) once
            journeys[key] = _read_journey(raw.journey, problems)
        journey = journeys[key]
        traveller = _read_traveller(raw.traveller, journey, problems)
        if traveller is not None and journey is not None:
            journey.travellers.append(traveller)
            findings.extend(_findings(journey, traveller, raw.traveller))
    problems.raise_if_any(name)
    if len(findings) > MAX_FINDINGS:
        omitted = len(findings) - MAX_FINDINGS
        findings = [*findings[:MAX_FINDINGS], Finding(None, None, None, f"{omitted} further finding(s) omitted")]
    chosen = [j for j in journeys.values() if j is not None]
    modes = list(dict.fromkeys(j.mode for j in chosen))
    return TravelMessage(
        kind=MessageKind.MANIFEST,
        version=FORMAT,
        function_detail=",".join(modes),
        flights=[j.leg for j in chosen],
        travellers=[t for j in chosen for t in j.travellers],
        findings=findings,
    )
