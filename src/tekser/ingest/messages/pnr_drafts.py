"""Mutable drafts of a PNR while its segments are read, and how they become a :class:`Booking`.

SSRs are applied when the PNR is complete (:func:`apply_ssrs`): a Gr.1 SSR can name a
traveller whose TIF comes later, and a Gr.5 SSR DOCS names travellers by reference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import TypeVar

from tekser.domain.travel import (
    Agency,
    Baggage,
    Booking,
    Contact,
    HistoryItem,
    Leg,
    Payment,
    TravelDocument,
    Traveller,
    TravellerRole,
)
from tekser.errors import quoted
from tekser.ingest.messages import pnr_values as pv
from tekser.ingest.messages.edifact import Segment
from tekser.ingest.messages.values import (
    Context,
    clean,
    new_booking,
    new_contact,
    new_document,
    new_leg,
    new_traveller,
    seat,
    settle_titles,
    words,
)

# SSRs whose free text is structured data (names, documents), never checked for keywords.
STRUCTURED = words("CTCB CTCE CTCH CTCM CTCR DOCA DOCO DOCS FQTR FQTV INFT NSSA NSST NSSW RQST SEAT TKNA TKNE TKNM")
_LETTERS = re.compile(r"[^A-Z]")
_T = TypeVar("_T")


@lru_cache(maxsize=8192)
def _key(name: str | None) -> str:
    return _LETTERS.sub("", (name or "").upper())


@dataclass(slots=True)
class PaxDraft:
    segment: Segment
    ref: str | None
    role: TravellerRole
    surname: str | None
    given: str | None
    with_infant: bool = False
    gender: str | None = None
    birth: date | None = None
    nationality: str | None = None
    residence: str | None = None
    birth_place: str | None = None
    documents: list[TravelDocument] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    baggage: list[Baggage] = field(default_factory=list)
    seats: list[str] = field(default_factory=list)
    tickets: list[str] = field(default_factory=list)
    frequent_flyer: list[str] = field(default_factory=list)
    references: list[tuple[str, str]] = field(default_factory=list)

    def add_document(self, document: TravelDocument) -> None:
        for index, known in enumerate(self.documents):
            if (known.kind, known.number) == (document.kind, document.number):
                filled = sum(v is not None for v in (known.expiry, known.birth_date, known.nationality, known.surname))
                better = sum(
                    v is not None
                    for v in (document.expiry, document.birth_date, document.nationality, document.surname)
                )
                if better > filled:
                    self.documents[index] = document
                return
        self.documents.append(document)

    def build(self, locator: str | None) -> Traveller:
        return new_traveller(
            role=self.role,
            surname=self.surname,
            given_names=self.given,
            gender=self.gender,
            birth_date=self.birth,
            nationality=self.nationality,
            residence_country=self.residence,
            birth_place=self.birth_place,
            documents=tuple(self.documents),
            contacts=_unique(self.contacts),
            baggage=_unique_bags(self.baggage),
            seats=_unique(self.seats),
            pnr_locator=locator or None,
            passenger_reference=self.ref,
            ticket_numbers=_unique(self.tickets),
            frequent_flyer=_unique(self.frequent_flyer),
            origin=self.segment.where(),
            references=_unique(self.references),
        )


def _unique(values: list[_T]) -> tuple[_T, ...]:
    """Each value once, in order."""
    return tuple(dict.fromkeys(values)) if len(values) > 1 else tuple(values)


def _unique_bags(bags: list[Baggage]) -> tuple[Baggage, ...]:
    """The same bags are reported once per leg: keep each (count, weight, unit, tags) once."""
    if len(bags) < 2:
        return tuple(bags)
    seen: dict[tuple[object, ...], Baggage] = {}
    for bag in bags:
        seen.setdefault((bag.count, bag.weight, bag.unit, bag.tags), bag)
    return tuple(seen.values())


@dataclass(slots=True)
class LegDraft:
    segment: Segment
    carrier: str | None
    number: str | None
    departure_airport: str | None
    arrival_airport: str | None
    departure: datetime | None
    arrival: datetime | None
    booking_class: str | None
    operating_carrier: str | None = None
    operating_number: str | None = None
    status: str | None = None

    def build(self) -> Leg:
        return new_leg(
            carrier=self.carrier,
            flight_number=self.number,
            departure_airport=self.departure_airport,
            arrival_airport=self.arrival_airport,
            departure=self.departure,
            arrival=self.arrival,
            operating_carrier=self.operating_carrier,
            operating_flight_number=self.operating_number,
            booking_class=self.booking_class,
            status=self.status,
            origin=self.segment.where(),
        )


@dataclass(slots=True)
class PnrDraft:
    segment: Segment
    locator: str | None = None
    carrier: str | None = None
    created: datetime | None = None
    last_modified: datetime | None = None
    ticketed: datetime | None = None
    other_locators: list[str] = field(default_factory=list)
    travellers: list[PaxDraft] = field(default_factory=list)
    legs: list[LegDraft] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    agency: Agency | None = None
    tickets: list[str] = field(default_factory=list)
    baggage: list[Baggage] = field(default_factory=list)
    split_from: list[str] = field(default_factory=list)
    party_size: int | None = None
    history: list[HistoryItem] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    ssrs: list[tuple[Segment, PaxDraft | None]] = field(default_factory=list)
    empty_org: bool = False
    leg_locator: str | None = None
    group_name: str | None = None

    def find(self, ref: str | None = None, surname: str | None = None, given: str | None = None) -> PaxDraft | None:
        """The traveller with this TIF reference, else with this name."""
        if ref:
            for pax in self.travellers:
                if pax.ref == ref:
                    return pax
        if surname:
            for pax in self.travellers:
                if _key(pax.surname) == _key(surname) and (not given or _key(given)[:3] == _key(pax.given)[:3]):
                    return pax
        return None

    def build(self, cancelled: bool) -> Booking:
        locator = self.locator or self.leg_locator or ""
        travellers = tuple([p.build(locator) for p in self.travellers])
        tickets = [*self.tickets, *[t for p in self.travellers for t in p.tickets]]
        return new_booking(
            locator=locator,
            carrier=self.carrier,
            created=self.created,
            last_modified=self.last_modified,
            ticketed=self.ticketed,
            travellers=travellers,
            itinerary=tuple([leg.build() for leg in self.legs]),
            contacts=_unique(self.contacts),
            payments=tuple(self.payments),
            agency=self.agency,
            tickets=_unique(tickets),
            baggage=_unique_bags(self.baggage),
            split_from=_unique(self.split_from),
            party_size=self.party_size,
            history=tuple(self.history),
            remarks=tuple(self.remarks),
            cancelled=cancelled,
            origin=self.segment.where(),
            other_locators=_unique(self.other_locators),
            group_name=self.group_name,
        )


def apply_ssrs(pnr: PnrDraft, ctx: Context, reference: date) -> None:
    """Give every kept SSR of the PNR to its traveller(s) or to the booking."""
    for segment, owner in pnr.ssrs:
        code = segment.get(0).upper()
        refs = pv.ssr_references(segment)
        targets = [p for r in refs if (p := pnr.find(r)) is not None]
        if refs and not targets and len(pnr.travellers) == 1:
            ctx.note(segment, f"traveller reference {quoted(refs[0])} unknown: given to the only traveller")
            targets = list(pnr.travellers)
        if not targets:
            targets = [owner] if owner is not None else pnr.travellers[:1] if len(pnr.travellers) == 1 else []
        _apply(pnr, segment, code, targets, ctx, reference)


def _apply(pnr: PnrDraft, s: Segment, code: str, targets: list[PaxDraft], ctx: Context, reference: date) -> None:
    text = pv.ssr_text(s)
    target = targets[0] if targets else None
    for element in s.cells[1:]:  # seat elements: +15A::1
        place = seat(element[0] if element else "")
        if place is not None:
            ref = element[2].strip() if len(element) > 2 else ""
            pax = pnr.find(ref) if ref else target
            if pax is not None:
                pax.seats.append(place)
    if code == "DOCS":
        _docs(pnr, s, text, target, ctx, reference)
    elif code == "DOCO" and target is not None:
        visa = pv.doco(text, reference)
        if visa is not None:
            target.birth_place = target.birth_place or visa.birth_place
            if visa.number:
                target.add_document(
                    new_document(
                        kind=visa.kind or "V",
                        number=visa.number,
                        issuing_country=visa.country,
                        issued=visa.issued,
                        origin=s.where(),
                    )
                )
    elif code == "DOCA":
        kind, place, address = pv.doca(text)
        if target is not None and kind == "R":
            target.residence = target.residence or place
        if address:
            (target.contacts if target else pnr.contacts).append(new_contact("address", address, s.where()))
    elif code == "INFT" and target is not None:
        _infant(pnr, s, text, target, reference)
    elif code in ("TKNE", "TKNA", "TKNM"):
        number, for_infant = pv.ticket(text)
        holder = _infant_of(pnr, target) if for_infant else target
        if number:
            (holder.tickets if holder else pnr.tickets).append(number)
    elif code in ("FQTV", "FQTR"):
        if target is not None and (value := text.replace(" ", "").upper()):
            target.frequent_flyer.append(value)
    elif code in ("CTCE", "CTCM", "CTCH", "CTCB"):
        found = pv.contact(f"{code} {text}")
        if found:
            (target.contacts if target else pnr.contacts).append(new_contact(found[0], found[1], s.where()))
    elif code not in STRUCTURED and text:
        remark = ctx.free_text(f"SSR {code} {text}")
        if remark:
            pnr.remarks.append(remark)


def _docs(pnr: PnrDraft, s: Segment, text: str, target: PaxDraft | None, ctx: Context, reference: date) -> None:
    found = pv.docs(text, reference)
    if found is None:
        if text:
            ctx.note(s, "unreadable SSR DOCS", "1")
        return
    if found.gender in ("MI", "FI", "UI") and target is not None and target.role is not TravellerRole.INFANT:
        target = _infant_of(pnr, target, found.surname, found.given) or target
    if target is None:
        ctx.note(s, "SSR DOCS for no known traveller")
        return
    if found.number:
        target.add_document(
            new_document(
                kind=found.kind or "?",
                number=found.number,
                issuing_country=found.issuer,
                nationality=found.nationality,
                expiry=found.expiry,
                birth_date=found.birth,
                surname=found.surname,
                given_names=found.given,
                gender=found.gender,
                origin=s.where(),
            )
        )
    target.birth = target.birth or found.birth
    target.gender = target.gender or (found.gender[0] if found.gender else None)
    target.nationality = target.nationality or found.nationality or (found.issuer if found.kind == "P" else None)
    if target.surname is None and found.surname:  # the booking's name stays; the passport's is on the document
        target.surname, target.given = found.surname, target.given or found.given
    elif found.given and _key(target.surname) == _key(found.surname):
        target.given = settle_titles(target.given, found.given)  # the passport tells NINAMS from WILLIAMS


def _infant_of(
    pnr: PnrDraft, adult: PaxDraft | None, surname: str | None = None, given: str | None = None
) -> PaxDraft | None:
    infants = [p for p in pnr.travellers if p.role is TravellerRole.INFANT]
    if surname:
        named = [p for p in infants if _key(p.surname) == _key(surname)]
        if named:
            return named[0]
    return infants[0] if len(infants) == 1 else None


def _infant(pnr: PnrDraft, s: Segment, text: str, adult: PaxDraft, reference: date) -> None:
    surname, given, born = pv.infant(text, reference)
    adult.with_infant = True
    baby = _infant_of(pnr, adult, surname, given)
    if baby is None:
        baby = PaxDraft(s, None, TravellerRole.INFANT, surname or adult.surname, given)
        pnr.travellers.append(baby)
    baby.birth = baby.birth or born


def operating_only(s: Segment) -> bool:
    """``TVL+++++972:M``: the operating flight of the codeshare leg before it."""
    return not (s.get(0) or s.get(1) or s.get(2)) and bool(s.get(4))


def leg_from_tvl(s: Segment, reference: date) -> tuple[LegDraft, bool]:
    """A leg from a TVL (marketing carrier:operating carrier, flight:class); flag unreadable times."""
    (carrier, number, origin, destination, departure, arrival, booking_class, operating), bad = _tvl_values(
        s.cells, reference
    )
    draft = LegDraft(
        segment=s,
        carrier=carrier,
        number=number,
        departure_airport=origin,
        arrival_airport=destination,
        departure=departure,
        arrival=arrival,
        booking_class=booking_class,
        operating_carrier=operating,
    )
    return draft, bad


_Code = str | None
_TvlValues = tuple[_Code, _Code, _Code, _Code, datetime | None, datetime | None, _Code, _Code]


@lru_cache(maxsize=2048)  # a push repeats its flight in every PNR
def _tvl_values(cells: tuple[tuple[str, ...], ...], reference: date) -> tuple[_TvlValues, bool]:
    """A TVL's carrier, flight number, airports, times, class and operating carrier; unreadable-time flag."""
    s = Segment(0, "TVL", cells)
    departure, arrival, bad = pv.tvl_times(s, reference)
    carrier, operating = s.components(3, 2)
    number, booking_class = s.components(4, 2)
    values = (
        clean(carrier.upper()),
        clean(number.upper()),
        clean(s.get(1, 0).upper()),
        clean(s.get(2, 0).upper()),
        departure,
        arrival,
        clean(booking_class.upper()),
        clean(operating.upper()),
    )
    return values, bad
