"""PNRGOV 10.1–16.1 → :class:`TravelMessage` with one :class:`Booking` per PNR.

Group numbers follow GTAS's ``PnrGovParser`` (the shared reference ../shared/docs/domain-travel.md
§5.2). The reader keeps the current group so that a ``TIF`` is a traveller in Gr.2, a check-in entry in Gr.7 and a
history entry in Gr.11, and a ``TVL`` an itinerary leg (Gr.5), a codeshare's operating flight,
a non-air segment (Gr.9) or history (Gr.12). Sensitive SSRs and free text are dropped here, in
every group, before anything reaches the model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from itertools import chain

from tekser.domain.travel import (
    MessageKind,
    TravellerRole,
    TravelMessage,
)
from tekser.errors import quoted
from tekser.ingest.messages import pnr_values as pv
from tekser.ingest.messages.edifact import Segment, is_digits
from tekser.ingest.messages.envelope import EdifactMessage, Interchange, resynchronise_parts
from tekser.ingest.messages.pnr_drafts import LegDraft, PaxDraft, PnrDraft, apply_ssrs, leg_from_tvl, operating_only
from tekser.ingest.messages.pnr_history import STRUCTURED_HISTORY, History, describe
from tekser.ingest.messages.values import (
    Context,
    clean,
    email,
    new_agency,
    new_baggage,
    new_contact,
    new_payment,
    phone,
    seat,
    without_title,
    words,
)

KNOWN_TAGS = words(
    "ABI ADD APD DAT EBD EQN FAR FOP FTI IFT LTS MON MSG ORG "
    "PTK RCI REF RPI SAC SRC SSD SSR TBD TIF TKT TRA TRI TVL TXD"
)
# Most elements a segment may have; more means a lost terminator (edifact.resynchronise).
LIMITS = {"RPI": 2, "ORG": 9, "EQN": 1, "SRC": 0, "APD": 2, "TRI": 2, "SSD": 6, "MSG": 2, "DAT": 5, "TKT": 2, "REF": 2}
PUSHES = {"22": "full", "141": "update"}
GROUP = "G"  # TIF surname qualifier of a group's name


class _Reader:
    def __init__(self, message: EdifactMessage, interchange: Interchange, ctx: Context) -> None:
        self.ctx = ctx
        self.delimiters = interchange.delimiters
        self.result = TravelMessage(
            kind=MessageKind.PNRGOV,
            version=message.version,
            sender=interchange.sender,
            recipient=interchange.recipient,
            interchange_reference=interchange.reference,
            message_reference=message.reference or None,
            common_access_reference=message.common_access,
            prepared_at=interchange.prepared,
            parts=message.parts,
        )
        self.pnr: PnrDraft | None = None
        self.group = 0
        self.pax: PaxDraft | None = None  # Gr.2 traveller
        self.checkin: PaxDraft | None = None  # Gr.7 traveller
        self.history = History()
        self.seen_msg = False
        self.handlers: dict[str, Callable[[Segment], None]] = {
            "RCI": self.rci, "SSR": self.ssr, "DAT": self.dat, "IFT": self.ift, "ORG": self.org, "ADD": self.add,
            "EBD": self.ebd, "TIF": self.tif, "FTI": self.fti, "REF": self.ref, "TKT": self.tkt, "FOP": self.fop,
            "TVL": self.tvl, "TRA": self.tra, "RPI": self.rpi, "TRI": self.tri, "SSD": self.ssd, "TBD": self.tbd,
            "EQN": self.eqn, "MSG": self.msg, "ABI": self.abi, "SAC": self.sac, "LTS": self.lts,
        }  # fmt: skip
        self.ignored = frozenset({"FAR", "MON", "PTK", "TXD", "APD"})

    @property
    def reference(self) -> date:
        for leg in self.result.flights:
            if leg.departure:
                return leg.departure.date()
        return self.ctx.reference

    # -- level 0 -------------------------------------------------------------------------
    def level_zero(self, s: Segment) -> None:
        tag = s.tag
        if tag == "MSG":
            self.seen_msg = True
            self.result.function = s.get(0, 1) or s.get(0) or None
            if self.result.function not in PUSHES:
                self.ctx.note(s, f"unknown push type {quoted(self.result.function)}", "1")
        elif tag == "TVL":
            built = self.leg(s).build()
            key = (built.flight, built.departure_airport, built.arrival_airport, built.departure)
            if all((f.flight, f.departure_airport, f.arrival_airport, f.departure) != key for f in self.result.flights):
                self.result.flights.append(built)  # later parts repeat the pushed flight
        elif tag == "EQN":
            count = s.get(0)
            if is_digits(count):
                self.result.declared_counts["pnrs"] = max(int(count), self.result.declared_counts.get("pnrs", 0))
        elif tag not in ("ORG", "DAT"):
            self.ctx.note(s, f"segment {quoted(tag[:12])} before the first SRC ignored")

    # -- Gr.1 --------------------------------------------------------------------------------
    def rci(self, s: Segment) -> None:
        pnr = self.pnr
        assert pnr is not None
        given = [[*map(str.strip, e), "", "", ""] for e in s.cells if len(e) > 1 and e[1].strip()]
        locators = [f"{e[0]}:{e[1]}" for e in given]
        if self.group == 8:
            pnr.split_from.extend(e[1] for e in given)
        elif self.group >= 10:
            self.history.add(f"RCI {' '.join(locators)}")
        elif self.group == 1 and pnr.locator is None and given:
            first = given[0]
            pnr.carrier, pnr.locator = clean(first[0]), first[1]
            day, time = (first[2], first[3]) if len(first[2]) == 6 else (first[3], first[4])
            pnr.created = pv.pnr_datetime(day, time, self.ctx.reference) if day else None
            pnr.other_locators.extend(locators[1:])
        elif self.group >= 5 and given and pnr.leg_locator is None:
            pnr.leg_locator = given[0][1]

    def dat(self, s: Segment) -> None:
        pnr = self.pnr
        assert pnr is not None
        if self.group >= 10:
            self.history.dated(s, self.ctx.reference)
            return
        if self.group >= 5:
            self.group = 6  # check-in
            return
        for element in s.cells:
            qualifier = element[0].strip() if element else ""
            when = (
                pv.pnr_datetime(element[1], element[2] if len(element) > 2 else "", self.ctx.reference)
                if len(element) > 1
                else None
            )
            if qualifier == "700" and self.group == 1:
                pnr.last_modified = when
            elif qualifier == "710" and when is not None and (pnr.ticketed is None or when < pnr.ticketed):
                pnr.ticketed = when

    def org(self, s: Segment) -> None:
        pnr = self.pnr
        assert pnr is not None
        if self.group >= 5:
            self.group = 6 if self.group < 10 else self.group
            return
        if not any(map(str.strip, chain.from_iterable(s.cells))):  # no element, or all empty
            pnr.empty_org = True
            return
        if self.group == 1 and pnr.agency is None:
            system, location = s.components(0, 2)
            agency, agency_location = s.components(1, 2)
            pnr.agency = new_agency(
                system=clean(system),
                location=clean(location),
                agency_id=clean(agency) or clean(agency_location),
                kind=clean(s.get(4, 0)),
                origin=s.where(),
            )

    def ift(self, s: Segment) -> None:
        pnr = self.pnr
        assert pnr is not None
        qualifier = s.get(0, 1)
        if qualifier == "15":  # fare calculation
            return
        text = pv.free_text(s, self.delimiters)
        if self.group == 4 and qualifier == "43":
            if self.ctx.free_text(text) is not None and pnr.payments and s.get(1):
                last = pnr.payments[-1]
                pnr.payments[-1] = new_payment(
                    last.kind, last.card_type, last.card_last4, last.card_expiry, last.amount, s.get(1), last.origin
                )
            return
        kept = self.ctx.free_text(text)
        if kept is None:
            return
        if self.group >= 10:
            self.history.add(kept)
            return
        found = pv.contact(kept)
        owner = self.pax.contacts if self.pax is not None and self.group in (2, 3) else pnr.contacts
        if found is not None:
            owner.append(new_contact(found[0], found[1], s.where()))
        elif "CTC" not in kept.upper():
            pnr.remarks.append(kept)

    def add(self, s: Segment) -> None:
        pnr = self.pnr
        assert pnr is not None
        owner = self.pax.contacts if self.pax is not None and self.group == 2 else pnr.contacts
        parts = [*map(str.strip, s.element(1)), *[""] * 8]
        address = ", ".join(p for p in (parts[1], parts[2], parts[3], parts[6], parts[5]) if p)
        if address:
            owner.append(new_contact("address", address, s.where()))
        extra = parts[7]
        if extra:
            found = pv.contact(extra)
            if found is None and parts[0].upper() in ("E", "CTCE"):
                found = ("email", value) if (value := email(extra)) else None
            elif found is None:
                found = ("phone", value) if (value := phone(extra)) else None
            if found is not None:
                owner.append(new_contact(found[0], found[1], s.where()))

    def ebd(self, s: Segment) -> None:
        count = s.get(1, 0)
        if self.pnr is not None and is_digits(count):
            self.pnr.baggage.append(new_baggage(count=int(count), origin=s.where()))

    # -- Gr.2 to Gr.4 ------------------------------------------------------------------------
    def tif(self, s: Segment) -> None:
        pnr = self.pnr
        assert pnr is not None
        if s.get(0, 1).upper() == GROUP:
            self.group_tif(s, pnr)
            return
        surname = clean(s.get(0).upper())
        name = s.components(1, 4)
        given_raw, kind, ref = name[0].upper(), name[1].upper(), clean(name[2])
        given = without_title(clean(given_raw))
        if self.group in (6, 7):
            self.checkin = pnr.find(ref, surname, given)
            self.group = 7
            if self.checkin is None:
                self.ctx.note(s, "checked-in traveller not in the PNR")
            return
        if self.group >= 10:
            self.history.add(f"name {surname or ''}/{given_raw}")
            return
        role = TravellerRole.INFANT if kind in ("IN", "INF") else TravellerRole.PASSENGER
        if surname is None and given is None:
            self.ctx.note(s, "traveller without a name", "1")
        self.pax = PaxDraft(s, ref, role, surname, given, with_infant=name[3] == "1")
        pnr.travellers.append(self.pax)
        self.group = 2

    def group_tif(self, s: Segment, pnr: PnrDraft) -> None:
        """``TIF+ACME TEAM PARTY:G``: a group booking's name. Not a person: never a traveller (so
        never screened); kept as the booking's group name."""
        name = clean(" ".join(s.get(0).upper().split()))
        if self.group >= 10:
            self.history.add(f"group name {name or ''}")
            return
        if self.group in (6, 7):
            self.checkin, self.group = None, 7
            return
        if name is not None and pnr.group_name not in (None, name):
            self.ctx.note(s, f"second group name {quoted(name)} ignored (the group is {quoted(pnr.group_name)})", "1")
        elif name is not None:
            pnr.group_name = name
        self.pax, self.group = None, 2  # what follows in Gr.2 belongs to the booking

    def fti(self, s: Segment) -> None:
        if self.pax is not None and self.group == 2:
            number = s.get(0, 1)
            if number:
                self.pax.frequent_flyer.append(f"{s.get(0, 0)}{number}".upper())

    def ref(self, s: Segment) -> None:
        value = clean(s.get(0, 1)) or clean(s.get(0, 0))
        if self.pax is not None and self.group == 2 and value:
            self.pax.references.append(("REF", value))

    def tkt(self, s: Segment) -> None:
        if self.group >= 10:
            return
        number = clean(s.get(0))
        if number and self.pnr is not None:
            (self.pax.tickets if self.pax is not None else self.pnr.tickets).append(number)
        self.group = 3

    def fop(self, s: Segment) -> None:
        self.group = 4
        found, unmasked = pv.payments(s)
        if unmasked:
            self.ctx.note(s, "unmasked card number received: only the last four digits kept", "1")
        if self.pnr is not None:
            self.pnr.payments.extend(found)

    # -- Gr.5 to Gr.9 -------------------------------------------------------------------------
    def leg(self, s: Segment) -> LegDraft:
        draft, bad = leg_from_tvl(s, self.ctx.reference)
        if bad:
            self.ctx.note(s, "unreadable date or time", "1")
        return draft

    def tvl(self, s: Segment) -> None:
        pnr = self.pnr
        assert pnr is not None
        if self.group == 9:
            return  # hotel, car, rail: not a flight
        if self.group >= 10:
            self.group = 12
            self.history.add(f"TVL {describe(self.leg(s).build())}")
            return
        if operating_only(s):
            if pnr.legs:
                leg = pnr.legs[-1]
                leg.operating_number = clean(s.get(4, 0).upper())
                leg.operating_carrier = clean(s.get(3, 0).upper()) or leg.operating_carrier or leg.carrier
            else:
                self.ctx.note(s, "operating flight without a marketing flight")
            return
        pnr.legs.append(self.leg(s))
        self.pax, self.checkin, self.group = None, None, 5

    def tra(self, s: Segment) -> None:
        if self.pnr is not None and self.pnr.legs and self.group == 5:
            leg = self.pnr.legs[-1]
            leg.operating_carrier = clean(s.get(0, 0).upper()) or leg.operating_carrier
            leg.operating_number = clean(s.get(1, 0).upper()) or leg.operating_number

    def rpi(self, s: Segment) -> None:
        pnr = self.pnr
        assert pnr is not None
        status = clean(s.get(1).upper())
        if self.group >= 10:
            self.history.add(f"status {status or ''}")
            return
        if pnr.legs and self.group >= 5:
            pnr.legs[-1].status = status
        size = s.get(0)
        if is_digits(size):
            pnr.party_size = max(int(size), pnr.party_size or 0)

    def tri(self, s: Segment) -> None:
        if self.group < 10:
            self.group = 7
            self.checkin = None

    def ssd(self, s: Segment) -> None:
        place = seat(s.get(0))
        if self.group == 7 and self.checkin is not None and place:
            self.checkin.seats.append(place)

    def tbd(self, s: Segment) -> None:
        pnr = self.pnr
        assert pnr is not None
        bags = pv.baggage(s, s.where())
        if bags is None:
            return
        if self.group >= 10:
            self.history.add(f"bags {bags.count or 0}")
        elif self.group == 7 and self.checkin is not None:
            self.checkin.baggage.append(bags)
        else:
            pnr.baggage.append(bags)

    def eqn(self, s: Segment) -> None:
        self.group = 8

    def msg(self, s: Segment) -> None:
        self.group = 9

    # -- Gr.10 to Gr.12, LTS -------------------------------------------------------------------
    def abi(self, s: Segment) -> None:
        self.history.credit(s)
        self.group = 10

    def sac(self, s: Segment) -> None:
        self.history.start(s)
        self.group = 11

    def lts(self, s: Segment) -> None:
        kept = self.ctx.free_text(pv.free_text(s, self.delimiters, 0))
        if kept is not None and self.pnr is not None:
            self.pnr.remarks.append(kept)

    def ssr(self, s: Segment) -> None:
        pnr = self.pnr
        assert pnr is not None
        code = s.get(0).upper()
        if self.ctx.sensitive.ssr_category(code) is not None:
            self.ctx.drop(code)  # the segment goes no further, in any group
            return
        if self.group >= 10:
            text = pv.ssr_text(s)
            if code not in STRUCTURED_HISTORY and text:
                kept = self.ctx.free_text(text)
                if kept is None:
                    return
            seats = [e[0].strip() for e in s.cells[1:] if e and e[0].strip()]
            self.history.add(" ".join(["SSR", code, *seats]))
            return
        pnr.ssrs.append((s, self.pax if self.group in (2, 3, 4) else None))

    # -- driver -------------------------------------------------------------------------------
    def open_pnr(self, s: Segment) -> None:
        self.close_pnr()
        self.pnr = PnrDraft(s)
        self.group = 1
        self.pax = self.checkin = None

    def close_pnr(self) -> None:
        pnr = self.pnr
        if pnr is None:
            return
        pnr.history = self.history.take()
        apply_ssrs(pnr, self.ctx, self.reference)
        empty = not pnr.travellers and not pnr.legs
        cancelled = empty and (pnr.empty_org or self.result.function == "141")
        if empty and not cancelled:
            self.ctx.note(pnr.segment, "PNR without travellers or itinerary")
        if cancelled and self.result.function != "141":
            self.ctx.note(pnr.segment, "cancelled PNR in a full push")
        if not (pnr.locator or pnr.leg_locator):
            self.ctx.note(pnr.segment, "PNR without a record locator (RCI)")
        self.result.bookings.append(pnr.build(cancelled))
        self.pnr = None
        self.pax = self.checkin = None

    def run(self, segments: Sequence[Segment], part_starts: list[int]) -> TravelMessage:
        starts = set(part_starts[1:])
        handlers, ignored = self.handlers, self.ignored
        for index, s in enumerate(segments):
            if index in starts:
                self.close_pnr()
            tag = s.tag
            if tag == "SRC":
                self.open_pnr(s)
            elif self.pnr is None:
                self.level_zero(s)
            elif (handler := handlers.get(tag)) is not None:
                handler(s)
            elif tag not in ignored:
                self.ctx.note(s, f"unexpected segment {quoted(tag[:12])} ignored")
        self.close_pnr()
        return self.finish()

    def finish(self) -> TravelMessage:
        result = self.result
        if not self.seen_msg:
            self.ctx.note(None, "no MSG segment: push type unknown")
        declared = result.declared_counts.get("pnrs")
        if declared is not None and declared != len(result.bookings):
            self.ctx.note(None, f"EQN declares {declared} PNRs, the message holds {len(result.bookings)}")
        return result


def parse_pnrgov(message: EdifactMessage, interchange: Interchange, ctx: Context) -> TravelMessage:
    segments, part_starts = resynchronise_parts(message, LIMITS, KNOWN_TAGS, ctx.findings)
    return _Reader(message, interchange, ctx).run(segments, part_starts)
