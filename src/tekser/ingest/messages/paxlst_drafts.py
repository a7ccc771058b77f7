"""PAXLST drafts (mutable while the segments are read) and how they become model objects."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from tekser.domain.travel import Baggage, Contact, Leg, Traveller, TravellerRole
from tekser.ingest.messages.edifact import Segment, is_digits
from tekser.ingest.messages.values import (
    Context,
    clock,
    near_date,
    new_baggage,
    new_document,
    new_leg,
    new_traveller,
    past_date,
    yymmdd,
)

_FLIGHT = re.compile(r"([A-Z0-9]{2}[A-Z]?)(\d{1,5}[A-Z]?)")


def split_flight(flight_id: str, carrier: str | None) -> tuple[str | None, str | None]:
    """Carrier and number of a flight id: ``AA123`` → (AA, 123); ``ZX877`` with carrier XZ kept whole."""
    flight_id = flight_id.strip().upper().replace(" ", "")
    if not flight_id:
        return carrier, None
    if carrier:
        return carrier, flight_id[len(carrier) :] if flight_id.startswith(carrier) else flight_id
    if re.fullmatch(r"[A-Z]{3}\d{1,5}[A-Z]?", flight_id):  # ICAO three-letter designator
        return flight_id[:3], flight_id[3:]
    match = _FLIGHT.fullmatch(flight_id)
    return (match.group(1)[:2], flight_id[2:]) if match else (None, flight_id)


@lru_cache(maxsize=8192)  # dates of birth and expiry repeat across a manifest
def dtm_value(value: str) -> tuple[tuple[int, int, int, bool] | None, tuple[int, int, int] | None]:
    """Date parts and time of a DTM value in format 201 (YYMMDDHHMM), 203, 102 or 101."""
    value = value.strip()
    if len(value) in (10, 12) and is_digits(value):
        cut = len(value) - 4
        return yymmdd(value[:cut]), clock(value[cut:])
    return yymmdd(value), None


@dataclass(slots=True)
class Stop:
    airport: str
    qualifier: str
    segment: Segment
    arrival: datetime | None = None
    departure: datetime | None = None


@dataclass(slots=True)
class Transport:
    segment: Segment
    carrier: str | None
    number: str | None
    stops: list[Stop] = field(default_factory=list)


@dataclass(slots=True)
class DocumentDraft:
    segment: Segment
    kind: str
    number: str | None
    expiry: tuple[int, int, int, bool] | None = None
    issued: tuple[int, int, int, bool] | None = None
    country: str | None = None


@dataclass(slots=True)
class Person:
    segment: Segment
    role: TravellerRole
    surname: str | None = None
    given: str | None = None
    address: str | None = None
    gender: str | None = None
    birth: tuple[int, int, int, bool] | None = None
    nationality: str | None = None
    residence: str | None = None
    birth_place: str | None = None
    clearance: str | None = None
    embarkation: str | None = None
    debarkation: str | None = None
    verified: bool | None = None
    bags: int | None = None
    weight: float | None = None
    unit: str | None = None
    # Tuples, not lists: a draft lives until the end of the message, and tuples cost the garbage
    # collector nothing (the empty one is shared, and tuples of strings are not tracked).
    tags: tuple[str, ...] = ()
    contacts: tuple[Contact, ...] = ()
    seats: tuple[str, ...] = ()
    locator: str | None = None
    reference: str | None = None
    tickets: tuple[str, ...] = ()
    references: tuple[tuple[str, str], ...] = ()
    documents: tuple[DocumentDraft, ...] = ()


def bag_tags(first: str, count: int | None) -> list[str]:
    """``ZZ012345`` × 3 → ZZ012345, ZZ012346, ZZ012347 (the numeric tail counts up, width kept)."""
    match = re.fullmatch(r"(.*?)(\d+)", first)
    if count is None or count <= 1 or match is None or count > 99:
        return [first]
    prefix, digits = match.groups()
    return [f"{prefix}{int(digits) + i:0{len(digits)}d}" for i in range(count)]


def build_legs(transports: list[Transport], ctx: Context) -> list[Leg]:
    """One leg per pair of consecutive stops of each TDT; later parts' repeats dropped."""
    legs: list[Leg] = []
    seen: set[tuple[object, ...]] = set()
    for transport in transports:
        stops: list[Stop] = []
        for stop in transport.stops:  # LOC+92 IAD arrival then LOC+92 IAD departure: one stop
            if stops and stops[-1].airport == stop.airport and stop.qualifier == stops[-1].qualifier == "92":
                stops[-1].departure = stops[-1].departure or stop.departure
                stops[-1].arrival = stops[-1].arrival or stop.arrival
            else:
                stops.append(stop)
        if len(stops) < 2:
            ctx.note(transport.segment, "flight without departure and arrival airports")
        for start, end in itertools.pairwise(stops):
            leg = new_leg(
                carrier=transport.carrier,
                flight_number=transport.number,
                departure_airport=start.airport,
                arrival_airport=end.airport,
                departure=start.departure,
                arrival=end.arrival,
                origin=transport.segment.where(),
            )
            key = (leg.carrier, leg.flight_number, leg.departure_airport, leg.arrival_airport, leg.departure)
            if key not in seen:  # later parts repeat the flight
                seen.add(key)
                legs.append(leg)
    return legs


def build_traveller(p: Person, reference: date, ctx: Context) -> Traveller:
    birth = past_date(p.birth, reference)
    if p.birth is not None and birth is None:
        ctx.note(p.segment, "impossible date of birth")
    documents = []
    for d in p.documents:
        if d.number is None:
            continue
        expiry = near_date(d.expiry, reference)
        if expiry is not None and (expiry - reference).days > 20 * 366:
            ctx.note(d.segment, f"document expiry {expiry.isoformat()} more than 20 years ahead")
        documents.append(
            new_document(
                kind=d.kind,
                number=d.number.upper(),
                issuing_country=d.country,
                nationality=p.nationality,
                expiry=expiry,
                issued=past_date(d.issued, reference),
                origin=d.segment.where(),
            )
        )
    baggage: tuple[Baggage, ...] = ()
    if p.bags is not None or p.weight is not None or p.tags:
        unit = {"KGM": "KGM", "KG": "KGM", "LBR": "LBR", "LB": "LBR"}.get(p.unit or "", p.unit)
        baggage = (new_baggage(p.bags, p.weight, unit, p.tags, p.segment.where()),)
    return new_traveller(
        role=p.role,
        surname=p.surname,
        given_names=p.given,
        gender=p.gender,
        birth_date=birth,
        nationality=p.nationality,
        residence_country=p.residence,
        birth_place=p.birth_place,
        documents=tuple(documents),
        contacts=p.contacts,
        baggage=baggage,
        seats=p.seats,
        embarkation=p.embarkation,
        debarkation=p.debarkation,
        verified=p.verified,
        pnr_locator=p.locator,
        passenger_reference=p.reference,
        ticket_numbers=p.tickets,
        origin=p.segment.where(),
        clearance=p.clearance,
        references=p.references,
    )
