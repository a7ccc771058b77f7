"""Watchlist entries as the sources state them, with provenance on every value.

A :class:`ListEntry` keeps everything its source says: every name and name part, every alias
with its quality, original-script names, several dates of birth as intervals, places of
birth, nationalities and citizenships, documents, addresses, designations and remarks.
Every value carries ``origin``: the field of the source record it came from, so an alert
can cite "UN QDi.290, INDIVIDUAL_ALIAS[2]/ALIAS_NAME".

The classes are frozen dataclasses (fast to build for tens of thousands of entries);
:mod:`tekser.domain.serialization` turns them into canonical JSON and back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class EntityKind(StrEnum):
    PERSON = "person"
    ORGANIZATION = "organization"
    VESSEL = "vessel"
    AIRCRAFT = "aircraft"


class NameKind(StrEnum):
    PRIMARY = "primary"
    ALIAS = "alias"  # also known as
    FORMER = "former"  # formerly known as (f.k.a.)
    NEW = "new"  # now known as (n.k.a.)


class NameQuality(StrEnum):
    """Alias strength: UN Good / OFAC strong → strong; UN Low / OFAC weak (remarks a.k.a.) → weak."""

    STRONG = "strong"
    WEAK = "weak"


class PartRole(StrEnum):
    """Role of a name part. Positional roles keep a source's order when it does not say more."""

    GIVEN = "given"
    MIDDLE = "middle"
    FAMILY = "family"
    PATRONYMIC = "patronymic"
    MATRONYMIC = "matronymic"
    TITLE = "title"
    SUFFIX = "suffix"
    FIRST = "first"  # UN FIRST_NAME ... FOURTH_NAME, UK Name1 ... Name6: order as listed
    SECOND = "second"
    THIRD = "third"
    FOURTH = "fourth"
    FIFTH = "fifth"
    SIXTH = "sixth"


class DatePrecision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    RANGE = "range"
    TEXT = "text"  # unparseable: kept as text evidence only


@dataclass(frozen=True, slots=True)
class NamePart:
    role: PartRole
    value: str


@dataclass(frozen=True, slots=True)
class Name:
    """One name of an entry, as the source writes it."""

    full: str
    kind: NameKind = NameKind.PRIMARY
    quality: NameQuality = NameQuality.STRONG
    parts: tuple[NamePart, ...] = ()
    script: str | None = None  # ISO 15924: Latn, Cyrl, Arab ...
    lang: str | None = None
    original_script: bool = False  # the source marks it as the name in its original script
    source_quality: str | None = None  # the source's own label: Good, Low, a.k.a., aka, fka, strong ...
    split_from: str | None = None  # set when the source packed several variants in one string
    note: str | None = None
    origin: str = ""


@dataclass(frozen=True, slots=True)
class Country:
    """A country as given (``name``) and, where known, its ISO 3166-1 alpha-2 ``code``."""

    name: str
    code: str | None = None


@dataclass(frozen=True, slots=True)
class FuzzyDate:
    """A date known to lie in ``[start, end]`` (inclusive); both None when only text is known.

    ``approximate`` marks "circa"/"APPROXIMATELY"; the matcher widens such intervals by its
    configured tolerance. A year-only date is the whole year, never 1 January.
    """

    start: date | None
    end: date | None
    precision: DatePrecision
    text: str
    approximate: bool = False
    calendar: str = "gregorian"
    note: str | None = None
    origin: str = ""

    def __reduce__(self) -> tuple[type[FuzzyDate], tuple[object, ...]]:
        # pickled with every subject sent to a worker process: a plain tuple is several times faster
        return (
            FuzzyDate,
            (self.start, self.end, self.precision, self.text, self.approximate, self.calendar, self.note, self.origin),
        )


@dataclass(frozen=True, slots=True)
class Place:
    text: str
    city: str | None = None
    region: str | None = None
    country: Country | None = None
    street: str | None = None
    note: str | None = None
    origin: str = ""


@dataclass(frozen=True, slots=True)
class Address:
    text: str
    street: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: Country | None = None
    note: str | None = None
    origin: str = ""


@dataclass(frozen=True, slots=True)
class Document:
    """An identity document or registration number.

    ``kind`` is normalised (passport, national_id, tax_id, ...); ``kind_raw`` keeps the
    source's words. ``number`` is as given; ``number_normalized`` drops spaces, dots, dashes
    and slashes and is upper-cased, for comparison.
    """

    kind: str
    number: str
    number_normalized: str
    kind_raw: str | None = None
    country: Country | None = None
    issue_date: str | None = None
    expiry_date: str | None = None
    issued_by: str | None = None
    note: str | None = None
    origin: str = ""


@dataclass(frozen=True, slots=True)
class Contact:
    """Phone, e-mail, website, digital-currency address and similar typed identifiers."""

    kind: str
    value: str
    origin: str = ""


