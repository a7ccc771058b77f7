"""Real PNRGOV messages (GTAS fixtures), read in place from the shared folder.

Every expected value below was read from the raw message text, not from the parser's output.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from tests.ingest.messages.helpers import as_json, booking, contacts, has_finding, parse_file, person

from tekser.domain.travel import MessageKind, TravellerRole, TravelMessage
from tekser.errors import MessageError
from tekser.ingest.messages import parse_message

pytestmark = pytest.mark.shared_data

# Files GTAS keeps as deliberately broken; tekser must either read them or refuse them clearly.
BROKEN: set[str] = set()  # pnrBadFormat.txt is readable: its damage is after UNZ (see below)


def real(shared_data: Path, name: str) -> TravelMessage:
    return parse_file(shared_data / "messages" / "gtas" / "pnr" / name)


def test_every_real_pnrgov_parses(shared_data: Path) -> None:
    files = sorted((shared_data / "messages" / "gtas" / "pnr").iterdir())
    assert len(files) >= 25
    for path in files:
        if path.name in BROKEN:
            with pytest.raises(MessageError):
                parse_message(path.read_bytes(), name=path.name)
            continue
        message = parse_message(path.read_bytes(), name=path.name)
        assert message.kind is MessageKind.PNRGOV, path.name
        assert message.bookings, path.name


def legs(message: TravelMessage, locator: str) -> list[tuple[str, str | None, str | None]]:
    return [(leg.flight, leg.departure_airport, leg.arrival_airport) for leg in booking(message, locator).itinerary]


def test_two_pnrs_basic(shared_data: Path) -> None:
    message = real(shared_data, "2_pnrs_basic.edi")
    assert (message.version, message.function, message.declared_counts) == ("10:1", "22", {"pnrs": 2})
    assert [b.locator for b in message.bookings] == ["MFN4TI", "23456"]
    first = booking(message, "MFN4TI")
    assert (first.carrier, first.last_modified, first.ticketed) == (
        "DL",
        datetime(2010, 12, 6, 10, 10),
        datetime(2010, 12, 6, 12, 0),
    )
    assert first.agency is not None
    assert (first.agency.system, first.agency.location, first.agency.agency_id, first.agency.kind) == (
        "DL",
        "ATL",
        "52519950",
        "A",
    )
    assert ("address", "45 HIGHSTREET, SLOUGH, BERKSHIRE, SL1AA, GB") in contacts(first)  # "HIGH" / "STREET" wrap
    assert ("phone", "00441753637285") in contacts(first)
    assert legs(message, "MFN4TI") == [("DL324", "LHR", "JFK"), ("DL330", "JFK", "YVR")]
    assert first.itinerary[0].departure == datetime(2010, 12, 12, 9, 15)
    assert first.itinerary[0].arrival == datetime(2010, 12, 12, 12, 30)
    assert first.itinerary[1].status == "HK"
    assert first.split_from == ("ABCDEF",)  # Gr.8 EQN+1 RCI+DL:ABCDEF
    assert [b.count for b in first.baggage] == [4]  # EBD+GBP:40.00+4::N
    assert "THIS PASSENGER IS A VIP" in first.remarks
    smith = person(first.travellers, "SMITHJR")
    assert (smith.given_names, smith.birth_date, smith.nationality, smith.passenger_reference) == (
        "JOHN",  # TIF JOHNMR without the title
        date(1964, 7, 12),
        "GB",
        "1",
    )
    (passport,) = smith.documents
    assert (passport.number, passport.issuing_country, passport.expiry) == ("123456789", "GB", date(2019, 8, 23))
    assert (passport.surname, passport.given_names) == ("SMITHJR", "MRJONATHON ROBERT")  # "SMITHJ" / "R" wrap
    assert smith.seats == ("15A", "15E")
    assert smith.frequent_flyer == ("DL1234567890",)
    assert smith.ticket_numbers == ("0062120234533",)
    jones = person(first.travellers, "JONES")
    assert (jones.documents, jones.birth_date, jones.gender) == ((), date(1964, 7, 12), "M")  # DOCS without number
    assert jones.seats == ("15B", "15F")
    card = first.payments[0]
    assert (card.kind, card.card_type, card.card_last4, card.card_expiry, card.holder) == (
        "CC",
        "VI",
        "1186",
        "0211",
        "TIMOTHY SIMS",
    )
    cancelled = [h for h in first.history if h.action == "X"]
    assert any("DL324 LHR-JFK 2010-12-10" in h.what for h in cancelled)
    assert all(h.at == datetime(2010, 12, 7, 10, 10) for h in first.history)
    assert message.sensitive_dropped == {"AVML": 5}  # one in Gr.1, four in the history groups
    second = booking(message, "23456")
    assert second.agency is not None and (second.agency.system, second.agency.kind) == ("1A", "T")
    wayne = person(second.travellers, "WAYNE")
    assert wayne.birth_date == date(1912, 7, 12)  # 12JUL12 before a 2010 flight: the 1900s
    cooper = person(second.travellers, "COOPER")
    assert [(d.number, d.expiry) for d in cooper.documents] == [("987654321", date(2013, 1, 15))]
    assert [p.card_last4 for p in second.payments] == ["1186", "3578"]
    assert [(h.action, h.what) for h in second.history] == [("X", "name WAYNE/JONMR"), ("A", "name WAYNE/JOHNMR")]


def test_adult_and_infant(shared_data: Path) -> None:
    message = real(shared_data, "adult_and_infant.edi")
    (flight,) = message.flights
    assert (flight.flight, flight.departure_airport, flight.arrival_airport) == ("AM498", "MTY", "LAS")
    assert (flight.departure, flight.arrival) == (datetime(2013, 5, 23, 10, 39), datetime(2013, 5, 23, 11, 42))
    pnr = booking(message, "XXXYET")
    assert pnr.created == datetime(2013, 4, 30, 11, 55)
    adult = person(pnr.travellers, "TESTSURNAMEONE")
    assert (adult.role, adult.given_names, adult.birth_date) == (
        TravellerRole.PASSENGER,
        "TESTNAMEONE",
        date(1976, 5, 30),
    )
    assert [(d.number, d.issuing_country, d.expiry) for d in adult.documents] == [
        ("52263000", "CO", date(2015, 10, 31))
    ]
    infant = person(pnr.travellers, "TESTSURNAMETWO")
    assert (infant.role, infant.given_names, infant.birth_date, infant.gender) == (
        TravellerRole.INFANT,
        "TESTNAMETWO",
        date(2011, 8, 10),
        "F",
    )
    assert [(d.number, d.issuing_country, d.expiry, d.gender) for d in infant.documents] == [
        ("AO234000", "CO", date(2022, 12, 21), "FI")  # COL → CO; the FI DOCS belongs to the infant
    ]
    assert infant.ticket_numbers == ("1392178947000",)  # TKNE INF1392178947000C2
    assert legs(message, "XXXYET") == [("AM709", "BOG", "MEX"), ("AM445", "MEX", "CUN"), ("AM718", "CUN", "BOG")]
    assert pnr.itinerary[0].status == "YG"
    assert "SSR OTHS ADV TKT NUMBER BY 03MAY13 1800CO OR WILL CANCEL" in pnr.remarks


def test_big_message_one_pnr_seven_travellers(shared_data: Path) -> None:
    message = real(shared_data, "bigMessagePnr.txt")
    pnr = booking(message, "86C92D")
    assert len(pnr.travellers) == 7
    assert has_finding(message, "EQN declares 7 PNRs, the message holds 1")
    holcombe = person(pnr.travellers, "HOLCOMBE")
    assert (holcombe.given_names, holcombe.birth_date) == ("LORELEI", date(1998, 8, 12))
    assert contacts(holcombe) == [("email", "lorelei.holcombe@hotmail.com")]
    assert holcombe.seats == ("38E",)
    assert person(pnr.travellers, "SLOCOMBE").contacts[0].value == "lucy_slocombe@gmail.com"  # LUCY..SLOCOMBE
    michaels = person(pnr.travellers, "MICHAELS")
    assert [(b.count, b.weight, b.unit, b.tags) for b in michaels.baggage] == [
        (4, 26.0, "LBR", ("ET0455", "ET0456", "ET0457", "ET0458"))
    ]
    assert person(pnr.travellers, "HOU").seats == ()  # six seats for seven travellers
    assert [p.card_last4 for p in pnr.payments] == ["2786", "6916", "8194", "9202", None, "9490", "5205"]
    assert pnr.payments[4].kind == "CA"
    assert has_finding(message, "message reference missing")


def test_dangling_meta_character(shared_data: Path) -> None:
    message = real(shared_data, "danglingMetaCharacter.txt")
    pnr = booking(message, "BGXFR4")
    (serio,) = pnr.travellers
    assert (serio.surname, serio.given_names, serio.birth_date, serio.nationality) == (
        "SERIO",
        "REUBEN",
        date(1994, 10, 20),
        "TH",
    )
    assert contacts(serio) == [("email", "reuben_serio@gmail.com"), ("phone", "1234536789"), ("phone", "8667464647")]
    assert "AA 1A-IP ADDRESS OF THE BOOKING 987.654.321" in pnr.remarks  # split at "-" and rejoined
    assert legs(message, "BGXFR4") == [("VS138", "JFK", "LHR"), ("BA117", "LHR", "JFK"), ("DL441", "JFK", "MBJ")]
    assert pnr.itinerary[0].arrival == datetime(2020, 2, 22, 9, 0)
    assert serio.seats == ("1A",)
    assert [(b.count, b.weight, b.unit, b.tags) for b in serio.baggage] == [(1, 44.0, "KGM", ("VS48521",))]
    assert [(p.kind, p.amount) for p in pnr.payments] == [("MS", "100.00")]
    assert has_finding(message, "reference '0.2198557' does not match UNB '0.579602'")


def test_codeshare_and_lost_terminator(shared_data: Path) -> None:
    message = real(shared_data, "modifyPnr77ForCodeShare.txt")
    assert message.common_access_reference == "AUTZ000623052013221001SIN20130528"  # wrapped inside UNH
    pnr = booking(message, "W9TEND")
    assert pnr.created == datetime(2013, 5, 23, 18, 13, 48)
    by_flight = {leg.flight: leg for leg in pnr.itinerary}
    assert (by_flight["SQ5678"].operating_carrier, by_flight["SQ5678"].operating_flight_number) == ("SK", "1524")
    assert (by_flight["DL8976"].operating_carrier, by_flight["DL8976"].operating_flight_number) == ("KL", "972")
    assert by_flight["TZ0002"].arrival is None  # arrival time 4321
    assert has_finding(message, "unreadable date or time")
    assert has_finding(message, "segment terminator missing before IFT")  # RPI+1+HKIFT+4:19+…
    (traveller,) = pnr.travellers
    assert traveller.documents[0].surname == "VANDENBERG"  # "VANDENBE" / "RG" wrap
    assert ("phone", "5555555555") in contacts(pnr)
    added = [h.what for h in pnr.history if h.action == "A"]
    assert any("GN FROM NONE TO ACME TEAM PARTY" in what for what in added)
    assert any("TZ0006 SIN-OOL 2013-05-28" in h.what for h in pnr.history if h.action == "X")


def test_multiple_flight_legs_with_operating_carriers(shared_data: Path) -> None:
    message = real(shared_data, "multiple_flight_leg_pnr.txt")
    pnr = booking(message, "80F4E3")
    assert legs(message, "80F4E3") == [
        ("UA989", "IAD", "FRA"),
        ("UA8749", "FRA", "KWI"),
        ("UA8750", "KWI", "FRA"),
        ("UA988", "FRA", "IAD"),
    ]
    assert [(leg.operating_carrier, leg.operating_flight_number) for leg in pnr.itinerary[1:3]] == [
        ("LH", "624"),
        ("LH", "625"),
    ]
    assert pnr.itinerary[0].arrival == datetime(2018, 5, 5, 7, 20)
    assert person(pnr.travellers, "CHENNAPRAGADA").seats == ("26K",)
    assert person(pnr.travellers, "NUTTALL").seats == ("43E",)
    assert has_finding(message, "EQN declares 2 PNRs, the message holds 1")


def test_no_pnr_history_backslash_release(shared_data: Path) -> None:
    message = real(shared_data, "no_pnr_history.edi")
    assert [b.locator for b in message.bookings] == ["3MZVP2", "33O6DK", "35K2IO"]
    assert not has_finding(message, "EQN")
    first = booking(message, "3MZVP2")
    assert first.other_locators == ("AC:P46KA5",)
    (jacks,) = first.travellers
    assert (jacks.surname, jacks.given_names, jacks.birth_date, jacks.documents) == (
        "JACKS",
        "JAMES",
        date(1966, 4, 21),
        (),
    )
    leg = first.itinerary[0]
    assert (leg.flight, leg.operating_carrier, leg.operating_flight_number) == ("AC9099", "LH", "474")
    carrera = booking(message, "33O6DK").travellers[0]
    assert [(d.number, d.issuing_country, d.expiry) for d in carrera.documents] == [
        ("YA0196755", "IT", date(2020, 1, 11))
    ]
    assert carrera.frequent_flyer == ("LH992223782028813",)
    third = booking(message, "35K2IO")
    assert [(t.surname, t.birth_date) for t in third.travellers] == [
        ("DORON", date(1953, 2, 5)),
        ("LENDROT", date(1952, 2, 14)),
    ]
    assert third.party_size == 2
    assert all(not b.history for b in message.bookings)


@pytest.mark.parametrize("name", ["pnr1.txt", "pnrMessage.txt"])
def test_pnr_message_drops_avml_everywhere(shared_data: Path, name: str) -> None:
    message = real(shared_data, name)
    pnr = booking(message, "MFN4TI")
    assert [t.surname for t in pnr.travellers] == ["SMITHJR", "JONES"]
    assert message.sensitive_dropped == {"AVML": 5}
    assert "AVML" not in as_json(message, without_drop_counts=True)
    assert "AVML" not in repr(message.bookings)
    assert has_finding(message, "EQN declares 2 PNRs, the message holds 1")


def test_pnr2_second_pnr_alone(shared_data: Path) -> None:
    message = real(shared_data, "pnr2.txt")
    pnr = booking(message, "23456")
    assert [t.surname for t in pnr.travellers] == ["WAYNE", "COOPER"]
    assert person(pnr.travellers, "COOPER").seats == ("15A", "17B", "17F")  # SSD 15A at check-in
    assert message.sensitive_dropped == {}


def test_pnr4_nationality_differs_from_issuer(shared_data: Path) -> None:
    message = real(shared_data, "pnr4.txt")
    pnr = booking(message, "0995F0")
    (raval,) = pnr.travellers
    assert (raval.nationality, raval.documents[0].issuing_country) == ("ER", "GB")  # /P/GBR/…/ERI/
    assert raval.seats == ("48E",)
    assert [(b.count, b.weight, b.tags) for b in raval.baggage] == [(1, 26.0, ("UA0621",))]
    assert pnr.tickets == ("03751019954019",)
    assert [(p.card_type, p.card_last4, p.holder) for p in pnr.payments] == [("MA", "4410", "CHRISTOPHER RAVAL")]


def test_address_phone_ctc_m_and_escaped_plus(shared_data: Path) -> None:
    message = real(shared_data, "pnrAddressPhoneCTCM.txt")
    pnr = booking(message, "7C789A")
    assert ("phone", "5432109876") in contacts(pnr)  # ADD++700:::::::EK CTC M 5432109876
    assert contacts(pnr.travellers[0]) == [("email", "molly_lont+50bb@gmail.com")]  # MOLLY..LONT?+50BB//GMAIL.COM


def test_bad_format_is_readable(shared_data: Path) -> None:
    message = real(shared_data, "pnrBadFormat.txt")
    pnr = booking(message, "35K2IO")
    assert [t.surname for t in pnr.travellers] == ["DORON", "LENDROT"]
    assert legs(message, "35K2IO") == [("LH474", "MUC", "YUL")]
    assert has_finding(message, "text after UNZ without a segment terminator ignored")


def test_edge_unt_inside_an_email(shared_data: Path) -> None:
    message = real(shared_data, "pnrEdge.txt")
    assert contacts(booking(message, "7C789A").travellers[0]) == [("email", "molly_louunt+50bb@gmail.com")]


def test_message_example_five_travellers(shared_data: Path) -> None:
    message = real(shared_data, "pnrMessageExample.txt")
    pnr = booking(message, "7C789A")
    assert [t.surname for t in pnr.travellers] == ["LOBB", "PHILIPPS", "BOLOGNA", "EULENBERGER", "HABTE"]
    philipps = person(pnr.travellers, "PHILIPPS")
    assert (philipps.documents[0].issuing_country, philipps.nationality) == (None, None)  # /P//330102546//
    habte = person(pnr.travellers, "HABTE")
    assert habte.baggage[0].tags == ("ET0853", "ET0854", "ET0855", "ET0856")
    assert [person(pnr.travellers, n).seats for n in ("LOBB", "PHILIPPS", "BOLOGNA", "EULENBERGER", "HABTE")] == [
        ("22C",),
        ("21H",),
        ("1A",),
        ("24H",),
        ("33J",),
    ]


def test_page_75_curly_quote_and_missing_terminator(shared_data: Path) -> None:
    message = real(shared_data, "pnrMessagePg75.txt")
    assert has_finding(message, "curly apostrophe")
    assert has_finding(message, "segment terminator missing before TIF")  # ORG+…+9TIF+KIM:I+…
    park = booking(message, "2LS6KP").travellers[0]
    assert (park.surname, park.given_names, park.birth_date) == ("PARK", "SEJOON", date(1972, 9, 10))
    assert [(d.number, d.issuing_country) for d in park.documents] == [("JR3364288", "KR")]  # KR and KOR: one
    assert park.seats == ("39G",)  # SSD+039G
    assert [(b.count, b.weight, b.unit) for b in park.baggage] == [(2, 34.0, "KGM")]
    kim = booking(message, "X49V9U").travellers[0]
    assert (kim.surname, kim.given_names, kim.seats) == ("KIM", "KONG CHUN", ("14A",))
    assert any("*1A/E*" in remark for remark in booking(message, "2LS6KP").remarks)  # \* released


def test_page_76_ticketing_date(shared_data: Path) -> None:
    pnr = booking(real(shared_data, "pnrMessagePg76.txt"), "35K2IO")
    assert pnr.ticketed == datetime(2013, 2, 14)  # the earliest DAT+710


def test_page_77_creation_and_ticketing(shared_data: Path) -> None:
    pnr = booking(real(shared_data, "pnrMessagePg77.txt"), "W9TEND")
    assert pnr.created == datetime(2013, 5, 23, 18, 13, 48)
    assert pnr.ticketed == datetime(2013, 5, 23, 21, 24)
    assert [leg.flight for leg in pnr.itinerary] == ["TZ0006", "TZ0005"]


def test_no_msg_segment(shared_data: Path) -> None:
    message = real(shared_data, "pnrNoOrgMsg.txt")
    assert message.function is None
    assert has_finding(message, "no MSG segment")
    assert booking(message, "7C789A").travellers[0].surname == "LOBB"


@pytest.mark.parametrize("name", ["pnrPhoneCTCM.txt", "pnrPhoneCTC_M.txt"])
def test_mobile_phone_forms(shared_data: Path, name: str) -> None:
    traveller = booking(real(shared_data, name), "7C789A").travellers[0]
    assert ("phone", "123456789") in contacts(traveller)  # "YY CTCM 123456789" / "YY CTC M 123456789"


def test_seat_formats(shared_data: Path) -> None:
    traveller = booking(real(shared_data, "pnrSeatFormats.txt"), "7C789A").travellers[0]
    assert traveller.seats == ("36K", "74E")  # SSR SEAT 36K, SSR NSST +074E


def test_with_bags_big_push(shared_data: Path) -> None:
    message = real(shared_data, "pnrWithBags.txt")
    assert len(message.bookings) == 127
    assert sum(len(b.travellers) for b in message.bookings) == 268
    assert has_finding(message, "EQN declares 1 PNRs, the message holds 127")
    fenner = booking(message, "157313").travellers[0]
    assert (fenner.surname, fenner.given_names, fenner.birth_date) == ("FENNER", "JACKI", date(1970, 6, 2))
    assert [(d.number, d.issuing_country) for d in fenner.documents] == [("448763368", "US")]
    assert [(b.count, b.weight, b.tags) for b in fenner.baggage] == [(1, 53.0, ("ET0443",))]
    assert fenner.seats == ("22J",)
    allkins = booking(message, "12DA32").travellers[0]
    assert (allkins.surname, allkins.seats) == ("ALLKINS", ("46D",))
    assert allkins.baggage[0].tags == ("ET0869",)


def test_with_doco_visa(shared_data: Path) -> None:
    message = real(shared_data, "pnrWithDoco.txt")
    (ackary,) = booking(message, "06A9FD").travellers
    assert ackary.birth_place == "HERE VA"
    visa = [d for d in ackary.documents if d.kind == "V"]
    assert [(d.number, d.issued, d.issuing_country) for d in visa] == [("8675309", date(2006, 12, 22), "LI")]
    assert has_finding(message, "traveller reference '002' unknown")


def test_with_prefixes_and_booking_detail_bags(shared_data: Path) -> None:
    message = real(shared_data, "pnrWithPrefixesAndBookingDetailBags.txt")
    pnr = booking(message, "8A4E83")
    assert [t.surname for t in pnr.travellers] == ["ADONAY", "PETROS"]
    adonay = person(pnr.travellers, "ADONAY")
    assert {tag for bag in adonay.baggage for tag in bag.tags} == {"UA0506", "LH0506"}
    assert adonay.seats == ("8A",)
    assert pnr.itinerary[1].operating_carrier == "LH"
