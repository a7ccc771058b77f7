"""Travel data independent of EDIFACT: flights, legs, travellers, bookings and what they carry.

Parsers (PAXLST, PNRGOV, the CSV/JSON manifest) produce a :class:`TravelMessage`; storage,
screening and targeting read only these classes. Every value keeps ``origin``: where in the
message it came from ("segment 23 NAD", "TIF[2]/SSR DOCS"), so evidence can cite it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class TravellerRole(StrEnum):
    PASSENGER = "passenger"  # PAXLST NAD+FL, PNR TIF
    CREW = "crew"  # NAD+FM
    TRANSIT_PASSENGER = "transit_passenger"  # NAD+DDU
    TRANSIT_CREW = "transit_crew"  # NAD+DDT
    INFANT = "infant"  # PNR TIF ...:IN


class MessageKind(StrEnum):
    PAXLST = "PAXLST"
    PNRGOV = "PNRGOV"
    MANIFEST = "MANIFEST"  # tekser's CSV/JSON manifest for rail, sea, charter


@dataclass(frozen=True, slots=True)
class TravelDocument:
    kind: str  # P passport, I identity card, V visa, ... as given (upper case)
    number: str
    issuing_country: str | None = None  # ISO 3166-1 alpha-2 when it could be read, else as given
    nationality: str | None = None
    expiry: date | None = None
    issued: date | None = None
    birth_date: date | None = None  # SSR DOCS carries one
    surname: str | None = None  # SSR DOCS names
    given_names: str | None = None
    gender: str | None = None
    origin: str = ""


@dataclass(frozen=True, slots=True)
class Contact:
    kind: str  # email, phone, address, emergency_contact
    value: str
    origin: str = ""


@dataclass(frozen=True, slots=True)
class Payment:
    """A form of payment; card numbers are only kept masked (last four digits)."""

    kind: str  # CC card, CA cash, MS miscellaneous, GR government receipt, ...
    card_type: str | None = None  # VI, MA, AX ...
    card_last4: str | None = None
    card_expiry: str | None = None  # MMYY
    amount: str | None = None
    holder: str | None = None
    origin: str = ""


@dataclass(frozen=True, slots=True)
class Baggage:
    count: int | None = None
    weight: float | None = None
    unit: str | None = None  # KGM, LBR
    tags: tuple[str, ...] = ()
    origin: str = ""


@dataclass(frozen=True, slots=True)
class Leg:
    """One flown sector; codeshare legs carry the operating flight too."""

    carrier: str | None
    flight_number: str | None
    departure_airport: str | None
    arrival_airport: str | None
    departure: datetime | None = None
    arrival: datetime | None = None
    operating_carrier: str | None = None
    operating_flight_number: str | None = None
    booking_class: str | None = None
    status: str | None = None  # HK, KK ... (PNR RPI)
    origin: str = ""

    @property
    def flight(self) -> str:
        return f"{self.carrier or ''}{self.flight_number or ''}"


@dataclass(frozen=True, slots=True)
class Traveller:
    role: TravellerRole
    surname: str | None
    given_names: str | None = None
    gender: str | None = None  # M, F, U (as given)
    birth_date: date | None = None
    nationality: str | None = None  # ISO alpha-2 when readable, else as given
    residence_country: str | None = None
    birth_place: str | None = None
    documents: tuple[TravelDocument, ...] = ()
    contacts: tuple[Contact, ...] = ()
    baggage: tuple[Baggage, ...] = ()
    seats: tuple[str, ...] = ()
    embarkation: str | None = None
    debarkation: str | None = None
    verified: bool | None = None  # PAXLST GEI+4: 173 verified, 174 not
    pnr_locator: str | None = None  # RFF+AVF or the booking's locator
    passenger_reference: str | None = None  # RFF+ABO (DCS id) or PNR TIF traveller reference
    ticket_numbers: tuple[str, ...] = ()
    frequent_flyer: tuple[str, ...] = ()
    origin: str = ""
    clearance: str | None = None  # PAXLST LOC+22: first arrival / clearance airport
    references: tuple[tuple[str, str], ...] = ()  # other references: (RFF qualifier or "REF", value)

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.given_names, self.surname) if p)


@dataclass(frozen=True, slots=True)
class Agency:
    """Who made or changed the booking (PNR ORG): airline office or travel agent."""

    system: str | None = None
    location: str | None = None
    agency_id: str | None = None
    kind: str | None = None  # A airline, T travel agent
    origin: str = ""


@dataclass(frozen=True, slots=True)
class HistoryItem:
    """A PNR history credit (ABI/SAC): what was added or cancelled, by whom, when."""

    action: str  # A added, X cancelled, as given
    what: str
    by: str | None = None
    at: datetime | None = None
    origin: str = ""


@dataclass(frozen=True, slots=True)
class Booking:
    """A PNR as pushed at one moment; later pushes of the same locator are later versions."""

    locator: str
    carrier: str | None = None
    created: datetime | None = None
    last_modified: datetime | None = None
    ticketed: datetime | None = None
    travellers: tuple[Traveller, ...] = ()
    itinerary: tuple[Leg, ...] = ()
    contacts: tuple[Contact, ...] = ()
    payments: tuple[Payment, ...] = ()
    agency: Agency | None = None
    tickets: tuple[str, ...] = ()
    baggage: tuple[Baggage, ...] = ()
    split_from: tuple[str, ...] = ()  # EQN/RCI: locators this PNR was divided from or into
    party_size: int | None = None
    history: tuple[HistoryItem, ...] = ()
    remarks: tuple[str, ...] = ()  # non-sensitive free text (OSI/IFT/LTS) that passed the filter
    cancelled: bool = False
    origin: str = ""
    other_locators: tuple[str, ...] = ()  # RCI: the same PNR in other systems ("AC:P46KA5")
    group_name: str | None = None  # PNRGOV TIF with surname qualifier G: the group's name, not a traveller


@dataclass(frozen=True, slots=True)
class Finding:
    """A data-quality deviation: parsed anyway, recorded for carrier-compliance reporting."""

    segment: int | None  # position of the segment in the message (1-based), None for the envelope
    tag: str | None
    element: str | None
    message: str

    def __str__(self) -> str:
        where = f"segment {self.segment} {self.tag}" if self.segment else (self.tag or "message")
        element = f", element {self.element}" if self.element else ""
        return f"{where}{element}: {self.message}"


@dataclass(slots=True)
class TravelMessage:
    """One parsed message (a multi-part message after reassembly)."""

    kind: MessageKind
    version: str | None = None  # D:02B, D:05B, 11:1, 13:1 ...
    sender: str | None = None
    recipient: str | None = None
    interchange_reference: str | None = None
    message_reference: str | None = None
    common_access_reference: str | None = None  # UNH element 3 (PAXLST: flight/date/time)
    function: str | None = None  # PAXLST BGM code (745, 250, ...), PNRGOV MSG (22 full, 141 update)
    function_detail: str | None = None  # CBP BGM element 2 (CP, XR, CL ...)
    prepared_at: datetime | None = None
    flights: list[Leg] = field(default_factory=list)  # the flight(s) the message is about
    travellers: list[Traveller] = field(default_factory=list)  # PAXLST / manifest
    bookings: list[Booking] = field(default_factory=list)  # PNRGOV
    declared_counts: dict[str, int] = field(default_factory=dict)  # CNT+42 passengers, EQN PNRs ...
    findings: list[Finding] = field(default_factory=list)
    sensitive_dropped: dict[str, int] = field(default_factory=dict)  # code → count, never the content
    parts: int = 1
    transaction_reference: str | None = None  # PAXLST RFF+TN
    reporting_party: str | None = None  # PAXLST NAD+MS (the party responsible for the message)
    reporting_contacts: list[Contact] = field(default_factory=list)  # PAXLST COM of the reporting party