@dataclass(frozen=True, slots=True)
class Designation:
    """Why and under which programme an entry is listed."""

    authority: str
    programme: str | None = None
    category: str | None = None  # normalised: terrorism, extremism, proliferation, narcotics, sanctions ...
    listed_on: date | None = None
    reference: str | None = None
    legal_basis: str | None = None
    origin: str = ""


@dataclass(frozen=True, slots=True)
class Link:
    """A stated relation to another party (OFAC "Linked To:"): a link, not ownership."""

    relation: str
    target_name: str
    target_key: str | None = None
    origin: str = ""


@dataclass(frozen=True, slots=True)
class Attribute:
    """Any other fact the source states (call sign, vessel flag, DATAID, function ...)."""

    name: str
    value: str
    origin: str = ""


@dataclass(frozen=True, slots=True)
class Remark:
    text: str
    origin: str = ""


@dataclass(frozen=True, slots=True)
class ListEntry:
    """One designation record of a watchlist, with a stable key: ``<list>:<source id>``."""

    key: str
    list_id: str
    source_id: str
    kind: EntityKind
    names: tuple[Name, ...]
    gender: str | None = None  # male | female
    birth_dates: tuple[FuzzyDate, ...] = ()
    birth_places: tuple[Place, ...] = ()
    nationalities: tuple[Country, ...] = ()
    citizenships: tuple[Country, ...] = ()
    documents: tuple[Document, ...] = ()
    addresses: tuple[Address, ...] = ()
    designations: tuple[Designation, ...] = ()
    titles: tuple[str, ...] = ()
    positions: tuple[str, ...] = ()
    contacts: tuple[Contact, ...] = ()
    links: tuple[Link, ...] = ()
    attributes: tuple[Attribute, ...] = ()
    remarks: tuple[Remark, ...] = ()
    last_updated: tuple[date, ...] = ()

    @property
    def caption(self) -> str:
        for name in self.names:
            if name.kind is NameKind.PRIMARY:
                return name.full
        return self.names[0].full if self.names else self.key

    @property
    def programmes(self) -> tuple[str, ...]:
        return tuple(d.programme for d in self.designations if d.programme)

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(sorted({d.category for d in self.designations if d.category}))


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file a version was read from: its name, size and SHA-256."""

    name: str
    sha256: str
    size: int


@dataclass(slots=True)
class ParsedList:
    """What a reader returns: the entries of one list plus what it noticed while reading."""

    list_id: str
    reader: str  # reader name and version, e.g. "un-xml/1"
    entries: list[ListEntry]
    files: list[SourceFile] = field(default_factory=list)
    published_at: datetime | None = None
    warnings: list[str] = field(default_factory=list)
    unparsed: dict[str, int] = field(default_factory=dict)  # fact kind → count kept as remarks only
    # Signs the file (set) is cut short, e.g. rows referring to records absent from it: unlike
    # warnings, they refuse the import unless an operator forces it with a reason.
    incomplete: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ListVersion:
    """One import of one list: what was read, when, from where, with which result."""

    id: int
    list_id: str
    number: int  # 1, 2, 3 ... per list; shown as "un@3"
    reader: str
    source: str
    retrieved_at: datetime
    imported_at: datetime
    published_at: datetime | None
    imported_by: str
    content_hash: str
    entry_count: int
    counts: dict[str, int]
    files: tuple[SourceFile, ...]
    warnings: tuple[str, ...]
    unparsed: dict[str, int]
    checks: dict[str, object]
    previous_id: int | None
    active: bool = False

    @property
    def label(self) -> str:
        return f"{self.list_id}@{self.number}"


@dataclass(frozen=True, slots=True)
class ImportFailure:
    """A refused import, kept with its reason and its files."""

    id: int
    list_id: str | None
    source: str
    reason: str
    failed_at: datetime
    attempted_by: str
    files: tuple[SourceFile, ...]


def entry_counts(entries: list[ListEntry]) -> dict[str, int]:
    """Counts by kind of everything an import stored, for reports and reconciliation."""
    counts: dict[str, int] = {"entries": len(entries)}

    def add(key: str, amount: int = 1) -> None:
        counts[key] = counts.get(key, 0) + amount

    for entry in entries:
        add(str(entry.kind))
        for name in entry.names:
            if name.split_from is not None:
                add("name_variants")
                continue
            if name.kind is NameKind.PRIMARY:
                add("names_primary")
            else:
                add(f"aliases_{name.quality}")
            if name.original_script:
                add("names_original_script")
        add("birth_dates", len(entry.birth_dates))
        add("birth_places", len(entry.birth_places))
        add("documents", len(entry.documents))
        add("addresses", len(entry.addresses))
        add("nationalities", len(entry.nationalities) + len(entry.citizenships))
        add("designations", len(entry.designations))
        add("links", len(entry.links))
    return counts
