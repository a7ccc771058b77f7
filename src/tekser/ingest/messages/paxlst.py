"""PAXLST (API) D02B/D05B/D15B → :class:`TravelMessage`.

Group-aware: a ``DTM`` is a schedule time in SG3 (189/232), a date of birth in SG4 (329) and a
document date in SG5 (36 expiry, 182 issue); ``LOC`` likewise. Deviations are findings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tekser.domain.travel import (
    Contact,
    MessageKind,
    TravellerRole,
    TravelMessage,
)
from tekser.errors import quoted
from tekser.ingest.messages.edifact import Segment, is_digits
from tekser.ingest.messages.envelope import EdifactMessage, Interchange, resynchronise_parts
from tekser.ingest.messages.paxlst_drafts import (
    DocumentDraft,
    Person,
    Stop,
    Transport,
    bag_tags,
    build_legs,
    build_traveller,
    dtm_value,
    split_flight,
)
from tekser.ingest.messages.values import (
    Context,
    at,
    clean,
    country_checked,
    near_date,
    new_contact,
    seat,
    words,
)

ROLES = {
    "FL": TravellerRole.PASSENGER,
    "FM": TravellerRole.CREW,
    "DDU": TravellerRole.TRANSIT_PASSENGER,
    "DDT": TravellerRole.TRANSIT_CREW,
}
KNOWN_TAGS = words("ATT AUT BGM CNT COM CPI CTA DOC DTM EMP FTX GEI GID GIS LOC MEA NAD NAT PDT QTY RFF SEL TDT UNS")
# Most elements a segment may have; more means a segment terminator was lost (see resynchronise).
LIMITS = {"BGM": 4, "ATT": 3, "DTM": 1, "NAT": 2, "GEI": 2, "CNT": 2, "MEA": 4, "RFF": 1, "LOC": 5, "DOC": 5, "TDT": 9}
COM_KINDS = {"TE": "phone", "FX": "fax", "EM": "email"}


class _Reader:
    def __init__(self, message: EdifactMessage, interchange: Interchange, ctx: Context) -> None:
        self.ctx = ctx
        self.interchange = interchange
        self.result = TravelMessage(
            kind=MessageKind.PAXLST,
            version=message.version,
            sender=interchange.sender,
            recipient=interchange.recipient,
            interchange_reference=interchange.reference,
            message_reference=message.reference or None,
            common_access_reference=message.common_access,
            prepared_at=interchange.prepared,
            parts=message.parts,
        )
        self.group = "header"
        self.transports: list[Transport] = []
        self.people: list[Person] = []
        self.stop: Stop | None = None
        self.person: Person | None = None
        self.document: DocumentDraft | None = None
        self.lower_case = False

    # -- header, SG1, SG2/SG3 -------------------------------------------------------------
    def bgm(self, s: Segment) -> None:
        self.result.function = s.get(0) or None
        self.result.function_detail = s.get(1) or None
        if self.result.function and self.result.function not in ("745", "250", "266", "336", "655"):
            self.ctx.note(s, f"unknown document code {quoted(self.result.function)}", "1")

    def nad(self, s: Segment) -> None:
        qualifier = s.get(0).upper()
        if qualifier in ("MS", "CTA", "COM") or (qualifier not in ROLES and not self.transports):
            self.group = "sg1"
            names = [c.strip() for c in s.element(3) if c.strip()] or [s.get(1)]
            self.result.reporting_party = " ".join(n for n in names if n) or self.result.reporting_party
            return
        role = ROLES.get(qualifier)
        if role is None:
            self.ctx.note(s, f"unknown party qualifier {quoted(qualifier)}: read as a passenger", "1")
            role = TravellerRole.PASSENGER
        self.document = None
        self.group = "sg4"
        person = Person(s, role)
        parts = list(map(str.strip, s.element(3)))
        if not self.lower_case:
            letters = "".join(parts)
            # ASCII: a lower-case letter is exactly what upper() changes; else ask every character.
            if letters != letters.upper() if letters.isascii() else any(map(str.islower, letters)):
                self.lower_case = True
        surname = parts[0] if parts else ""
        person.surname = clean(surname.upper())
        given = parts[1:]
        kept = list(map(clean, given))
        person.given = " ".join([p.upper() for p, k in zip(given, kept, strict=True) if k]) or None
        # A placeholder among the given names: more of them dropped than were empty.
        if (surname and person.surname is None) or kept.count(None) > given.count(""):
            self.ctx.note(s, "placeholder in the name read as missing", "4")
        if person.surname is None and person.given is None:
            self.ctx.note(s, "traveller without a name", "4")
        if s.count() > 4:
            address = [s.get(4, 0), s.get(5, 0), s.get(6, 3) or s.get(6, 0), s.get(7, 0), s.get(8, 0)]
            if any(address):
                person.address = ", ".join(a for a in address if a)
                person.contacts += (new_contact("address", person.address, s.where()),)
        self.person = person
        self.people.append(person)

    def tdt(self, s: Segment) -> None:
        self.close_person()
        self.group = "sg2"
        carrier, number = split_flight(s.get(1), clean(s.get(4).upper()))
        if number is None:
            self.ctx.note(s, "transport without a flight identifier", "2")
        self.transports.append(Transport(s, carrier, number))
        self.stop = None

    def schedule(self, s: Segment) -> None:
        """DTM inside SG2/SG3."""
        qualifier = s.get(0)
        day, time = dtm_value(s.get(0, 1))
        when = at(near_date(day, self.ctx.reference), time)
        if when is None and s.get(0, 1):
            self.ctx.note(s, f"unreadable date {quoted(s.get(0, 1))}", "1")
        if self.stop is None:
            return
        if qualifier == "189":
            self.stop.departure = when
        elif qualifier == "232":
            self.stop.arrival = when

    def loc_transport(self, s: Segment) -> None:
        qualifier, airport = s.get(0), clean(s.get(1).upper())
        if qualifier not in ("125", "87", "92") or not self.transports:
            self.stop = None
            return
        if airport is None:
            self.ctx.note(s, "location without an airport code", "2")
            self.stop = None
            return
        self.stop = Stop(airport, qualifier, s)
        self.transports[-1].stops.append(self.stop)

    # -- SG4 / SG5 --------------------------------------------------------------------------
    def person_handlers(self) -> dict[str, Callable[[Segment, Person], None]]:
        return {
            "ATT": self.attribute, "DTM": self.person_date, "LOC": self.person_location, "NAT": self.nationality,
            "MEA": self.measure, "GEI": self.verification, "FTX": self.free_text, "COM": self.communication,
            "RFF": self.person_reference, "DOC": self.document_segment,
        }  # fmt: skip

    def attribute(self, s: Segment, person: Person) -> None:
        person.gender = clean(s.get(2).upper()) or person.gender

    def person_date(self, s: Segment, person: Person) -> None:
        qualifier, value = s.get(0), s.get(0, 1)
        if qualifier == "329":
            person.birth = dtm_value(value)[0]
            if person.birth is None and clean(value):
                self.ctx.note(s, f"unreadable date of birth {quoted(value)}", "1")
        elif self.document is not None:
            self.document_date(s, self.document, qualifier, value)

    def nationality(self, s: Segment, person: Person) -> None:
        person.nationality = self.country(s, s.get(1), "2")

    def verification(self, s: Segment, person: Person) -> None:
        if s.get(0) == "4":
            person.verified = {"173": True, "174": False}.get(s.get(1), person.verified)

    def free_text(self, s: Segment, person: Person) -> None:
        if s.get(0).upper() == "BAG" and (first := clean(s.get(3, 0))):
            count = s.get(3, 1)
            person.tags += tuple(bag_tags(first.upper(), int(count) if is_digits(count) else None))

    def communication(self, s: Segment, person: Person) -> None:
        person.contacts += tuple(_contacts(s))

    def document_segment(self, s: Segment, person: Person) -> None:
        kind, number = s.get(0).upper(), clean(s.get(1))
        if number is None:
            self.ctx.note(s, "document without a number ignored", "2")
        self.document = DocumentDraft(s, kind or "?", number)
        person.documents += (self.document,)

    def person_location(self, s: Segment, person: Person) -> None:
        qualifier, given = s.get(0), s.get(1)
        if qualifier == "91" and self.document is not None:
            self.document.country = self.country(s, given, "2")
        elif qualifier == "22":
            person.clearance = clean(given.upper())
        elif qualifier == "174":
            person.residence = self.country(s, given, "2")
        elif qualifier == "178":
            person.embarkation = clean(given.upper())
        elif qualifier == "179":
            person.debarkation = clean(given.upper())
        elif qualifier == "180":
            person.birth_place = clean(s.get(1, 3)) or clean(given)

    def person_reference(self, s: Segment, person: Person) -> None:
        qualifier, value = s.get(0).upper(), clean(s.get(0, 1))
        if value is None:
            return
        if qualifier == "AVF":
            person.locator = value
        elif qualifier == "ABO":
            person.reference = value
        elif qualifier == "SEA":
            if (place := seat(value)) is not None:
                person.seats += (place,)
        elif qualifier == "YZY":
            person.tickets += (value,)
        else:
            person.references += ((qualifier, value),)

    def measure(self, s: Segment, person: Person) -> None:
        qualifier, unit, value = s.get(0).upper(), s.get(2, 0).upper(), s.get(2, 1)
        try:
            number = float(value.replace(",", "."))
        except ValueError:
            if value:
                self.ctx.note(s, f"unreadable measurement {quoted(value)}", "3")
            return
        if qualifier == "CT":
            person.bags = int(number)
        elif qualifier == "WT":
            person.weight, person.unit = number, unit or None

    def document_date(self, s: Segment, document: DocumentDraft, qualifier: str, value: str) -> None:
        parts = dtm_value(value)[0]
        if parts is None and clean(value):
            self.ctx.note(s, f"unreadable document date {quoted(value)}", "1")
        if qualifier == "36":
            document.expiry = parts
        elif qualifier == "182":
            document.issued = parts

    def country(self, s: Segment, value: str, element: str) -> str | None:
        code, known = country_checked(value)
        if code is not None and not known:
            self.ctx.note(s, f"unknown country code {quoted(value.strip())} kept as given", element)
        return code

    def cnt(self, s: Segment) -> None:
        qualifier = s.get(0)
        value = s.get(0, 1) or s.get(1)
        if not is_digits(value):
            self.ctx.note(s, f"unreadable control total {quoted(value)}", "1")
            return
        key = {"42": "passengers", "41": "crew"}.get(qualifier, qualifier)
        self.result.declared_counts[key] = max(int(value), self.result.declared_counts.get(key, 0))

    # -- driver -------------------------------------------------------------------------------
    def close_person(self) -> None:
        self.person = None
        self.document = None

    def segment(self, s: Segment) -> None:
        tag = s.tag
        if tag == "NAD":
            self.nad(s)
        elif tag == "TDT":
            self.tdt(s)
        elif tag == "BGM":
            self.bgm(s)
        elif tag == "CNT":
            self.close_person()
            self.cnt(s)
        elif tag == "LOC" and self.group == "sg2" and self.person is None:
            self.loc_transport(s)
        elif tag == "DTM" and self.group == "sg2" and self.person is None:
            self.schedule(s)
        elif tag == "COM" and self.group == "sg1":
            self.result.reporting_contacts.extend(_contacts(s))
        elif tag == "CTA" and self.group == "sg1":
            self.result.reporting_party = self.result.reporting_party or clean(s.get(1, 1))
        elif tag == "RFF" and s.get(0).upper() == "TN":
            self.result.transaction_reference = clean(s.get(0, 1))
        elif tag not in KNOWN_TAGS:
            self.ctx.note(s, f"unexpected segment {quoted(tag[:12])} ignored")

    def run(self, segments: Sequence[Segment], part_starts: list[int]) -> TravelMessage:
        bounds = [*part_starts[1:], len(segments)]
        for begin, end in zip(part_starts, bounds, strict=True):
            if begin:  # a new part repeats the header groups
                self.close_person()
                self.group = "header"
            self.read(segments[begin:end] if len(part_starts) > 1 else segments)
        return self.finish()

    def read(self, segments: Sequence[Segment]) -> None:
        handlers, other = self.person_handlers(), self.segment
        for s in segments:
            person = self.person
            if person is not None and (handler := handlers.get(s.tag)) is not None:
                handler(s, person)
            else:
                other(s)

    def finish(self) -> TravelMessage:
        result = self.result
        result.flights = build_legs(self.transports, self.ctx)
        departures = [leg.departure.date() for leg in result.flights if leg.departure]
        reference = min(departures) if departures else self.ctx.reference
        result.travellers = [build_traveller(p, reference, self.ctx) for p in self.people]
        if self.lower_case:
            self.ctx.note(None, "lower-case letters in names (upper-cased)")
        counted = {
            "passengers": sum(
                t.role in (TravellerRole.PASSENGER, TravellerRole.TRANSIT_PASSENGER) for t in result.travellers
            ),
            "crew": sum(t.role in (TravellerRole.CREW, TravellerRole.TRANSIT_CREW) for t in result.travellers),
        }
        for key, declared in result.declared_counts.items():
            if key in counted and counted[key] != declared:
                self.ctx.note(None, f"CNT declares {declared} {key}, the message lists {counted[key]}")
        return result


def _contacts(s: Segment) -> list[Contact]:
    """COM+number:TE+number:FX+address:EM."""
    found = []
    for element in s.cells:
        value = clean(element[0] if element else "")
        if value:
            found.append(
                new_contact(
                    COM_KINDS.get(element[1].strip().upper() if len(element) > 1 else "", "phone"), value, s.where()
                )
            )
    return found


def parse_paxlst(message: EdifactMessage, interchange: Interchange, ctx: Context) -> TravelMessage:
    segments, part_starts = resynchronise_parts(message, LIMITS, KNOWN_TAGS, ctx.findings)
    return _Reader(message, interchange, ctx).run(segments, part_starts)
