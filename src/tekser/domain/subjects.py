"""Subjects to screen: a traveller, a customer, an owner, a counterparty.

A subject is what tekser compares with list entries: a name (whole, or with its family part
marked), and optional date of birth, nationality, gender, document and place of birth.
:func:`subject_from_record` validates a JSON/CSV record field by field: a record without a
name is refused; any other unusable field is left out with a warning, and the subject screened.
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
    # fields of the input left out (unknown country, impossible date ...): shown with the result
    warnings: tuple[str, ...] = ()

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
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise TypeError(field)
    text = " ".join(str(value).split())
    return text or None


_GENDERS = {"m": "male", "male": "male", "f": "female", "female": "female"}


def subject_from_record(record: Mapping[str, Any], label: str) -> Subject:
    """Validate one input record (``label`` names it in errors and warnings, e.g. "line 7").

    Only a record without any name is refused (:class:`InvalidInput`, naming the record and
    field): a subject is screened on its name. Any other unusable field (an unknown country, an
    impossible date, an unknown gender, an unknown field) is left out, and the subject is
    screened on everything else with a warning naming the field and value (``Subject.warnings``).
    """
    warnings: list[FieldError] = []
    values: dict[str, str | None] = {}
    for field in sorted(KNOWN_FIELDS):
        try:
            values[field] = _text(record, field)
        except TypeError:
            warnings.append(FieldError(label, field, "must be a string: not used", repr(record.get(field))[:80]))
            values[field] = None
    for unknown in sorted(set(record) - KNOWN_FIELDS):
        warnings.append(FieldError(label, str(unknown), "unknown field: not used"))
    name = values["name"] or " ".join(v for v in (values["given_name"], values["family_name"]) if v) or None
    if not name:
        raise InvalidInput(
            f"{label}: invalid subject",
            [FieldError(label, "name", "is required (or given_name / family_name)"), *warnings],
        )
    subject_id = values["id"]
    if not subject_id:  # the result is still tied to its record: by its place in the input
        subject_id = label
        warnings.append(FieldError(label, "id", f"missing: the record's place ({label}) stands for it"))
    kind = None
    if values["schema"]:
        kind = _SCHEMAS.get(values["schema"].casefold().replace(" ", ""))
        if kind is None:
            problem = "must be Person or Organization: compared with every kind"
            warnings.append(FieldError(label, "schema", problem, values["schema"]))
    birth = None
    if values["birth_date"]:
        birth = parse_birth_date(values["birth_date"])
        if birth is None:
            warnings.append(
                FieldError(label, "birth_date", "must be YYYY, YYYY-MM or YYYY-MM-DD: not used", values["birth_date"])
            )
    nationality = _country(values, "nationality", label, warnings)
    gender = None
    if values["gender"]:
        gender = _GENDERS.get(values["gender"].casefold())
        if gender is None:
            warnings.append(FieldError(label, "gender", "must be male or female: not used", values["gender"]))
    document_country = _country(values, "document_country", label, warnings)
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
        warnings=tuple(str(w) for w in warnings),
    )


def _country(values: Mapping[str, str | None], field: str, label: str, warnings: list[FieldError]) -> str | None:
    text = values[field]
    if not text:
        return None
    code = country_code(text)
    if code is None:
        warnings.append(FieldError(label, field, "unknown country: not used", text))
    return code
