"""Subjects to screen: a traveller, a customer, an owner, a counterparty.

A subject is what tekser compares with list entries: a name (whole, or with its family part
marked), and optional date of birth, nationality, gender, document and place of birth.
:func:`subject_from_record` validates a JSON/CSV record field by field and reports every
problem at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from tekser.domain.countries import country_code
from tekser.domain.watchlists import DatePrecision, EntityKind, FuzzyDate
from tekser.errors import FieldError, InvalidInput

_DATE = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?$")
_SCHEMAS = {
    "person": EntityKind.PERSON,
    "organization": EntityKind.ORGANIZATION,
    "organisation": EntityKind.ORGANIZATION,
    "company": EntityKind.ORGANIZATION,
    "legalentity": EntityKind.ORGANIZATION,
    "vessel": EntityKind.VESSEL,
    "aircraft": EntityKind.AIRCRAFT,
    "airplane": EntityKind.AIRCRAFT,
}
KNOWN_FIELDS = frozenset(
    {
        "id",
        "name",
        "family_name",
        "given_name",
        "birth_date",
        "nationality",
        "gender",
        "document",
        "document_country",
        "document_type",
        "birth_place",
        "schema",
    }
)


@dataclass(frozen=True, slots=True)
class Subject:
    id: str
    name: str
    kind: EntityKind | None = None  # None: compare with every kind of entry
    family_name: str | None = None  # the part of ``name`` that is the family name, when known
    birth_date: FuzzyDate | None = None
    nationality: str | None = None  # ISO 3166-1 alpha-2
    nationality_text: str | None = None
    gender: str | None = None  # male | female
    document: str | None = None
    document_country: str | None = None
    document_type: str | None = None
    birth_place: str | None = None

    def __reduce__(self) -> tuple[type[Subject], tuple[object, ...]]:
        # a batch sends subjects to worker processes: a plain tuple pickles several times faster
        return (Subject, tuple(getattr(self, name) for name in self.__slots__))


def parse_birth_date(text: str) -> FuzzyDate | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` → interval; None when malformed."""
    match = _DATE.match(text.strip())
    if not match:
        return None
    year = int(match["y"])
    try:
        if match["d"]:
            day = date(year, int(match["m"]), int(match["d"]))
            return FuzzyDate(day, day, DatePrecision.DAY, text.strip(), origin="birth_date")
        if match["m"]:
            month = int(match["m"])
            first = date(year, month, 1)
            last = date(year + (month == 12), month % 12 + 1, 1)
            return FuzzyDate(
                first, date.fromordinal(last.toordinal() - 1), DatePrecision.MONTH, text.strip(), origin="birth_date"
            )
    except ValueError:
        return None
    return FuzzyDate(date(year, 1, 1), date(year, 12, 31), DatePrecision.YEAR, text.strip(), origin="birth_date")


def _text(record: Mapping[str, Any], field: str) -> str | None:
    value = record.get(field)
    if value is None:
        return None
    if not isinstance(value, str | int | float):
        raise TypeError(field)
    text = " ".join(str(value).split())
    return text or None


def subject_from_record(record: Mapping[str, Any], label: str) -> Subject:
    """Validate one input record (``label`` names it in errors, e.g. "line 7")."""
    errors: list[FieldError] = []
    values: dict[str, str | None] = {}
    for field in KNOWN_FIELDS:
        try:
            values[field] = _text(record, field)
        except TypeError:
            errors.append(FieldError(label, field, "must be a string", repr(record.get(field))))
            values[field] = None
    unknown = sorted(set(record) - KNOWN_FIELDS)
    if unknown:
        errors.append(FieldError(label, unknown[0], f"unknown field (known: {', '.join(sorted(KNOWN_FIELDS))})"))
    subject_id = values["id"]
    if not subject_id:
        errors.append(FieldError(label, "id", "is required"))
    name = values["name"]
    if not name:
        given, family = values["given_name"], values["family_name"]
        name = " ".join(v for v in (given, family) if v) or None
    if not name:
        errors.append(FieldError(label, "name", "is required (or given_name / family_name)"))
    kind = None
    if values["schema"]:
        kind = _SCHEMAS.get(values["schema"].casefold().replace(" ", ""))
        if kind is None:
            errors.append(FieldError(label, "schema", "must be Person or Organization", values["schema"]))
    birth = None
    if values["birth_date"]:
        birth = parse_birth_date(values["birth_date"])
        if birth is None:
            errors.append(FieldError(label, "birth_date", "must be YYYY, YYYY-MM or YYYY-MM-DD", values["birth_date"]))
    nationality = None
    if values["nationality"]:
        nationality = country_code(values["nationality"])
        if nationality is None:
            errors.append(FieldError(label, "nationality", "unknown country", values["nationality"]))
    gender = None
    if values["gender"]:
        gender = {"m": "male", "male": "male", "f": "female", "female": "female"}.get(values["gender"].casefold())
        if gender is None:
            errors.append(FieldError(label, "gender", "must be male or female", values["gender"]))
    document_country = None
    if values["document_country"]:
        document_country = country_code(values["document_country"])
        if document_country is None:
            errors.append(FieldError(label, "document_country", "unknown country", values["document_country"]))
    if errors:
        raise InvalidInput(f"{label}: invalid subject", errors)
    assert subject_id is not None and name is not None
    return Subject(
        id=subject_id,
        name=name,
        kind=kind,
        family_name=values["family_name"],
        birth_date=birth,
        nationality=nationality,
        nationality_text=values["nationality"],
        gender=gender,
        document=values["document"],
        document_country=document_country,
        document_type=values["document_type"],
        birth_place=values["birth_place"],
    )
